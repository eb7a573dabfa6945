"""Prints the figures the project is held to: speed, memory, training time and accuracy.

    make bench                      # everything
    python -m benchmarks.bench --skip-train --seconds 20

Against the real Rasa server and action server (tools/servers.py), on a fresh SQLite store:

* 8 concurrent patients run whole triage conversations for ``--seconds``: p50/p95/p99 latency
  per message, messages per second, errors, and messages missing from the trackers;
* one patient talks for 300 turns: p50 latency around turn 10 and around turn 300;
* a hostile neighbour: one patient's latency alone, then while one sender bursts 10 messages
  at once, then while another client sends 20,000-character messages, and how long those
  take to be answered (``--no-hostile`` skips it);
* the Rasa server's resident memory;
* the same load on Rasa's distributed set-up (tools/cluster.py: nginx, a throwaway PostgreSQL
  database, Redis), with 1 and then 2 Rasa servers (``--no-cluster`` skips it);
* ``rasa train`` from scratch (``--force``) into a temporary folder;
* the red-flag and emergency examples of aftercare/lexicon the symptom screen catches;
* the NLU cross-validation F1, if `make nlu` has written results/nlu.

How fast the machine is at the time: ``make bench-starter`` (benchmarks/starter.py).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp

from aftercare.screen import screen
from aftercare.severity import Severity
from aftercare.symptoms import Symptom, lexicon_examples, ordinary_examples
from tools.cluster import POSTGRES_SERVER, running_cluster, throwaway_postgres
from tools.nlu_report import weighted_f1
from tools.servers import RASA, ROOT, Bot, running_bot

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
# Simulated patients send faster than people type: no per-sender rate limit here.
UNLIMITED = {
    "components.rest_channel.RestInput": {
        "messages_per_minute": 0,
        "bytes_per_minute": 0,
        "address_bytes_per_minute": 0,
    }
}

# One patient's conversation: three triage outcomes and a few questions, as patients write.
CONVERSATION = [
    "hi",
    "my eye is twitching",
    "5 days ago",
    "no",
    "no",
    "can I drink coffee?",
    "no",
    "no",
    "I had botox 16 days ago and my eyelid still twitches, not getting better",
    "no",
    "no",
    "no",
    "no",
    "is blurry vision normal after botox?",
    "thanks",
    "bye",
]
LETTER = " ".join(itertools.islice(itertools.cycle(CONVERSATION), 2000))[:20_000]
"""A patient's 20,000-character letter: the conversation's messages, over and over."""


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) of ``values``, by the nearest rank."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """Resident memory of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def send(session: aiohttp.ClientSession, url: str, sender: str, text: str) -> float:
    """Sends one message; returns its latency in seconds. Raises on an empty or failed reply."""
    start = time.perf_counter()
    async with session.post(url, json={"sender": sender, "message": text}) as response:
        replies = await response.json()
        if response.status != 200 or not replies:
            raise RuntimeError(f"{response.status} {replies!r}")
    return time.perf_counter() - start


async def patients(
    url: str, count: int, seconds: float, conversation: list[str] = CONVERSATION
) -> tuple[list[float], int, dict[str, int]]:
    """``count`` patients talk at once for ``seconds``; returns latencies, errors, messages sent."""
    latencies: list[float] = []
    errors = 0
    sent: dict[str, int] = {}
    numbers = itertools.count()
    run = uuid.uuid4().hex[:8]  # a warm-up's conversations are not continued, nor counted
    deadline = time.monotonic() + seconds

    async def patient(session: aiohttp.ClientSession, slot: int) -> None:
        nonlocal errors
        while time.monotonic() < deadline:
            sender = f"bench-{run}-{slot}-{next(numbers)}"
            for text in conversation:
                if time.monotonic() >= deadline:
                    return
                try:
                    latencies.append(await send(session, url, sender, text))
                    sent[sender] = sent.get(sender, 0) + 1
                except Exception:
                    errors += 1

    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        await asyncio.gather(*(patient(session, slot) for slot in range(count)))
    return latencies, errors, sent


async def lost_messages(base: str, token: str, sent: dict[str, int]) -> int:
    """Messages a patient sent that are missing from their tracker."""
    lost = 0
    async with aiohttp.ClientSession() as session:
        for sender, count in sent.items():
            async with session.get(
                f"{base}/conversations/{sender}/tracker", params={"token": token}
            ) as response:
                tracker = await response.json()
            kept = sum(1 for event in tracker["events"] if event["event"] == "user")
            lost += max(0, count - kept)
    return lost


