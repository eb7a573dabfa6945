"""Rasa's starter bot (``rasa init``) under the benchmark's load: how fast is this machine?

    make bench-starter              # or: python -m benchmarks.starter --seconds 30

The issues set their speed targets beside this bot's figures on the machine they were
written on: 23 messages/s and a p50 of 333 ms with 8 patients. The project's machine is a
shared virtual machine whose speed changes from one day to the next. This creates the
starter bot in a temporary folder, trains it (about 90 s), serves it over REST as
``make bench`` serves the aftercare bot, and sends it the same load: 8 patients, each
sending the next message as soon as the last is answered, with the starter bot's own
small talk. Both sets of figures from the same machine can then be compared.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
from pathlib import Path

from benchmarks.bench import measure
from tools.servers import RASA, free_port, stop_process, wait_for

# What the starter bot understands (its data/nlu.yml): every message gets a reply.
STARTER_CONVERSATION = [
    "hi",
    "I am sad",
    "no",
    "hello there",
    "I am great",
    "are you a bot?",
    "good morning",
    "very bad",
    "yes",
    "bye",
]


def main() -> None:
    """Creates, trains and serves the starter bot, and prints its figures under load."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        log = workdir / "rasa.log"
        with log.open("ab") as output:
            subprocess.run(
                [str(RASA), "init", "--no-prompt", "--init-dir", str(workdir)],
                cwd=workdir, env=env, stdout=output, stderr=subprocess.STDOUT, check=True,
            )  # fmt: skip
            port = free_port()
            server = subprocess.Popen(
                [str(RASA), "run", "--port", str(port)],
                cwd=workdir, env=env, stdout=output, stderr=subprocess.STDOUT,
            )  # fmt: skip
        try:
            wait_for(f"http://localhost:{port}/", server, log)
            print("Rasa's starter bot (rasa init), one Rasa server, its in-memory store:")
            url = f"http://localhost:{port}/webhooks/rest/webhook"
            _, errors, _ = measure(
                url, args.seconds, args.concurrency, [server.pid], STARTER_CONVERSATION
            )
            print(f"    errors: {errors}")
        finally:
            stop_process(server)


if __name__ == "__main__":
    main()
