"""The NLU pipeline the cross-validation scores: config.yml without the message screener.

    python -m tools.nlu_config results/nlu-config.yml

The cross-validation measures what the classifiers learned from the examples. The message
screener (components/message_screener.py) then applies rules on top: it turns every report of
a symptom into ``report_symptom``, also "why is my eye twitching?" (an ``faq`` example), so
that the triage starts after the article's answer. Scored with the screener, each such
example would count as a wrong intent although the patient gets the right answer. The
screener's rules are tested on their own (tests/unit/test_message_screener.py) and over REST
(make eval).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
RULE_COMPONENTS = ("components.message_screener.MessageScreener",)


def classifier_config(config: dict[str, Any]) -> dict[str, Any]:
    """``config`` with the rule-based components taken out of the pipeline."""
    pipeline = [step for step in config["pipeline"] if step["name"] not in RULE_COMPONENTS]
    return {**config, "pipeline": pipeline}


def main(argv: list[str] | None = None) -> int:
    """Writes the classifiers' configuration to the path given."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(__doc__)
        return 2
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    out = Path(args[0])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(yaml.safe_dump(classifier_config(config), sort_keys=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
