"""Which tests each folder of tests/ holds, by their markers, and so which target runs them.

``make unit`` runs tests/unit/ without the markers of SERVICES; ``make e2e`` runs tests/e2e/
and the tests of tests/unit/ that carry one of them; ``make browser`` runs tests/browser/.
The rules below make those three share every test out, none twice and none left over.
"""

from __future__ import annotations

from collections.abc import Callable

SERVICES = frozenset({"servers", "postgresql", "redis"})
"""The markers of tests that need more than Python: ``make e2e`` runs them, ``make unit`` never."""

RULES: dict[str, tuple[str, Callable[[set[str]], bool]]] = {
    "unit": ("starts no server and no browser", lambda marks: not marks & {"servers", "browser"}),
    "e2e": ("needs a service (servers, postgresql or redis)", lambda marks: bool(marks & SERVICES)),
    "browser": ("is marked browser", lambda marks: "browser" in marks),
}
"""What every test in each folder of tests/ must be, by its markers."""


def misplaced(folder: str, marks: set[str]) -> str | None:
    """Why a test with ``marks`` does not belong in tests/``folder``/, or None if it does."""
    if folder not in RULES:
        return None
    rule, holds = RULES[folder]
    return None if holds(marks) else f"a test in tests/{folder}/ {rule}"
