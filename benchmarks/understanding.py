"""How well the bot understands patients it was never trained on: the held-out set, over REST.

    make eval                                   # starts the real servers, prints the figures
    python -m benchmarks.understanding --url http://localhost:5005   # against a running bot
    python -m benchmarks.understanding --set /elsewhere/blind          # another set, same format

The held-out set lives in ``benchmarks/heldout/`` and is never training data
(``tests/unit/test_heldout.py`` fails if one of its sentences appears in ``data/``). Part of it was
written by someone who had not read ``data/``, in the styles of real patients' questions on
public Q&A pages. Two files:

* ``messages.yml``: single opening messages. Each is sent in a new conversation and the
  bot's first reply is judged: the article's answer (``faq``), the emergency answer for an
  emergency sign, the clinic for a red flag, no alarm for an expected symptom, a help line
  for a crisis, help offered for deep distress, and neither for a figure of speech
  (``figure``) or a plain report (``plain``). Changes in the body the article does not name
  (issue 29): a sudden or severe one (``sudden``) and a filler's sign (``filler``) get the
  emergency answer; a sign of infection (``infection``) gets the clinic first, before any of
  the article's answers; a milder change (``change``) gets the safety net, or the check
  that ends in a decision; and a question that is not about the body (``not_body``: flying,
  make-up) gets neither. A general question about a dangerous sign by someone who has none
  (``general``) gets the answer or the warning signs, and no alarm.
* ``patients.yml``: simulated patients. Each sends its opening message, then answers every
  question the bot asks with its own line for that question, until the bot decides. The
  decision is compared with the level the article's rules give.

Each reply is recognised by the ``domain.yml`` response it was made from, so the figures do
not depend on how the bot got there (rules, forms or the fail-safe).
"""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
import tempfile
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from aftercare import clinic
from tools.servers import ROOT, Bot, running_bot

HELDOUT = ROOT / "benchmarks" / "heldout"
LEVELS = {"self_care": 0, "routine": 1, "urgent": 2, "emergency": 3}
MAX_TURNS = 16

# Which reply means which triage outcome, from the action server or from the fail-safe.
OUTCOMES = {
    "triage_emergency": "emergency",
    "triage_emergency_sudden": "emergency",
    "triage_emergency_filler": "emergency",
    "utter_unavailable_emergency": "emergency",
    "triage_urgent": "urgent",
    "utter_unavailable_red_flag": "urgent",
    "triage_routine": "routine",
}
# The form's questions, by the line of a simulated patient that answers them.
QUESTIONS = {
    "utter_ask_symptom_description": "symptom",
    "utter_ask_treatment_date": "date",
    "utter_ask_improving": "improving",
    "utter_ask_screen_eyelid": "eyelid",
    "utter_ask_screen_vision": "vision",
    "utter_ask_screen_injection_site": "injection_site",
    "utter_ask_screen_emergency": "emergency",
}
# Replies that ask the same question again, in other words.
RE_ASKS = {
    "please_answer_yes_no",
    "date_not_understood",
    "date_dont_know",
    "date_in_future",
    "date_too_long_ago",
    "symptom_description_empty",
}
# The replies that meet a patient's crisis (a help line first) or deep distress.
CRISIS = {"utter_crisis", "utter_crisis_check", "utter_crisis_followup"}
DISTRESS = CRISIS | {"utter_distress", "utter_distress_sign"}
# The replies that start the symptom check, which ends in a decision with its advice.
CHECK = {"utter_ask_symptom_description", "utter_ask_treatment_date", *QUESTIONS}
CHIT_CHAT = {
    "greet": "utter_greet",
    "goodbye": "utter_goodbye",
    "thank": "utter_you_are_welcome",
    "bot_challenge": "utter_iamabot",
    "ask_human": "utter_contact_clinic",
    "out_of_scope": "utter_out_of_scope",
    "delete_data": "utter_confirm_delete",
    "non_english": "utter_non_english",
}


