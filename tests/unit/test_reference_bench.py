"""The reference-speed benchmark's parts that need no root: groups' limits, servers, figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.reference import CpuGroup, is_rasa_server, throughput


@pytest.mark.parametrize(
    ("fraction", "period"), [(0.5, 2000), (0.45, 2222), (0.25, 4000), (1.0, 1000)]
)
def test_a_limit_is_one_millisecond_in_each_period(
    tmp_path: Path, fraction: float, period: int
) -> None:
    (tmp_path / "v1").mkdir()
    CpuGroup(tmp_path / "v1", v2=False).limit(fraction)
    assert (tmp_path / "v1" / "cpu.cfs_period_us").read_text() == str(period)
    assert (tmp_path / "v1" / "cpu.cfs_quota_us").read_text() == "1000"
    (tmp_path / "v2").mkdir()
    CpuGroup(tmp_path / "v2", v2=True).limit(fraction)
    assert (tmp_path / "v2" / "cpu.max").read_text() == f"1000 {period}"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["/repo/.venv/bin/python", "/repo/.venv/bin/rasa", "run", "--model", "m.tar.gz"], True),
        (["/repo/.venv/bin/python", "/repo/.venv/bin/rasa", "run", ""], True),
        (["rasa", "run"], True),
        (["/repo/.venv/bin/python", "-m", "speedups", "run", "--model", "m.tar.gz"], True),
        (["/repo/.venv/bin/python", "-m", "speedups", "run", "actions"], False),
        (["/repo/.venv/bin/python", "speedups", "run"], False),
        (
            ["/repo/.venv/bin/python", "/repo/.venv/bin/rasa", "run", "actions", "--port", "1"],
            False,
        ),
        (["/repo/.venv/bin/python", "/repo/.venv/bin/rasa", "train"], False),
        (["/repo/.venv/bin/python", "-m", "benchmarks.bench", "run"], False),
        ([""], False),
    ],
)
def test_the_rasa_server_is_told_from_the_action_server(args: list[str], expected: bool) -> None:
    assert is_rasa_server(args) is expected


def test_the_first_throughput_is_the_one_servers() -> None:
    output = (
        "One Rasa server, SQLite (make run):\n    throughput: 97.7 messages/s\n"
        "2 Rasa server(s) behind nginx:\n    throughput: 150.2 messages/s\n"
    )
    assert throughput(output) == 97.7
    with pytest.raises(SystemExit):
        throughput("errors: 3\n")