async def long_conversation(url: str, turns: int) -> list[float]:
    """One patient, ``turns`` messages (the conversation above, over and over)."""
    latencies = []
    async with aiohttp.ClientSession() as session:
        for text in itertools.islice(itertools.cycle(CONVERSATION), turns):
            latencies.append(await send(session, url, "bench-long", text))
    return latencies


def load(bot: Bot, seconds: float, concurrency: int, pids: list[int]) -> None:
    """Runs ``concurrency`` patients for ``seconds``; prints their figures.

    ``pids`` are the Rasa servers', whose CPU time per message is printed: unlike the
    latency, it hardly moves with what else the machine is doing.
    """
    url = f"{bot.url}/webhooks/rest/webhook"
    ms, errors, sent = measure(url, seconds, concurrency, pids, CONVERSATION)
    lost = asyncio.run(lost_messages(bot.url, bot.token, sent))
    print(f"    messages: {len(ms)}, errors: {errors}, lost: {lost}")


def measure(
    url: str, seconds: float, concurrency: int, pids: list[int], conversation: list[str]
) -> tuple[list[float], int, dict[str, int]]:
    """The load on ``url``; prints throughput, latency, CPU; returns ms, errors, messages sent."""
    asyncio.run(patients(url, 2, 5, conversation))  # warm-up: a model's first calls are slow
    cpu_before = sum(cpu_seconds(pid) for pid in pids)
    latencies, errors, sent = asyncio.run(patients(url, concurrency, seconds, conversation))
    cpu = sum(cpu_seconds(pid) for pid in pids) - cpu_before
    ms = [v * 1000 for v in latencies]
    print(f"  {concurrency} concurrent patients, {seconds:.0f} s, whole conversations:")
    print(f"    throughput: {len(ms) / seconds:.1f} messages/s")
    print(
        f"    latency ms: p50 {percentile(ms, 50):.0f}, p95 {percentile(ms, 95):.0f}, "
        f"p99 {percentile(ms, 99):.0f}"
    )
    print(f"    Rasa server CPU per message: {1000 * cpu / max(1, len(ms)):.1f} ms")
    return ms, errors, sent


def long_run(bot: Bot, turns: int) -> None:
    """One patient talks for ``turns`` messages; prints p50 early and late."""
    url = f"{bot.url}/webhooks/rest/webhook"
    long = [v * 1000 for v in asyncio.run(long_conversation(url, turns))]
    early = statistics.median(long[0:20])
    late = statistics.median(long[-20:])
    print(f"  one patient, {turns} turns:")
    print(f"    p50 ms around turn 10: {early:.0f}; around turn {turns}: {late:.0f}")
    print(f"    ratio turn {turns} / turn 10: {late / early:.2f}")


Hostile = Callable[[], Awaitable[None]]


async def neighbour(url: str, seconds: float, hostile: Hostile | None) -> list[float]:
    """One patient's latencies over ``seconds`` of whole conversations, beside ``hostile``."""
    stop = asyncio.Event()

    async def keep_at_it(hostile: Hostile) -> None:
        while not stop.is_set():
            await hostile()

    others = [asyncio.create_task(keep_at_it(hostile))] if hostile is not None else []
    await asyncio.sleep(0.5 if others else 0)  # the neighbour is at it first
    try:
        latencies, errors, _ = await patients(url, 1, seconds)
    finally:
        stop.set()
        await asyncio.gather(*others)
    if errors:
        raise RuntimeError(f"{errors} of the patient's messages failed")
    return [v * 1000 for v in latencies]


async def hostile_runs(url: str, seconds: float) -> None:
    """The patient's figures alone, beside a burst sender, beside a sender of long letters.

    The burst is 10 messages of one new sender at once, again as soon as all are answered;
    the letters come one after another, each as soon as the last is answered. No rate limit,
    as for the whole benchmark (with it, a sender gets 30 messages a minute).
    """
    long_ms: list[float] = []
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(timeout=timeout) as session:

        async def burst() -> None:
            sender = f"bench-burst-{uuid.uuid4().hex}"
            await asyncio.gather(*(send(session, url, sender, text) for text in CONVERSATION[:10]))

        async def long_letter() -> None:
            sender = f"bench-letter-{uuid.uuid4().hex}"
            long_ms.append(1000 * await send(session, url, sender, LETTER))

        await patients(url, 2, 5)  # warm-up
        rows = [
            ("alone", None),
            ("while one sender bursts 10 messages at once", burst),
            (f"while another client sends {len(LETTER):,}-character messages", long_letter),
        ]
        for name, hostile in rows:
            ms = await neighbour(url, seconds, hostile)
            print(
                f"    a patient {name}: p50 {percentile(ms, 50):.0f} ms, "
                f"p95 {percentile(ms, 95):.0f} ms, p99 {percentile(ms, 99):.0f} ms, "
                f"max {max(ms):.0f} ms ({len(ms)} messages in {seconds:.0f} s)"
            )
    print(
        f"    a {len(LETTER):,}-character message answered in: p50 "
        f"{percentile(long_ms, 50):.0f} ms, max {max(long_ms):.0f} ms ({len(long_ms)} sent)"
    )