class ReplyNames:
    """Names the ``domain.yml`` response a reply's text was made from."""

    def __init__(self, domain_path: Path, values: dict[str, str]) -> None:
        """Turns every response into a pattern: clinic details filled, other variables open."""
        domain = yaml.safe_load(domain_path.read_text(encoding="utf-8"))
        self._patterns: list[tuple[str, re.Pattern[str]]] = []
        for name, variants in domain["responses"].items():
            for variant in variants:
                text = " ".join(str(variant.get("text", "")).split())
                if not text:
                    continue
                parts = re.split(r"(\{\w+\})", text)
                regex = "".join(
                    re.escape(values[p[1:-1]])
                    if p[1:-1] in values
                    else ".*?"
                    if p.startswith("{") and p.endswith("}")
                    else re.escape(p)
                    for p in parts
                )
                self._patterns.append((name, re.compile(rf"^{regex}$", re.DOTALL)))
        # Longest first: a response is never taken for a shorter one it starts like.
        self._patterns.sort(key=lambda item: -len(item[1].pattern))

    def name(self, text: str) -> str:
        """The response's name, or ``?`` for a text no response makes."""
        text = " ".join(text.split())
        for name, pattern in self._patterns:
            if pattern.match(text):
                return name
        return "?"

    def of(self, replies: list[dict[str, Any]]) -> list[str]:
        """The names of a turn's replies, in order."""
        return [self.name(str(reply.get("text", ""))) for reply in replies if reply.get("text")]


def fill_dates(text: str, today: date) -> str:
    """Replaces ``{date:N}``, ``{day:N}`` and ``{weekday:N}`` with the date N days before today."""

    def replace(match: re.Match[str]) -> str:
        kind, days = match.group(1), int(match.group(2))
        day = today - timedelta(days=days)
        if kind == "date":
            return f"{day.day} {day:%B}"
        if kind == "day":
            teen = 10 <= day.day % 100 <= 20
            suffix = "th" if teen else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
            return f"{day.day}{suffix}"
        return f"{day:%A}"

    return re.sub(r"\{(date|day|weekday):(-?\d+)\}", replace, text)


# The warning signs (a general question about a red flag or an emergency sign) hold the
# article's whole "when to return" list, and the emergency signs beside it.
ALSO_ANSWERS = {"when_to_return": {"utter_warning_signs"}}


def answers_to(topic: str) -> set[str]:
    """The replies that answer a question about ``topic``."""
    return {f"utter_faq/{topic}", *ALSO_ANSWERS.get(topic, ())}


def first_answer(names: list[str]) -> str | None:
    """The first of the article's answers (or the warning signs) among a turn's replies."""
    also = set().union(*ALSO_ANSWERS.values())
    return next((n for n in names if n.startswith("utter_faq/") or n in also), None)


def outcome(names: list[str]) -> str | None:
    """The most urgent triage outcome among a turn's replies, if any."""
    found = [OUTCOMES.get(n) or (n.startswith("triage_self_care") and "self_care") for n in names]
    levels = [level for level in found if level]
    return max(levels, key=lambda level: LEVELS[level]) if levels else None


@dataclass
class Tally:
    """Right and total, by group."""

    right: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)

    def add(self, group: str, ok: bool) -> None:
        """Counts one case of ``group``."""
        self.total[group] += 1
        self.right[group] += int(ok)

    def rate(self, group: str | None = None) -> str:
        """``right/total (percent)`` for one group or for all."""
        right = sum(self.right.values()) if group is None else self.right[group]
        total = sum(self.total.values()) if group is None else self.total[group]
        return f"{right}/{total} ({100 * right / total:.1f} %)" if total else "-"


