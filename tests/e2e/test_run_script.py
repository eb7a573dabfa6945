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
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from tools.servers import ALWAYS_OPEN, PYTHON, ROOT, free_port

pytestmark = pytest.mark.servers

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


@dataclass
class Copy:
    """One ``scripts/run.sh`` started as a user would, on its own ports, database and logs."""

    workdir: Path
    rasa_port: int = field(default_factory=free_port)
    actions_port: int = field(default_factory=free_port)
    web_port: int = field(default_factory=free_port)
    staff_port: int = field(default_factory=free_port)

    @property
    def output(self) -> Path:
        return self.workdir / "run.out"

    @property
    def logs(self) -> Path:
        return self.workdir / "logs"

    def start(self) -> subprocess.Popen[bytes]:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"RASA_API_TOKEN", "STAFF_SESSION_KEY", "RASA_TELEMETRY_ENABLED"}
            and key not in {"ACTION_SERVER_URL", "AFTERCARE_SPEEDUPS"}
        }
        env |= {
            "AFTERCARE_DATABASE_URL": f"sqlite:///{self.workdir / 'conversations.db'}",
            "AFTERCARE_LOG_DIR": str(self.logs),
            "RASA_PORT": str(self.rasa_port),
            "ACTIONS_PORT": str(self.actions_port),
            "WEB_PORT": str(self.web_port),
            "STAFF_PORT": str(self.staff_port),
            # The replies do not change with the hour the tests run at (tools/servers.py).
            "CLINIC_OPENING_HOURS": ALWAYS_OPEN,
        }
        with self.output.open("wb") as out:
            return subprocess.Popen(
                ["bash", "scripts/run.sh"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def say(self, sender: str, text: str) -> str:
        url = f"http://localhost:{self.rasa_port}/webhooks/rest/webhook"
        reply = requests.post(url, json={"sender": sender, "message": text}, timeout=60)
        return str(reply.json()[0]["text"])


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Copy]]:
    """Two copies of the bot side by side on this machine, from the same checkout."""
    runs = [Copy(tmp_path_factory.mktemp("run")) for _ in range(2)]
    processes = [run.start() for run in runs]
    try:
        deadline = time.monotonic() + 300
        for run, process in zip(runs, processes, strict=True):
            while True:
                assert process.poll() is None, run.output.read_text()
                if time.monotonic() > deadline:
                    pytest.fail(f"scripts/run.sh did not start the bot:\n{run.output.read_text()}")
                try:
                    requests.get(f"http://localhost:{run.rasa_port}/", timeout=2)
                    break
                except requests.ConnectionError:
                    time.sleep(1)
        yield runs
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(timeout=60)


@pytest.fixture(scope="module")
def run_script(copies: list[Copy]) -> Copy:
    """The first copy."""
    return copies[0]


def test_two_copies_answer_side_by_side(copies: list[Copy]) -> None:
    for run in copies:
        assert "return to the clinic today" in run.say("side-by-side", "I see double since Botox")
        assert (run.logs / "actions.log").is_file()
    assert copies[0].rasa_port != copies[1].rasa_port


def test_the_start_says_ready_with_every_address_and_warns_of_the_origin(
    run_script: Copy,
) -> None:
    for _ in range(60):
        if "Ready:" in run_script.output.read_text():
            break
        time.sleep(1)
    text = run_script.output.read_text()
    page = f"http://localhost:{run_script.web_port}"
    (ready,) = [line for line in text.splitlines() if line.startswith("Ready:")]
    assert f"clinic page {page}/" in ready
    assert f"bot http://localhost:{run_script.rasa_port}" in ready
    assert f"staff view http://localhost:{run_script.staff_port}/" in ready
    # WEB_PORT is not clinic.yml's origin (localhost:8080): the widget would be refused.
    assert f"WARNING: the bot refuses the widget on {page}" in text
    assert f"CLINIC_WEBSITE_ORIGIN={page}" in text


def test_the_staff_view_starts_and_asks_for_a_first_lead(run_script: Copy) -> None:
    """The nurse's notifications go from the staff view's process: it always starts."""
    page = requests.get(f"http://localhost:{run_script.staff_port}/login", timeout=10)
    assert page.status_code == 200
    assert 'python -m handover user add "Your Name" --role lead' in page.text
    assert "python -m handover user add NAME --role lead" in run_script.output.read_text()


def test_the_speed_ups_are_installed_and_logged(run_script: Copy) -> None:
    assert "Rasa speed-ups on (AFTERCARE_SPEEDUPS=off" in run_script.output.read_text()


def test_the_http_api_is_off_without_a_token(run_script: Copy) -> None:
    for path in ("/status", "/conversations/anna/tracker", "/model/parse"):
        assert requests.get(
            f"http://localhost:{run_script.rasa_port}{path}", timeout=10
        ).status_code in {
            404,
            405,
        }


def test_the_action_server_listens_on_loopback_only(run_script: Copy) -> None:
    addresses = listening_addresses(run_script.actions_port)
    assert addresses and addresses <= LOOPBACK, addresses


def test_telemetry_is_off_in_the_running_server(run_script: Copy) -> None:
    pids = subprocess.run(
        ["pgrep", "-f", f"speedups run --model .* --port {run_script.rasa_port}"],
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


def test_no_patient_text_in_the_logs(run_script: Copy) -> None:
    assert "return to the clinic today" in run_script.say("log-check", PATIENT_WORDS)
    time.sleep(1)
    logs = [run_script.output, *run_script.logs.glob("*.log")]
    assert {log.name for log in logs} == {"run.out", "actions.log", "web.log", "staff.log"}
    for log in logs:
        assert "Zebrafinch" not in log.read_text(errors="replace"), log


@pytest.mark.parametrize(
    ("env", "says"),
    [
        (
            {"STAFF_SESSION_KEY": "short"},
            "STAFF_SESSION_KEY must be 32 bytes in base64 (make one with `openssl rand -base64 32`)",
        ),
        ({"STAFF_PORT": "abc"}, "STAFF_PORT must be a port, 1 to 65535, not 'abc'"),
        ({"RASA_PORT": "70000"}, "RASA_PORT must be a port, 1 to 65535, not '70000'"),
    ],
)
def test_a_setting_that_cannot_work_stops_the_script_in_one_line(
    env: dict[str, str], says: str
) -> None:
    """Issue 23: a setting that could not work was found after the start, the staff view's URL
    printed all the same."""
    done = subprocess.run(
        [str(ROOT / "scripts" / "run.sh")],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [f"scripts/run.sh: {says}"]
    assert "Staff view" not in done.stdout