def hostile_neighbour(bot: Bot, seconds: float) -> None:
    """One patient beside a sender who bursts, then beside one who sends long letters."""
    print("  hostile neighbour, one patient talking (whole conversations):")
    asyncio.run(hostile_runs(f"{bot.url}/webhooks/rest/webhook", seconds))


def one_server(
    store: dict[str, str], seconds: float, concurrency: int, turns: int, hostile: bool = True
) -> None:
    """The default set-up: one Rasa server, one action server, SQLite."""
    print("One Rasa server, SQLite (make run):")
    with (
        tempfile.TemporaryDirectory() as workdir,
        running_bot(Path(workdir), store, channels=UNLIMITED) as servers,
    ):
        assert servers.rasa is not None
        load(servers.bot, seconds, concurrency, [servers.rasa.pid])
        long_run(servers.bot, turns)
        if hostile:
            hostile_neighbour(servers.bot, seconds)
        print(f"  Rasa server resident memory: {rss_mb(servers.rasa.pid):.0f} MB")


def scaled(count: int, seconds: float, concurrency: int) -> None:
    """``count`` Rasa servers behind nginx, on PostgreSQL and Redis (make run-scaled)."""
    print(f"{count} Rasa server(s) behind nginx, PostgreSQL + Redis lock store (make run-scaled):")
    with (
        tempfile.TemporaryDirectory() as workdir,
        throwaway_postgres(POSTGRES_SERVER, "aftercare_bench") as database,
        running_cluster(
            Path(workdir),
            count,
            database,
            REDIS_URL,
            channels=UNLIMITED,
            key_prefix=f"bench{os.getpid()}",
        ) as cluster,
    ):
        pids = [node.rasa.pid for node in cluster.nodes if node.rasa is not None]
        load(cluster.bot, seconds, concurrency, pids)
        memory = [rss_mb(pid) for pid in pids]
        print(f"  Rasa servers' resident memory: {', '.join(f'{mb:.0f}' for mb in memory)} MB")


def train_time() -> None:
    """Times `rasa train --force` into a temporary folder."""
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run(
            [str(RASA), "train", "--force", "--out", out],
            cwd=ROOT,
            check=True,
            capture_output=True,
            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
        )
        print(f"rasa train (from scratch): {time.perf_counter() - start:.0f} s")


def accuracy() -> None:
    """Red-flag and emergency examples caught, ordinary messages not flagged, and the NLU F1."""
    examples = lexicon_examples("must")
    for name, severity in (
        ("red flags", Severity.RED_FLAG),
        ("emergency signs", Severity.EMERGENCY),
    ):
        cases = [(symptom, text) for symptom, text in examples if symptom.severity is severity]
        caught = sum(1 for symptom, text in cases if symptom in screen(text).present)
        print(f"{name} caught by the symptom screen: {caught}/{len(cases)}")
    ordinary = ordinary_examples()
    false = sum(1 for text in ordinary if screen(text).severity.decides)
    print(f"ordinary phrasings flagged as red flags: {false}/{len(ordinary)}")
    print(f"symptoms the screen knows: {len(Symptom)}")
    report = ROOT / "results" / "nlu" / "intent_report.json"
    if report.exists():
        print(f"NLU intent F1, 5-fold cross-validation (results/nlu): {weighted_f1(report):.3f}")
    else:
        print("NLU intent F1: run `make nlu` first")


def main() -> None:
    """Parses the options and prints every figure."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--skip-train", action="store_true")
    parser.add_argument("--no-cluster", action="store_true", help="skip the 1 vs 2 servers runs")
    parser.add_argument("--no-hostile", action="store_true", help="skip the hostile neighbour")
    parser.add_argument(
        "--plain-sql",
        action="store_true",
        help="use Rasa's own SQLTrackerStore instead of the bounded one, for comparison",
    )
    args = parser.parse_args()
    accuracy()
    store = {"type": "SQL"} if args.plain_sql else {}
    one_server(store, args.seconds, args.concurrency, args.turns, not args.no_hostile)
    if not args.no_cluster:
        for count in (1, 2):
            scaled(count, args.seconds, args.concurrency)
    if not args.skip_train:
        train_time()


if __name__ == "__main__":
    main()
