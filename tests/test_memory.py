"""Once the server has started, the loaded objects are set aside from garbage collection."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
from sanic import Blueprint

from components import memory


class Node:
    """An object in a reference cycle: only the collector can free it."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_garbage_is_collected_and_what_lives_is_frozen() -> None:
    kept = Node()
    garbage = weakref.ref(Node())
    assert garbage() is not None  # a cycle outlives its last reference
    frozen = memory.settle()
    assert garbage() is None
    assert frozen == gc.get_freeze_count() > 0
    assert not any(obj is kept for obj in gc.get_objects())  # out of the collector's sight


def test_the_second_call_finds_it_done() -> None:
    frozen = memory.settle()
    gc.disable()  # only an explicit collection could free the cycle below
    try:
        garbage = weakref.ref(Node())
        assert memory.settle() == frozen
        assert garbage() is not None  # not collected again
    finally:
        gc.enable()


def test_a_blueprint_settles_memory_after_the_server_starts() -> None:
    blueprint = Blueprint("channel")
    memory.settle_after_start(blueprint)
    events = [listener.event for listener in blueprint._future_listeners]
    assert events == ["after_server_start"]
