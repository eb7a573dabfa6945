"""The speed-ups' one list, one switch, one version check and one install (speedups/)."""

from __future__ import annotations

import importlib
import logging
import subprocess
import sys
from pathlib import Path

import pytest

import speedups
from tests.support.pinned import ROOT

TESTS = Path(__file__).resolve().parent


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[speedups.Patch]:
    """Patches are counted, not installed; the process starts with none installed."""
    installed: list[speedups.Patch] = []
    monkeypatch.setattr(speedups, "_installed", None)
    monkeypatch.setattr(speedups.Patch, "install", lambda self: installed.append(self))
    return installed


@pytest.mark.parametrize("patch", speedups.PATCHES, ids=lambda p: f"{p.module}.{p.function}")
def test_every_patch_exists_and_has_its_own_test(patch: speedups.Patch) -> None:
    module = importlib.import_module(f"speedups.{patch.module}")
    assert callable(getattr(module, patch.function))
    assert (TESTS / f"test_{patch.module}.py").is_file()


def test_every_module_of_the_package_is_in_the_list() -> None:
    modules = {p.stem for p in (ROOT / "speedups").glob("*.py") if not p.stem.startswith("_")}
    assert modules - {p.module for p in speedups.PATCHES} == {"json_text"}  # a helper


def test_install_installs_each_patch_once_and_logs_it(
    counted: list[speedups.Patch], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="speedups")
    assert speedups.install({}) == speedups.PATCHES
    assert speedups.install({}) == speedups.PATCHES  # the second call changes nothing
    assert counted == list(speedups.PATCHES)
    assert [r.getMessage() for r in caplog.records] == [
        "Rasa speed-ups on (AFTERCARE_SPEEDUPS=off to turn them off): "
        + ", ".join(f"{p.module}.{p.function}" for p in speedups.PATCHES)
    ]


@pytest.mark.parametrize("value", ["off", "0", "false", "No", " OFF "])
def test_the_switch_leaves_rasa_untouched(
    value: str, counted: list[speedups.Patch], caplog: pytest.LogCaptureFixture
) -> None:
    assert speedups.install({speedups.SWITCH: value}) == ()
    assert counted == []
    assert "Rasa speed-ups off" in caplog.text


@pytest.mark.parametrize("value", ["", "on", "1"])
def test_anything_else_keeps_them_on(value: str, counted: list[speedups.Patch]) -> None:
    assert speedups.install({speedups.SWITCH: value}) == speedups.PATCHES


@pytest.mark.parametrize("version", ["3.6.20", "3.6.22", "3.7.0"])
def test_another_rasa_version_is_left_untouched_with_a_warning(
    version: str,
    counted: list[speedups.Patch],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(speedups, "rasa_version", lambda: version)
    assert speedups.install({}) == ()
    assert counted == []
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert f"written for Rasa 3.6.21, this is {version}" in record.getMessage()


def test_the_action_wait_is_left_to_rasa_on_another_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import rasa.core.actions.action

    monkeypatch.setattr(speedups, "rasa_version", lambda: "3.7.0")
    before = rasa.core.actions.action.DEFAULT_REQUEST_TIMEOUT
    speedups.bound_action_wait(1.0)
    assert before == rasa.core.actions.action.DEFAULT_REQUEST_TIMEOUT


INSTALLED = """
import rasa.core.actions.action, rasa.core.run, rasa.core.processor, speedups
from rasa.core.actions.action import RemoteAction
from rasa.engine.runner.dask import DaskGraphRunner
run, serve, validate = DaskGraphRunner.run, rasa.core.run.serve_application, \\
    RemoteAction._validate_action_result
speedups.install()
speedups.install()
print(DaskGraphRunner.run is not run, rasa.core.run.serve_application is not serve,
      RemoteAction._validate_action_result is not validate,
      type(rasa.core.processor.copy).__name__ == "DebugOnlyCopies")
"""


@pytest.mark.parametrize(
    ("switch", "expected"), [("on", "True True True True"), ("off", "False False False False")]
)
def test_the_real_install_in_a_fresh_process(switch: str, expected: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", INSTALLED],
        cwd=ROOT,
        env={"AFTERCARE_SPEEDUPS": switch, "RASA_TELEMETRY_ENABLED": "false", "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == expected.split()


def test_the_launcher_is_rasas_command_line_with_the_speed_ups() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "speedups", "--version"],
        cwd=ROOT,
        env={"RASA_TELEMETRY_ENABLED": "false", "PATH": str(Path(sys.executable).parent)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Rasa Version      :         3.6.21" in result.stdout


def test_the_launcher_runs_the_maths_libraries_on_one_thread_unless_told_otherwise() -> None:
    from speedups.__main__ import ONE_THREAD, single_threaded_maths

    environ = {"OMP_NUM_THREADS": "4"}
    single_threaded_maths(environ)
    assert environ == {**ONE_THREAD, "OMP_NUM_THREADS": "4"}
