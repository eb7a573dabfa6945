"""Starts the real action server, Rasa server and clinic page on this machine.

An operations tool: the scaled set-up (``tools/cluster.py``, ``make run-scaled``), the
benchmarks and the tests all start the bot with it, so it imports nothing from ``tests/``.
What only tests need (cutting a database off, freezing the action server, a faulty action
package, pytest fixtures) is in ``tests/support/``.

Each run gets free ports, its own endpoints file and its own SQLite conversation store in a
work folder, so it never touches ``conversations.db`` or a bot already running. The clinic
page's address (``Servers.page_url``) is the one website origin the run's Rasa accepts.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "aftercare.tar.gz"
RASA = ROOT / ".venv" / "bin" / "rasa"
PYTHON = ROOT / ".venv" / "bin" / "python"
STARTUP_SECONDS = 180


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Bot:
    """A running bot, reached over its REST channel and HTTP API."""

    url: str
    token: str
    workdir: Path

    def say(
        self,
        sender: str,
        message: Any,
        timeout: float = 30,
        metadata: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Sends one message (with the client's ``metadata``, if any); returns the replies."""
        body = {"sender": sender, "message": message}
        if metadata is not None:
            body["metadata"] = metadata
        response = requests.post(f"{self.url}/webhooks/rest/webhook", json=body, timeout=timeout)
        response.raise_for_status()
        return list(response.json())

    def tracker(self, sender: str) -> dict[str, Any]:
        """The conversation's tracker, from the HTTP API."""
        response = requests.get(
            f"{self.url}/conversations/{sender}/tracker",
            params={"token": self.token},
            timeout=30,
        )
        response.raise_for_status()
        return dict(response.json())


def _endpoints(
    workdir: Path,
    actions_port: int,
    tracker_store: dict[str, Any],
    lock_store: dict[str, Any] | None,
) -> Path:
    """The project's endpoints.yml, with this run's action server, conversation and lock store."""
    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    endpoints["action_endpoint"]["url"] = f"http://localhost:{actions_port}/webhook"
    endpoints["tracker_store"].update({"db": str(workdir / "conversations.db"), **tracker_store})
    if lock_store:
        endpoints["lock_store"] = lock_store
    path = workdir / "endpoints.yml"
    path.write_text(yaml.safe_dump(endpoints), encoding="utf-8")
    return path


def _credentials(workdir: Path, channels: dict[str, dict[str, Any]]) -> Path:
    """The project's credentials.yml, with this run's changes to the channels' settings."""
    credentials = yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8"))
    for channel, settings in channels.items():
        credentials[channel] = {**(credentials.get(channel) or {}), **settings}
    path = workdir / "credentials.yml"
    path.write_text(yaml.safe_dump(credentials), encoding="utf-8")
    return path


