"""JSON written by ujson is the JSON Python writes, and Python's where ujson can't."""

from __future__ import annotations

import json
import random
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from speedups.json_text import dumps

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES)
def test_requests_are_the_json_python_writes(value: Any) -> None:
    assert json.loads(dumps(value)) == json.loads(json.dumps(value))


def test_what_ujson_cannot_write_gets_pythons_answer() -> None:
    assert json.loads(dumps(2**70)) == 2**70
    assert dumps(float("nan")) == "NaN"
    assert dumps("a/b") == '"a/b"'
    with pytest.raises(TypeError):
        dumps({"when": object()})


@settings(max_examples=500, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_floats_read_back_as_the_same_number(value: float) -> None:
    assert json.loads(dumps(value)) == value


def test_timestamps_read_back_as_the_same_number() -> None:
    rng = random.Random(7)
    stamps = [time.time() + rng.uniform(-1e8, 1e8) for _ in range(10_000)]
    assert json.loads(dumps(stamps)) == stamps
