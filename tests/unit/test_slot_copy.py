"""A slot copied directly is the slot ``copy.copy`` makes, for every slot of the domain."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.slots import Slot

from speedups import slot_copy
from speedups.slot_copy import copy_slot

DOMAIN = Domain.load(str(Path(__file__).resolve().parents[2] / "domain.yml"))


@pytest.mark.parametrize("slot", DOMAIN.slots, ids=lambda slot: slot.name)
def test_a_copy_is_what_copy_copy_makes(slot: Slot) -> None:
    slot.value = slot.initial_value
    # What copy.copy does for an object without __copy__, as Rasa's slots are.
    expected = copy._reconstruct(slot, None, *slot.__reduce_ex__(4))  # type: ignore[attr-defined]
    copied = copy_slot(slot)
    assert type(copied) is type(expected) and vars(copied) == vars(expected)
    assert copied is not slot
    copied.value = "changed"
    assert slot.value == slot.initial_value


def test_use_direct_slot_copies_makes_copy_copy_use_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Slot, "__copy__", None, raising=False)  # removed again afterwards
    slot_copy.use_direct_slot_copies()
    slot = DOMAIN.slots[0]
    assert Slot.__copy__ is copy_slot  # type: ignore[attr-defined]
    assert vars(copy.copy(slot)) == vars(slot)