@dataclass
class Results:
    """Everything the run measured, and the cases that failed."""

    faq: Tally = field(default_factory=Tally)
    # The same questions, judged by the first of the article's answers given (a torn NLU
    # gives two): a stricter figure.
    faq_first: Tally = field(default_factory=Tally)
    first_reply: Tally = field(default_factory=Tally)
    # Crisis messages and figures of speech, by whether the first reply gives the help line
    # (a crisis reply, or the distress reply, which carries it too).
    help_line: Tally = field(default_factory=Tally)
    triage: Tally = field(default_factory=Tally)
    under: list[str] = field(default_factory=list)
    over: list[str] = field(default_factory=list)
    emergency_turns: list[int] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def judge_message(case: dict[str, Any], names: list[str], results: Results) -> None:
    """Judges the bot's first reply to one held-out message."""
    kind, text = case["kind"], case["text"][:80]
    level = outcome(names)
    topic = case.get("faq")
    if topic:
        triaged = kind == "red_flag" and level is not None
        ok = bool(answers_to(topic) & set(names)) or triaged
        results.faq.add(topic, ok)
        results.faq_first.add(topic, first_answer(names) in answers_to(topic) or triaged)
        if not ok:
            results.failures.append(f"faq {topic}: {text!r} -> {names}")
    if kind == "emergency":
        ok = level == "emergency"
    elif kind == "red_flag":
        ok = level in ("urgent", "emergency")
    elif kind in ("symptom", "faq"):
        ok = level not in ("urgent", "emergency")
        if not ok:
            results.over.append(f"{kind}: {text!r} -> {level}")
    elif kind == "crisis":
        ok = bool(CRISIS & set(names))
        results.help_line.add(kind, bool(DISTRESS & set(names)))
    elif kind == "distress":
        ok = bool(DISTRESS & set(names))
    elif kind in ("figure", "plain"):
        results.help_line.add(kind, bool(DISTRESS & set(names)))
        # A figure of speech ("this twitch is killing me") or a plain report is no crisis.
        ok = not DISTRESS & set(names) and level not in ("urgent", "emergency")
        if not ok:
            results.over.append(f"{kind}: {text!r} -> {names}")
    elif kind in ("sudden", "filler"):
        ok = level == "emergency"
    elif kind == "infection":
        first = next((n for n in names if n.startswith("utter_faq/") or OUTCOMES.get(n)), "")
        ok = level in ("urgent", "emergency") and bool(OUTCOMES.get(first))
    elif kind == "change":
        ok = "safety_net" in names or level in ("urgent", "emergency") or bool(CHECK & set(names))
    elif kind == "not_body":
        ok = "safety_net" not in names and level is None
        if not ok:
            results.over.append(f"{kind}: {text!r} -> {names}")
    elif kind == "general":
        # A general question about a dangerous sign, by someone who has none (issue 25, 6):
        # the answer or the warning signs, and no alarm.
        answered = first_answer(names) is not None or bool(CHECK & set(names))
        ok = level not in ("urgent", "emergency") and answered
        if level in ("urgent", "emergency"):
            results.over.append(f"{kind}: {text!r} -> {names}")
    elif kind == "chit_chat":
        ok = CHIT_CHAT.get(case.get("expect", ""), "") in names
    else:
        ok = bool(names)
    results.first_reply.add(kind, ok)
    if not ok and kind in ("emergency", "red_flag", "crisis", "distress", "sudden", "filler"):
        results.under.append(f"{kind}: {text!r} -> {names}")
    elif not ok and kind != "faq":
        results.failures.append(f"{kind}: {text!r} -> {names}")


def simulate(bot: Bot, names: ReplyNames, patient: dict[str, Any], today: date) -> dict[str, Any]:
    """Plays one patient to the bot's decision; returns the level, turns and transcript."""
    sender = f"heldout-{uuid.uuid4().hex[:12]}"
    says = {key: fill_dates(str(value), today) for key, value in patient["says"].items()}
    message = fill_dates(patient["opening"], today)
    transcript: list[str] = []
    first: list[str] = []
    told = False
    for turn in range(1, MAX_TURNS + 1):
        replies = names.of(bot.say(sender, message))
        transcript.append(f"  patient: {message[:100]!r}\n  bot: {replies}")
        if turn == 1:
            first = replies
        level = outcome(replies)
        if level is not None:
            return {"level": level, "turns": turn, "first": first, "transcript": transcript}
        asked = [QUESTIONS[n] for n in replies if n in QUESTIONS]
        if asked:
            message = says[asked[-1]]
            told = told or asked[-1] == "symptom"
        elif any(n in RE_ASKS for n in replies):
            continue  # the same question in other words: the patient says the same again
        elif not told:
            # A greeting or an answer without a question: the patient says what they notice.
            message, told = says["symptom"], True
        else:
            break
    return {"level": None, "turns": MAX_TURNS, "first": first, "transcript": transcript}


def judge_patient(patient: dict[str, Any], played: dict[str, Any], results: Results) -> None:
    """Compares a simulated patient's outcome with the level the rules give."""
    expected, got = patient["level"], played["level"]
    ok = got == expected
    results.triage.add(expected, ok)
    if patient.get("faq"):
        topic = patient["faq"]
        triaged = expected in ("urgent", "emergency") and outcome(played["first"]) is not None
        faq_ok = bool(answers_to(topic) & set(played["first"])) or triaged
        results.faq.add(topic, faq_ok)
        results.faq_first.add(topic, first_answer(played["first"]) in answers_to(topic) or triaged)
        if not faq_ok:
            results.failures.append(f"patient {patient['id']} faq {topic}: {played['first']}")
    if expected == "emergency" and got == "emergency":
        results.emergency_turns.append(played["turns"])
    summary = f"patient {patient['id']} expected {expected}, got {got}"
    if got is None or LEVELS[got] < LEVELS[expected]:
        if got is not None or LEVELS[expected] > 0:
            results.under.append(summary + "\n" + "\n".join(played["transcript"]))
        else:
            results.failures.append(summary + "\n" + "\n".join(played["transcript"]))
    elif LEVELS[got] > LEVELS[expected]:
        results.over.append(summary + "\n" + "\n".join(played["transcript"]))


