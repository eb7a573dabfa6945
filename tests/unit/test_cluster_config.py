"""The scaled set-up's configuration (tools/cluster.py, deploy/nginx.conf), without servers."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tools import servers
from tools.cluster import Cluster, nginx_config, redis_lock_store


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("redis://127.0.0.1:6379/1", {"url": "127.0.0.1", "port": 6379, "db": 1}),
        ("redis://cache.internal/4", {"url": "cache.internal", "port": 6379, "db": 4}),
        ("redis://:secret@10.0.0.5:6380", {"url": "10.0.0.5", "port": 6380, "db": 0}),
    ],
)
def test_a_redis_url_becomes_rasas_lock_store(url: str, expected: dict[str, object]) -> None:
    store = redis_lock_store(url, "aftercare")
    assert store["type"] == "components.lock_store.RedisConversationLockStore"
    assert store["key_prefix"] == "aftercare"
    assert {key: store[key] for key in expected} == expected


def test_a_url_that_is_not_redis_is_refused() -> None:
    with pytest.raises(ValueError, match="redis://"):
        redis_lock_store("postgresql://127.0.0.1/aftercare")


def test_several_servers_need_a_shared_database(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="postgresql"):
        Cluster(tmp_path, 2, "sqlite:///conversations.db", "redis://127.0.0.1:6379/1")


def test_every_server_checks_the_widgets_sessions_with_one_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = tmp_path / "model.tar.gz"  # the servers are configured, not started
    model.touch()
    monkeypatch.setattr(servers, "MODEL", model)
    cluster = Cluster(tmp_path, 3, "postgresql://db/aftercare", "redis://127.0.0.1:6379/1")
    files = {node.env["AFTERCARE_SESSION_KEY_FILE"] for node in cluster.nodes}
    assert files == {str(tmp_path / "session.key")}


def test_the_nginx_config_lists_every_server_for_rest_and_socketio(tmp_path: Path) -> None:
    config = nginx_config(tmp_path, "127.0.0.1:5005", [7001, 7002])
    assert not re.search(r"@(WORKDIR|LISTEN|SERVERS)@", config)
    assert config.count("server 127.0.0.1:7001;") == 2
    assert config.count("server 127.0.0.1:7002;") == 2
    assert "listen 127.0.0.1:5005;" in config and "ip_hash;" in config


def assert_nginx_accepts(folder: Path) -> None:
    """``nginx -t`` passes on ``folder``/nginx.conf."""
    check = subprocess.run(
        ["nginx", "-t", "-p", str(folder), "-c", str(folder / "nginx.conf")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is installed by make e2e")
def test_nginx_accepts_the_config(tmp_path: Path) -> None:
    (tmp_path / "nginx.conf").write_text(
        nginx_config(tmp_path, "127.0.0.1:5005", [7001, 7002]), encoding="utf-8"
    )
    assert_nginx_accepts(tmp_path)


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is installed by make e2e")
def test_nginx_accepts_the_https_site(tmp_path: Path) -> None:
    """deploy/nginx-https.conf, with a throwaway certificate in place of the clinic's."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=chat.clinic.example", "-keyout", str(tmp_path / "key.pem"),
         "-out", str(tmp_path / "cert.pem")],
        capture_output=True,
        check=True,
    )  # fmt: skip
    site = (servers.ROOT / "deploy" / "nginx-https.conf").read_text(encoding="utf-8")
    assert "location /socket.io/" in site and "$http_upgrade" in site
    assert "listen 443 ssl;" in site and "return 301 https://" in site
    site = site.replace(
        "/etc/letsencrypt/live/chat.clinic.example/fullchain.pem", str(tmp_path / "cert.pem")
    ).replace("/etc/letsencrypt/live/chat.clinic.example/privkey.pem", str(tmp_path / "key.pem"))
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ include {tmp_path}/site.conf; }}\n",
        encoding="utf-8",
    )
    assert_nginx_accepts(tmp_path)
