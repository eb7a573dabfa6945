"""`make run` as a new user starts it (scripts/run.sh): what is exposed, and what is logged.

Without ``RASA_API_TOKEN`` the HTTP API is off; the action server listens on loopback only;
Rasa's telemetry is off; and at the default log level nothing a patient typed reaches a log.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tools.servers import PYTHON, ROOT, free_port

pytestmark = pytest.mark.servers

RASA_PORT, ACTIONS_PORT = 5005, 5055
PATIENT_WORDS = "my vision is blurry since I walked past Zebrafinch Lane"
LOOPBACK = {"0100007F", "00000000000000000000000001000000"}  # 127.0.0.1 and ::1 in /proc


def listening_addresses(port: int) -> set[str]:
    """The local addresses (as /proc/net/tcp* writes them) with a socket listening on ``port``."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, port_hex = fields[1].split(":")
            if int(port_hex, 16) == port and fields[3] == "0A":  # 0A: LISTEN
                found.add(address)
    return found


@pytest.fixture(scope="module")
def run_script(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """``scripts/run.sh`` started as a user would, with its own database; yields its output."""
    if listening_addresses(RASA_PORT) or listening_addresses(ACTIONS_PORT):
        pytest.skip("ports 5005/5055 are taken (is `make run` running?)")
    workdir = tmp_path_factory.mktemp("run")
    output = workdir / "run.out"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"RASA_API_TOKEN", "STAFF_PASSWORD", "RASA_TELEMETRY_ENABLED"}
    }
    env |= {
        "AFTERCARE_DATABASE_URL": f"sqlite:///{workdir / 'conversations.db'}",
        "WEB_PORT": str(free_port()),
        "STAFF_PORT": str(free_port()),
    }
    with output.open("wb") as out:
        process = subprocess.Popen(
            ["bash", "scripts/run.sh"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            assert process.poll() is None, output.read_text()
            try:
                requests.get(f"http://localhost:{RASA_PORT}/", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(1)
        else:
            pytest.fail(f"scripts/run.sh did not start the bot:\n{output.read_text()}")
        yield output
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)


def test_the_http_api_is_off_without_a_token(run_script: Path) -> None:
    for path in ("/status", "/conversations/anna/tracker", "/model/parse"):
        assert requests.get(f"http://localhost:{RASA_PORT}{path}", timeout=10).status_code in {
            404,
            405,
        }


def test_the_action_server_listens_on_loopback_only(run_script: Path) -> None:
    addresses = listening_addresses(ACTIONS_PORT)
    assert addresses and addresses <= LOOPBACK, addresses


def test_telemetry_is_off_in_the_running_server(run_script: Path) -> None:
    pids = subprocess.run(
        ["pgrep", "-f", f"rasa run --model .* --port {RASA_PORT}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    environ = Path(f"/proc/{pids[0]}/environ").read_bytes().split(b"\0")
    env = dict(item.decode().split("=", 1) for item in environ if b"=" in item)
    assert env["RASA_TELEMETRY_ENABLED"] == "false"
    check = "import rasa.telemetry as t; print(t.is_telemetry_enabled())"
    enabled = subprocess.run(
        [str(PYTHON), "-c", check], env=env, capture_output=True, text=True, check=True
    )
    assert enabled.stdout.strip() == "False"


def test_no_patient_text_in_the_logs(run_script: Path) -> None:
    url = f"http://localhost:{RASA_PORT}/webhooks/rest/webhook"
    reply = requests.post(url, json={"sender": "log-check", "message": PATIENT_WORDS}, timeout=60)
    assert "return to the clinic today" in reply.json()[0]["text"]
    time.sleep(1)
    logs = [run_script, *(ROOT / "logs").glob("*.log")]
    for log in logs:
        assert "Zebrafinch" not in log.read_text(errors="replace"), log