def load_set(name: str, folder: Path = HELDOUT) -> list[dict[str, Any]]:
    """One file of a held-out set; a set may leave out either file."""
    path = folder / f"{name}.yml"
    if not path.exists() and folder != HELDOUT:
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(data[name])


def evaluate(bot: Bot, values: dict[str, str], today: date, folder: Path = HELDOUT) -> Results:
    """Runs a whole held-out set (``benchmarks/heldout/`` unless told) against ``bot``."""
    names = ReplyNames(ROOT / "domain.yml", values)
    results = Results()
    for case in load_set("messages", folder):
        sender = f"heldout-{uuid.uuid4().hex[:12]}"
        replies = names.of(bot.say(sender, fill_dates(case["text"], today)))
        judge_message(case, replies, results)
    for patient in load_set("patients", folder):
        judge_patient(patient, simulate(bot, names, patient, today), results)
    return results


def report(results: Results, verbose: bool) -> None:
    """Prints the figures, and with ``verbose`` every failed case."""
    faq_total = sum(results.faq.total.values())
    print(f"FAQ answered right: {results.faq.rate()}")
    for topic in sorted(results.faq.total):
        print(f"  {topic:28} {results.faq.rate(topic)}")
    print(f"  the first answer given is right: {results.faq_first.rate()}")
    print(f"First reply right (single messages): {results.first_reply.rate()}")
    for kind in sorted(results.first_reply.total):
        print(f"  {kind:28} {results.first_reply.rate(kind)}")
    for kind in sorted(results.help_line.total):
        print(f"  {kind} given the help line       {results.help_line.rate(kind)}")
    print(f"  red-flag recall (first reply)  {results.first_reply.rate('red_flag')}")
    print(f"  emergency recall (first reply) {results.first_reply.rate('emergency')}")
    print(f"Simulated patients, triage right: {results.triage.rate()}")
    for level in LEVELS:
        print(f"  {level:28} {results.triage.rate(level)}")
    cases = sum(results.first_reply.total.values()) + sum(results.triage.total.values())
    print(f"Under-triaged: {len(results.under)} of {cases}")
    print(f"Over-triaged: {len(results.over)} of {cases} ({100 * len(results.over) / cases:.1f} %)")
    turns = Counter(results.emergency_turns)
    print(f"Messages to the emergency answer (simulated patients): {dict(sorted(turns.items()))}")
    if not faq_total:
        print("(no FAQ cases)")
    if verbose:
        for title, lines in (
            ("UNDER-TRIAGED", results.under),
            ("OVER-TRIAGED", results.over),
            ("OTHER FAILURES", results.failures),
        ):
            print(f"\n--- {title} ({len(lines)})")
            for line in lines:
                print(line)


@contextlib.contextmanager
def bot_for(url: str | None) -> Iterator[Bot]:
    """The bot at ``url``, or a fresh one started from the trained model."""
    if url:
        yield Bot(url, "", Path("."))
        return
    with (
        tempfile.TemporaryDirectory(prefix="understanding-") as workdir,
        running_bot(Path(workdir)) as servers,
    ):
        yield servers.bot


def main(argv: list[str] | None = None) -> int:
    """Runs the held-out set and prints the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running bot's Rasa server (default: start one)")
    parser.add_argument("--verbose", "-v", action="store_true", help="print every failure")
    parser.add_argument(
        "--set",
        type=Path,
        default=HELDOUT,
        help="a folder with messages.yml and/or patients.yml, such as a blind set kept "
        "outside the repository (default: benchmarks/heldout)",
    )
    args = parser.parse_args(argv)
    settings = clinic.load()
    with bot_for(args.url) as bot:
        results = evaluate(bot, settings.response_values(), settings.today(), args.set)
    report(results, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
