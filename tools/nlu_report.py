"""Reads `rasa test nlu` results: prints intent and response-selection figures, checks F1.

python -m tools.nlu_report results/nlu --min-f1 0.95
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def weighted_f1(report_path: Path) -> float:
    """The weighted-average F1 of a Rasa classification report."""
    report: dict[str, Any] = json.loads(report_path.read_text(encoding="utf-8"))
    return float(report["weighted avg"]["f1-score"])


def weakest(report_path: Path, count: int = 5) -> list[tuple[str, float]]:
    """The labels with the lowest F1, weakest first."""
    report: dict[str, Any] = json.loads(report_path.read_text(encoding="utf-8"))
    labels = [
        (name, float(values["f1-score"]))
        for name, values in report.items()
        if isinstance(values, dict) and "f1-score" in values and not name.endswith(" avg")
    ]
    return sorted(labels, key=lambda item: item[1])[:count]


def main() -> int:
    """Prints the figures; exits 1 if the intent F1 is below ``--min-f1``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("results", type=Path, help="the --out folder of `rasa test nlu`")
    parser.add_argument("--min-f1", type=float, default=0.0)
    args = parser.parse_args()
    intents = args.results / "intent_report.json"
    if not intents.exists():
        print(f"no {intents}: run `rasa test nlu` first", file=sys.stderr)
        return 2
    f1 = weighted_f1(intents)
    print(f"intent F1 (weighted): {f1:.3f}")
    print("  weakest:", ", ".join(f"{name} {score:.2f}" for name, score in weakest(intents)))
    responses = args.results / "response_selection_report.json"
    if responses.exists():
        print(f"FAQ answer selection F1 (weighted): {weighted_f1(responses):.3f}")
    if f1 < args.min_f1:
        print(f"intent F1 {f1:.3f} is below {args.min_f1}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
