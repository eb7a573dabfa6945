"""Rasa's prediction graph, run in an order worked out once instead of at every call.

Rasa 3.6 runs its graph for every message (to understand it) and again for every action it
predicts (the policies), with ``DaskGraphRunner.run``. Each call derives the part of the
graph the targets need, builds a dask graph of it and has dask order and schedule it, then
calls the graph's nodes one after the other on the server's thread. The graph never changes
once the model is loaded, and that bookkeeping was 10 % of the server's time under load
(docs/performance.md), as much as the nodes' own work on the conversation.

``run_in_fixed_order`` does what that call does: the same nodes, each given the outputs of
the nodes it needs (``GraphNode``'s own ``(name, output)`` pairs) and the inputs, on the same
thread, with the same errors; only the order of the nodes is worked out once per set of
targets (``graphlib``, any order that puts a node after what it needs; Rasa's nodes read
their inputs and do not share state across branches). ``use_fixed_order`` makes every
``DaskGraphRunner`` of the process run that way; ``speedups.install`` calls it when the Rasa
server starts, so training keeps Rasa's own runner.
"""

from __future__ import annotations

import graphlib
from typing import Any

from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner

_ORDERS = "_fixed_orders"
"""Where a runner keeps its orders, one per tuple of targets."""


def _order(runner: DaskGraphRunner, targets: tuple[str, ...]) -> tuple[str, ...]:
    """The nodes the targets need, each after the nodes it needs."""
    orders: dict[tuple[str, ...], tuple[str, ...]] = runner.__dict__.setdefault(_ORDERS, {})
    order = orders.get(targets)
    if order is None:
        nodes = runner._graph_schema.minimal_graph_schema(list(targets)).nodes
        sorter = graphlib.TopologicalSorter(
            {name: [n for n in node.needs.values() if n in nodes] for name, node in nodes.items()}
        )
        order = orders[targets] = tuple(sorter.static_order())
    return order


def run_in_fixed_order(
    runner: DaskGraphRunner,
    inputs: dict[str, Any] | None = None,
    targets: list[str] | None = None,
) -> dict[str, Any]:
    """``DaskGraphRunner.run``: the targets' outputs by name, from the nodes they need."""
    run_targets = tuple(targets if targets else runner._graph_schema.target_names)
    order = _order(runner, run_targets)
    # Rasa's own check that no input's value is mistaken for a node's name.
    runner._add_inputs_to_graph(inputs, dict.fromkeys(order))
    results: dict[str, Any] = {name: (name, value) for name, value in (inputs or {}).items()}
    schema_nodes = runner._graph_schema.nodes
    try:
        for name in order:
            needs = schema_nodes[name].needs.values()
            # As with dask, a need that is neither a node nor an input is passed by name,
            # and the node reports it missing (GraphRunError).
            results[name] = runner._instantiated_nodes[name](*(results.get(n, n) for n in needs))
    except RuntimeError as error:
        raise GraphRunError("Error running runner.") from error
    return dict(results[target] for target in run_targets)


def use_fixed_order() -> None:
    """Every ``DaskGraphRunner`` of this process runs its graph with ``run_in_fixed_order``."""
    DaskGraphRunner.run = run_in_fixed_order
