"""aftercare/intents.py: every intent the code relies on is declared in domain.yml."""

from __future__ import annotations

import pytest
import yaml

from aftercare import intents
from components.message_screener import MessageScreener
from tests.support.pinned import ROOT

RASA_DEFAULTS = {intents.FALLBACK}
"""Intents Rasa itself makes, declared in no domain."""


def _declared() -> set[str]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return {next(iter(i)) if isinstance(i, dict) else i for i in domain["intents"]}


NAMES = sorted(
    {value for name, value in vars(intents).items() if name.isupper() and isinstance(value, str)}
)


@pytest.mark.parametrize("name", NAMES)
def test_each_intent_the_code_names_is_declared(name: str) -> None:
    assert name in _declared() | RASA_DEFAULTS


def test_the_groups_hold_only_named_intents() -> None:
    for group in (intents.ANSWERS, intents.CONCERNS, intents.KEPT_BY_SCREENER):
        assert set(group) <= set(NAMES)


def test_the_screener_reroutes_only_to_declared_intents() -> None:
    config = MessageScreener.get_default_config()
    routed = {value for key, value in config.items() if key.endswith("_intent")}
    routed |= set(config["concern_intents"].values()) | set(config["keep_intents"])
    routed |= set(config["answer_intents"]) | set(config["concept_intents"])
    routed |= set(config["classifier_concerns"])
    assert routed <= _declared() | RASA_DEFAULTS
