"""The real servers for a test: on its own clinic, or on SQLite or PostgreSQL."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.servers import Servers, running_bot


@contextlib.contextmanager
def servers_for_test_clinic(
    tmp_path_factory: pytest.TempPathFactory, name: str, phone: str
) -> Iterator[Servers]:
    """The real servers, for Test Clinic with ``phone`` and emergency number 112."""
    workdir = tmp_path_factory.mktemp(name)
    with running_bot(
        workdir, env={"AFTERCARE_CLINIC_CONFIG": str(clinic_file(workdir, phone))}
    ) as running:
        yield running


def clinic_file(workdir: Path, phone: str) -> Path:
    """A clinic.yml for servers under test: Test Clinic, ``phone``, emergency number 112."""
    path = workdir / "clinic.yml"
    path.write_text(
        'name: "Test Clinic"\n'
        f'phone: "{phone}"\n'
        'booking_link: "https://clinic.test/book"\n'
        'hours: "9 to 5"\n'
        'emergency_number: "112"\n',
        encoding="utf-8",
    )
    return path


@contextlib.contextmanager
def servers_on_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, name: str
) -> Iterator[Servers]:
    """The real servers on ``request.param``'s database: an SQLite file of their own, or a
    throwaway database on the PostgreSQL server; conversations and referrals share it."""
    workdir = tmp_path_factory.mktemp(f"{name}-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{workdir / 'conversations.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    with running_bot(workdir, env={"AFTERCARE_DATABASE_URL": url}) as running:
        yield running
