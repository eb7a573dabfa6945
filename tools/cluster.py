r"""Rasa's distributed set-up on one machine: several Rasa servers behind nginx.

Each Rasa server has an action server beside it; all share one PostgreSQL database (the
conversations, through ``components/tracker_store.py``, and the referrals) and one Redis lock
store, so that any server can take any message of any conversation, one at a time and in
order. nginx (Debian's package) spreads the REST requests over the servers and keeps each
socket.io client on one (``deploy/nginx.conf``).

    AFTERCARE_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/aftercare \\
    REDIS_URL=redis://127.0.0.1:6379/1 make run-scaled      # python -m tools.cluster

Used as is by the scale-out test (``tests/e2e/test_scale_out.py``) and the benchmark.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import sqlalchemy as sa

from aftercare import clinic
from tools.servers import ROOT, Bot, Servers, free_port, stop_process, wait_for

NGINX_TEMPLATE = ROOT / "deploy" / "nginx.conf"
POSTGRES_SERVER = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
"""The PostgreSQL server tests and benchmarks make throwaway databases on (loopback, trust)."""


def redis_lock_store(url: str, key_prefix: str = "aftercare") -> dict[str, Any]:
    """endpoints.yml's ``lock_store`` for a ``redis://host:port/db`` URL.

    Rasa's own ``type: redis`` is not safe with several servers (components/lock_store.py).
    """
    parsed = urlparse(url)
    if parsed.scheme != "redis":
        raise ValueError(f"not a redis:// URL: {url}")
    return {
        "type": "components.lock_store.RedisConversationLockStore",
        "url": parsed.hostname or "127.0.0.1",
        "port": parsed.port or 6379,
        "db": int(parsed.path.lstrip("/") or 0),
        "password": parsed.password,
        "key_prefix": key_prefix,
    }


def nginx_config(workdir: Path, listen: str, rasa_ports: list[int]) -> str:
    """deploy/nginx.conf for this cluster."""
    servers = "\n".join(f"        server 127.0.0.1:{port};" for port in rasa_ports)
    return (
        NGINX_TEMPLATE.read_text(encoding="utf-8")
        .replace("@WORKDIR@", str(workdir))
        .replace("@LISTEN@", listen)
        .replace("@SERVERS@", servers)
    )


@contextlib.contextmanager
def throwaway_postgres(server_url: str, prefix: str = "aftercare_test") -> Iterator[str]:
    """A new, empty database on the PostgreSQL server at ``server_url``, dropped afterwards.

    Raises ``sqlalchemy.exc.OperationalError`` when the server cannot be reached.
    """
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(f"{server_url}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield f"{server_url}/{name}"
        with admin.connect() as connection:
            connection.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"
                ),
                {"n": name},
            )
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
    finally:
        admin.dispose()


class Cluster:
    """``count`` pairs of action server and Rasa server, and nginx in front of them."""

    def __init__(
        self,
        workdir: Path,
        count: int,
        database_url: str,
        redis_url: str,
        port: int | None = None,
        token: str | None = "e2e-token",
        env: dict[str, str] | None = None,
        channels: dict[str, dict[str, Any]] | None = None,
        key_prefix: str = "aftercare",
    ) -> None:
        """Plans the servers; nothing starts before :meth:`start`."""
        if not database_url.startswith("postgresql"):
            raise ValueError("several Rasa servers need a shared database: a postgresql:// URL")
        self.workdir = workdir
        self.port = port or free_port()
        self.token = token
        env = dict(env or {})
        # Every server accepts the same website origin (a test's stands-in page by default).
        self.origin = env.setdefault("CLINIC_WEBSITE_ORIGIN", f"http://localhost:{free_port()}")
        # ... and the same socket.io sessions: one key file (components/session_tokens.py).
        env.setdefault("AFTERCARE_SESSION_KEY_FILE", str(workdir / "session.key"))
        # The client's address is nginx's X-Forwarded-For (deploy/nginx.conf): Sanic trusts it
        # from one proxy, for the channels' per-address rate limit.
        env.setdefault("SANIC_PROXIES_COUNT", "1")
        lock_store = redis_lock_store(redis_url, key_prefix)
        self.nodes = [
            Servers(
                workdir / f"server-{n}",
                env={"AFTERCARE_DATABASE_URL": database_url, **env},
                channels=channels,
                lock_store=lock_store,
                token=token,
            )
            for n in range(1, count + 1)
        ]
        self.nginx: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Starts every action server and Rasa server, then nginx, and waits for all."""
        for node in self.nodes:
            node.start_actions()
        for node in self.nodes:
            node.start_rasa()
        config = self.workdir / "nginx.conf"
        listen = f"127.0.0.1:{self.port}"
        config.write_text(
            nginx_config(self.workdir, listen, [node.rasa_port for node in self.nodes]),
            encoding="utf-8",
        )
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        log = (self.workdir / "nginx.out").open("ab")
        self.nginx = subprocess.Popen(
            [nginx, "-p", str(self.workdir), "-c", str(config)], stdout=log, stderr=log
        )
        wait_for(f"http://localhost:{self.port}/", self.nginx, self.workdir / "nginx-error.log")

    def stop(self) -> None:
        """Stops nginx, then the servers."""
        if self.nginx is not None:
            stop_process(self.nginx)
        for node in self.nodes:
            node.stop_rasa()
            node.stop_actions()

    @property
    def bot(self) -> Bot:
        """The bot as patients reach it: through nginx."""
        return Bot(f"http://localhost:{self.port}", self.token or "", self.workdir)


@contextlib.contextmanager
def running_cluster(*args: Any, **kwargs: Any) -> Iterator[Cluster]:
    """A started :class:`Cluster`, stopped in any case."""
    cluster = Cluster(*args, **kwargs)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


def _interrupt(*_: Any) -> None:
    raise KeyboardInterrupt


def main() -> None:
    """Runs the scaled set-up in the foreground until Ctrl-C (``make run-scaled``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--servers", type=int, default=int(os.environ.get("RASA_SERVERS", 2)))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 5005)))
    args = parser.parse_args()
    database_url = os.environ.get("AFTERCARE_DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1")
    origins = ",".join(clinic.load().website_origins())
    workdir = Path(tempfile.mkdtemp(prefix="aftercare-cluster-"))
    cluster = Cluster(
        workdir,
        args.servers,
        database_url,
        redis_url,
        port=args.port,
        token=os.environ.get("RASA_API_TOKEN") or None,
        env={
            "CLINIC_WEBSITE_ORIGIN": origins,
            # The same key file as make run's, so that sessions outlive a restart.
            "AFTERCARE_SESSION_KEY_FILE": os.environ.get("AFTERCARE_SESSION_KEY_FILE")
            or str(ROOT / "session.key"),
        },
    )
    for stop in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop, _interrupt)
    try:
        cluster.start()
        print(
            f"{args.servers} Rasa servers behind nginx on http://localhost:{args.port} "
            f"(conversations in {urlparse(database_url).path.lstrip('/')}, locks in "
            f"{redis_url}; logs in {workdir})",
            flush=True,
        )
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
