"""The graph run in a fixed order gives what Rasa's dask runner gives, errors included."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest
from rasa.engine.exceptions import GraphComponentException, GraphRunError
from rasa.engine.graph import ExecutionContext, GraphComponent, GraphSchema, SchemaNode
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

from speedups import graph_runner
from speedups.graph_runner import run_in_fixed_order

DASK_RUN = DaskGraphRunner.run
"""Rasa's own ``run``, kept before any test can replace it."""


class Constant(GraphComponent):
    """Gives its configured ``value``."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.value = config["value"]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Constant:
        return cls(config)

    def give(self) -> Any:
        return self.value


class Combine(GraphComponent):
    """Adds its inputs, and appends them to a list to show in which order nodes ran."""

    calls: ClassVar[list[str]] = []

    def __init__(self, config: dict[str, Any]) -> None:
        self.name = config["name"]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Combine:
        return cls(config)

    def add(self, **numbers: Any) -> Any:
        Combine.calls.append(self.name)
        if any(n == "fail" for n in numbers.values()):
            raise RuntimeError("a node failed")
        return sum(numbers.values())


def node(uses: type[GraphComponent], fn: str, needs: dict[str, str], **config: Any) -> SchemaNode:
    return SchemaNode(needs=needs, uses=uses, constructor_name="create", fn=fn, config=config)


def schema() -> GraphSchema:
    """Two constants, an input, a diamond of sums and a node no target needs."""
    nodes = {
        "one": node(Constant, "give", {}, value=1),
        "ten": node(Constant, "give", {}, value=10),
        "left": node(Combine, "add", {"a": "one", "b": "__number__"}, name="left"),
        "right": node(Combine, "add", {"a": "ten", "b": "__number__"}, name="right"),
        "total": node(Combine, "add", {"a": "left", "b": "right"}, name="total"),
        "unused": node(Combine, "add", {"a": "ten"}, name="unused"),
    }
    nodes["total"].is_target = True
    return GraphSchema(nodes)


@pytest.fixture
def runner(tmp_path: Path) -> DaskGraphRunner:
    Combine.calls = []
    storage = LocalModelStorage(tmp_path)
    graph = schema()
    return DaskGraphRunner.create(graph, storage, ExecutionContext(graph, "test"), hooks=[])


@pytest.mark.parametrize(
    ("inputs", "targets"),
    [
        ({"__number__": 5}, None),
        ({"__number__": 5}, ["total"]),
        ({"__number__": 0}, ["left", "right"]),
        ({"__number__": 2}, ["total", "left", "unused"]),
        ({"__number__": 2}, ["one"]),
    ],
)
def test_the_same_results_as_rasas_runner(
    runner: DaskGraphRunner, inputs: dict[str, Any], targets: list[str] | None
) -> None:
    theirs = DASK_RUN(runner, inputs, targets)
    theirs_calls = sorted(Combine.calls)
    Combine.calls = []
    ours = run_in_fixed_order(runner, inputs, targets)
    assert ours == theirs
    assert sorted(Combine.calls) == theirs_calls


def test_a_node_runs_after_what_it_needs_and_only_when_needed(runner: DaskGraphRunner) -> None:
    assert run_in_fixed_order(runner, {"__number__": 5}) == {"total": 21}
    assert sorted(Combine.calls[:2]) == ["left", "right"]
    assert Combine.calls[2] == "total"
    assert "unused" not in Combine.calls


def test_the_order_is_worked_out_once_per_set_of_targets(
    runner: DaskGraphRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    worked_out: list[list[str]] = []
    minimal = GraphSchema.minimal_graph_schema

    def counted(self: GraphSchema, targets: list[str] | None = None) -> GraphSchema:
        worked_out.append(list(targets or []))
        return minimal(self, targets)

    monkeypatch.setattr(GraphSchema, "minimal_graph_schema", counted)
    for number in range(3):
        assert run_in_fixed_order(runner, {"__number__": number}, ["left"]) == {"left": 1 + number}
        assert run_in_fixed_order(runner, {"__number__": number}) == {"total": 11 + 2 * number}
    assert worked_out == [["left"], ["total"]]


def test_a_failing_node_fails_as_with_rasas_runner(runner: DaskGraphRunner) -> None:
    with pytest.raises(GraphComponentException, match="node left") as ours:
        run_in_fixed_order(runner, {"__number__": "fail"})
    with pytest.raises(GraphComponentException, match="node left") as theirs:
        DASK_RUN(runner, {"__number__": "fail"}, None)
    assert type(ours.value.__cause__) is type(theirs.value.__cause__) is RuntimeError


def test_a_missing_input_is_reported_by_the_node(runner: DaskGraphRunner) -> None:
    with pytest.raises(GraphRunError, match="Missing input to run node 'left'"):
        run_in_fixed_order(runner, {})
    with pytest.raises(GraphRunError, match="Missing input to run node 'left'"):
        DASK_RUN(runner, {}, None)


def test_an_input_named_like_a_node_is_refused(runner: DaskGraphRunner) -> None:
    with pytest.raises(GraphRunError, match="clashes with a node name"):
        run_in_fixed_order(runner, {"__number__": "left"})


def test_use_fixed_order_replaces_rasas_run(
    runner: DaskGraphRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(DaskGraphRunner, "run", DASK_RUN)
    graph_runner.use_fixed_order()
    assert DaskGraphRunner.run is run_in_fixed_order
    assert runner.run({"__number__": 1}) == {"total": 13}
