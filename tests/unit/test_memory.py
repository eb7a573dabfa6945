"""Once the server has started, the loaded objects are set aside from garbage collection."""

from __future__ import annotations

import gc
import inspect
import weakref
from collections.abc import Iterator
from typing import Any

import pytest
import rasa.core.run

from speedups import memory


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
    memory.settle()
    gc.disable()  # only an explicit collection could free the cycle below
    try:
        node = Node()
        garbage = weakref.ref(node)
        # What is frozen now (a frozen object freed by another thread meanwhile leaves it).
        assert memory.settle() == gc.get_freeze_count()
        assert any(obj is node for obj in gc.get_objects())  # not frozen again
        del node
        assert garbage() is not None  # not collected again
    finally:
        gc.enable()


def test_rasas_server_settles_memory_after_it_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []

    def serve_application(
        model_path: str | None = None, port: int = 5005, server_listeners: Any = None
    ) -> None:
        calls.append({"port": port, "server_listeners": server_listeners})

    monkeypatch.setattr(rasa.core.run, "serve_application", serve_application)
    memory.settle_after_server_start()
    memory.settle_after_server_start()  # a second call adds nothing
    own = (print, "before_server_start")
    rasa.core.run.serve_application("model.tar.gz", port=1, server_listeners=[own])
    assert calls == [
        {"port": 1, "server_listeners": [own, (memory._settle_listener, "after_server_start")]}
    ]
    # rasa.api.run passes only the arguments the signature names.
    assert "server_listeners" in inspect.signature(rasa.core.run.serve_application).parameters
