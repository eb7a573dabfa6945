"""JSON text written by ujson, with Python's ``json`` for what ujson cannot write.

The server writes JSON on every message: each request to the action server (the
conversation, 15 to 20 KB, and for some actions the domain, 22 KB) and each event it stores
(``components/tracker_store.py``). ``json.dumps`` took 300 µs for a request; ujson (a
dependency of Rasa's) writes the same JSON, spacing aside, in 120 µs. Its floats read back
as the same numbers (the shortest text that does), so stored timestamps are unchanged.
"""

from __future__ import annotations

import json
from typing import Any

import ujson


def dumps(value: Any) -> str:
    """The JSON ``json.dumps`` writes for ``value`` (its spacing aside), written by ujson."""
    try:
        return str(ujson.dumps(value, escape_forward_slashes=False))
    except Exception:  # what ujson can't write (e.g. an int over 64 bits): json's own answer
        return json.dumps(value)
