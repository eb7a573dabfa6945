"""Whether a domain is empty, answered as Rasa answers it, with the empty domain built once."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain

from speedups import empty_domain
from speedups.empty_domain import is_empty

RASA_IS_EMPTY = Domain.is_empty
ROOT = Path(__file__).resolve().parents[2]

DOMAINS = {
    "the project's": lambda: Domain.load(str(ROOT / "domain.yml")),
    "empty": Domain.empty,
    "from nothing": lambda: Domain.from_dict({}),
    "one intent": lambda: Domain.from_dict({"intents": ["greet"]}),
    "one response": lambda: Domain.from_dict({"responses": {"utter_hi": [{"text": "Hi"}]}}),
    "sessions off": lambda: Domain.from_dict({"session_config": {"session_expiration_time": 0}}),
    "one slot": lambda: Domain.from_dict(
        {"slots": {"day": {"type": "text", "mappings": [{"type": "custom"}]}}}
    ),
}


@pytest.mark.parametrize("make", DOMAINS.values(), ids=DOMAINS.keys())
def test_the_answer_is_rasas(make: object) -> None:
    domain = make()  # type: ignore[operator]
    assert is_empty(domain) == RASA_IS_EMPTY(domain)


def test_the_empty_domain_is_built_once(monkeypatch: pytest.MonkeyPatch) -> None:
    empty_domain._empty_domain_dict.cache_clear()
    built: list[Domain] = []
    rasa_empty = Domain.empty

    def counted() -> Domain:
        built.append(rasa_empty())
        return built[-1]

    monkeypatch.setattr(Domain, "empty", staticmethod(counted))
    for _ in range(3):
        assert is_empty(rasa_empty())
        assert not is_empty(Domain.from_dict({"intents": ["greet"]}))
    assert len(built) == 1
    empty_domain._empty_domain_dict.cache_clear()


def test_installed_rasa_asks_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Domain, "is_empty", RASA_IS_EMPTY)
    empty_domain.compare_with_one_empty_domain()
    assert Domain.is_empty is is_empty
    assert Domain.empty().is_empty()
    assert not Domain.load(str(ROOT / "domain.yml")).is_empty()