def wait_for(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Waits until ``url`` answers; fails with the end of ``log`` if ``process`` exits."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited; see {log}:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(url, timeout=2).ok:
                return
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {STARTUP_SECONDS}s; see {log}")


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, and SIGKILL after 20 seconds."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        process.send_signal(signal.SIGCONT)  # a paused server takes the SIGTERM only then
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


ALWAYS_OPEN = "monday to sunday 00:00-24:00"
"""The opening hours of the clinic under test, unless a test names others."""


class Servers:
    """The action server and the Rasa server of one run; either can be restarted."""

    def __init__(
        self,
        workdir: Path,
        tracker_store: dict[str, Any] | None = None,
        env: dict[str, str] | None = None,
        channels: dict[str, dict[str, Any]] | None = None,
        lock_store: dict[str, Any] | None = None,
        token: str | None = "e2e-token",
        actions_package: str = "actions",
        launcher: str = "speedups",
        more_origins: tuple[str, ...] = (),
    ) -> None:
        """Chooses ports and writes the run's endpoints and credentials files.

        ``tracker_store`` overrides keys of endpoints.yml's tracker store (the database is the
        run's own SQLite file unless it says otherwise); ``env`` adds environment variables;
        ``channels`` overrides channels' settings in credentials.yml (e.g. the rate limit);
        ``lock_store`` is endpoints.yml's lock store (Rasa's in-memory one if None);
        ``token`` switches the HTTP API on with that token (None: off);
        ``actions_package`` is the action server's package (tests/support/faulty_actions.py);
        ``launcher`` starts the Rasa server with ``python -m speedups`` or Rasa's own ``rasa``;
        ``more_origins`` are website origins the bot accepts beside the run's clinic page.
        """
        self.launcher = launcher
        if not MODEL.exists():
            raise RuntimeError(f"No trained model at {MODEL}: run `make model` first.")
        workdir.mkdir(parents=True, exist_ok=True)
        self.workdir = workdir
        self.token = token
        self.actions_package = actions_package
        self.actions_port = free_port()
        self.rasa_port = free_port()
        self.web_port = free_port()
        self.page_url = f"http://localhost:{self.web_port}"
        self.endpoints = _endpoints(workdir, self.actions_port, tracker_store or {}, lock_store)
        self.credentials = _credentials(workdir, channels or {})
        self.env = {
            **os.environ,
            "CLINIC_WEBSITE_ORIGIN": ",".join([self.page_url, *more_origins]),
            # Conversations and referrals in the run's own database (unless env names one).
            "AFTERCARE_DATABASE_URL": f"sqlite:///{workdir / 'conversations.db'}",
            # The socket.io session key (components/session_tokens.py) in the run's own folder.
            "AFTERCARE_SESSION_KEY_FILE": str(workdir / "session.key"),
            # The clinic open at every hour, so that the replies do not change with the time
            # the tests run at; a test of the closed clinic names its own hours.
            "CLINIC_OPENING_HOURS": ALWAYS_OPEN,
            **(env or {}),
            "RASA_TELEMETRY_ENABLED": "false",
        }
        self.actions: subprocess.Popen[bytes] | None = None
        self.rasa: subprocess.Popen[bytes] | None = None
        self.web: subprocess.Popen[bytes] | None = None
        self.staff: subprocess.Popen[bytes] | None = None
        self.staff_url = ""

    def _spawn(
        self, name: str, args: list[str], program: Path = RASA, env: dict[str, str] | None = None
    ) -> subprocess.Popen[bytes]:
        log = (self.workdir / f"{name}.log").open("ab")
        return subprocess.Popen(
            [str(program), *args],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def start_actions(self) -> None:
        """Starts the action server and waits until it answers."""
        # On loopback only, as scripts/run.sh starts it.
        self.actions = self._spawn(
            "actions",
            ["run", "actions", "--actions", self.actions_package, "--port", str(self.actions_port)],
            env={"SANIC_HOST": "127.0.0.1"},
        )
        url = f"http://localhost:{self.actions_port}/health"
        wait_for(url, self.actions, self.workdir / "actions.log")

    def start_rasa(self) -> None:
        """Starts the Rasa server (REST and socket.io, HTTP API with a token) and waits for it."""
        api = ["--enable-api", "--auth-token", self.token] if self.token else []
        # As scripts/run.sh starts it; launcher "rasa": Rasa's own command, as an operator may.
        speedups = self.launcher == "speedups"
        self.rasa = self._spawn(
            "rasa",
            [
                *(["-m", "speedups"] if speedups else []), "run",
                "--model", str(MODEL), "--endpoints", str(self.endpoints),
                "--credentials", str(self.credentials), "--port", str(self.rasa_port),
                "--logging-config-file", str(ROOT / "logging.yml"),
                *api, "--cors", *self.env["CLINIC_WEBSITE_ORIGIN"].split(","),
            ],
            program=PYTHON if speedups else RASA,
        )  # fmt: skip
        wait_for(f"http://localhost:{self.rasa_port}/", self.rasa, self.workdir / "rasa.log")

    def start_web(self) -> None:
        """Serves the clinic page with the chat widget at ``page_url``."""
        self.web = self._spawn(
            "web",
            ["-m", "web.server", "--port", str(self.web_port), "--bot-url", self.bot.url],
            program=PYTHON,
        )
        wait_for(self.page_url, self.web, self.workdir / "web.log")

    def start_staff(self) -> str:
        """Starts the staff view (``python -m handover.staff``) on the run's database; its URL.

        Nobody can sign in until an account is made in that database (``tests/support/staff.py``:
        ``staff_account``, or ``python -m handover user add``).
        """
        port = free_port()
        self.staff = self._spawn("staff", ["-m", "handover.staff", "--port", str(port)], PYTHON)
        self.staff_url = f"http://localhost:{port}"
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:  # the sign-in page is open to all
            if self.staff.poll() is not None:
                log = (self.workdir / "staff.log").read_text()[-3000:]
                raise RuntimeError(f"the staff view exited:\n{log}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.staff_url}/login", timeout=2).ok:
                    return self.staff_url
            time.sleep(0.2)
        raise RuntimeError(f"the staff view did not answer within {STARTUP_SECONDS}s")

    def stop_staff(self) -> None:
        """Stops the staff view."""
        if self.staff is not None:
            stop_process(self.staff)

    def stop_actions(self) -> None:
        """Stops the action server."""
        if self.actions is not None:
            stop_process(self.actions)

    def stop_rasa(self) -> None:
        """Stops the Rasa server."""
        if self.rasa is not None:
            stop_process(self.rasa)

    def stop_web(self) -> None:
        """Stops the clinic page."""
        if self.web is not None:
            stop_process(self.web)

    @property
    def bot(self) -> Bot:
        """A client of the running Rasa server."""
        return Bot(f"http://localhost:{self.rasa_port}", self.token or "", self.workdir)


@contextlib.contextmanager
def running_bot(
    workdir: Path,
    tracker_store: dict[str, Any] | None = None,
    env: dict[str, str] | None = None,
    page: bool = False,
    channels: dict[str, dict[str, Any]] | None = None,
    actions_package: str = "actions",
    launcher: str = "speedups",
    more_origins: tuple[str, ...] = (),
) -> Iterator[Servers]:
    """Starts both servers (and the clinic page), yields them, and stops them in any case."""
    servers = Servers(
        workdir,
        tracker_store,
        env,
        channels,
        actions_package=actions_package,
        launcher=launcher,
        more_origins=more_origins,
    )
    try:
        servers.start_actions()
        servers.start_rasa()
        if page:
            servers.start_web()
        yield servers
    finally:
        servers.stop_staff()
        servers.stop_web()
        servers.stop_rasa()
        servers.stop_actions()
