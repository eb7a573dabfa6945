"""Rasa's debug-log arguments are deep-copied only when debug messages are written."""

from __future__ import annotations

import ast
import copy
import inspect
import logging
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
import structlog

from speedups import log_arguments
from speedups.log_arguments import MODULES, DebugOnlyCopies, debug_logging_on


@pytest.fixture
def structlog_config() -> Iterator[None]:
    """Whatever a test configures, structlog is configured as before afterwards."""
    saved = structlog.get_config()
    yield
    structlog.configure(**saved)


def deepcopy_calls(module: ModuleType) -> Iterator[tuple[ast.Call, list[ast.AST]]]:
    """Each ``copy.deepcopy(...)`` call in the module's source, with the nodes around it."""
    tree = ast.parse(inspect.getsource(module))
    parents: dict[ast.AST, ast.AST] = {
        child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)
    }
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "deepcopy"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "copy"
        ):
            around = []
            current: ast.AST = node
            while current in parents:
                current = parents[current]
                around.append(current)
            yield node, around


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__)
def test_every_deep_copy_in_the_module_is_a_debug_log_argument(module: ModuleType) -> None:
    calls = list(deepcopy_calls(module))
    assert calls, "the module no longer deep-copies: nothing to replace"
    for node, around in calls:
        keyword, call = around[0], around[1]
        assert isinstance(keyword, ast.keyword), ast.unparse(node)
        assert isinstance(call, ast.Call), ast.unparse(node)
        assert ast.unparse(call.func) == "structlogger.debug", ast.unparse(call)


@pytest.mark.parametrize("level", [logging.INFO, logging.WARNING, logging.ERROR])
def test_above_debug_the_value_itself_is_handed_on(structlog_config: None, level: int) -> None:
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(level))
    value: dict[str, Any] = {"events": [{"event": "slot", "value": [1, 2]}]}
    assert not debug_logging_on()
    assert DebugOnlyCopies.deepcopy(value) is value


@pytest.mark.parametrize(
    "wrapper",
    [structlog.make_filtering_bound_logger(logging.DEBUG), structlog.stdlib.BoundLogger],
    ids=["filtering at debug", "another logger"],
)
def test_when_debug_may_be_written_it_is_a_deep_copy(structlog_config: None, wrapper: Any) -> None:
    structlog.configure(wrapper_class=wrapper)
    value: dict[str, Any] = {"events": [{"event": "slot", "value": [1, 2]}]}
    assert debug_logging_on()
    copied = DebugOnlyCopies.deepcopy(value)
    assert copied == value and copied is not value
    assert copied["events"][0]["value"] is not value["events"][0]["value"]


def test_rasas_debug_lines_are_written_with_copies(
    structlog_config: None, capsys: pytest.CaptureFixture[str]
) -> None:
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.DEBUG),
        processors=[structlog.processors.KeyValueRenderer()],
        logger_factory=structlog.PrintLoggerFactory(),
        cache_logger_on_first_use=False,
    )
    value = {"slot": ["a"]}
    structlog.get_logger().debug("test.copy", slot_values=DebugOnlyCopies.deepcopy(value))
    assert "slot_values={'slot': ['a']}" in capsys.readouterr().out


def test_the_rest_of_the_copy_module_is_the_copy_modules() -> None:
    stand_in = DebugOnlyCopies()
    assert stand_in.copy is copy.copy  # type: ignore[attr-defined]
    assert stand_in.Error is copy.Error  # type: ignore[attr-defined]


def test_installed_the_modules_use_the_stand_in(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in MODULES:
        monkeypatch.setattr(module, "copy", copy)
    log_arguments.copy_only_when_debugging()
    assert all(isinstance(module.copy, DebugOnlyCopies) for module in MODULES)  # type: ignore[attr-defined]
