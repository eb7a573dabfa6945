"""Repeats the NLU's 5-fold cross-validation and prints every run, the mean and the range.

    make nlu-cv                          # 5 runs
    python -m benchmarks.nlu_cv --runs 10

``rasa test nlu --cross-validation`` draws its folds at random and has no seed, so one run's
intent F1 moves by about ±0.006 on this data. The mean of several runs is the figure to hold
against the target; each run's reports are kept in ``results/nlu-cv/run-N``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

import yaml

from tools.nlu_config import classifier_config
from tools.nlu_report import weighted_f1
from tools.servers import RASA, ROOT


def cross_validate(out: Path, folds: int) -> tuple[float, float | None]:
    """One ``rasa test nlu`` cross-validation into ``out``: intent F1 and FAQ answer F1.

    It scores the classifiers, without the message screener's rules (tools/nlu_config.py).
    """
    config = out / "nlu-config.yml"
    out.mkdir(parents=True, exist_ok=True)
    config.write_text(
        yaml.safe_dump(classifier_config(yaml.safe_load((ROOT / "config.yml").read_text()))),
        encoding="utf-8",
    )
    subprocess.run(
        [
            str(RASA),
            "test",
            "nlu",
            "--nlu",
            "data/nlu",
            "--config",
            str(config),
            "--cross-validation",
            "--folds",
            str(folds),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    )
    answers = out / "response_selection_report.json"
    return (
        weighted_f1(out / "intent_report.json"),
        weighted_f1(answers) if answers.exists() else None,
    )


def main() -> int:
    """Runs the cross-validations; exits 1 if the mean intent F1 is below ``--min-mean``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--min-mean", type=float, default=0.0)
    args = parser.parse_args()
    intents: list[float] = []
    answers: list[float] = []
    for run in range(1, args.runs + 1):
        intent, answer = cross_validate(ROOT / "results" / "nlu-cv" / f"run-{run}", args.folds)
        intents.append(intent)
        if answer is not None:
            answers.append(answer)
        shown = "" if answer is None else f", FAQ answer F1 {answer:.3f}"
        print(f"run {run}: intent F1 {intent:.3f}{shown}", flush=True)
    mean = statistics.mean(intents)
    print(
        f"intent F1 over {args.runs} runs of {args.folds}-fold cross-validation: "
        f"mean {mean:.3f}, lowest {min(intents):.3f}, highest {max(intents):.3f}"
    )
    if answers:
        print(f"FAQ answer F1: mean {statistics.mean(answers):.3f}")
    if mean < args.min_mean:
        print(f"mean intent F1 {mean:.3f} is below {args.min_mean}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
