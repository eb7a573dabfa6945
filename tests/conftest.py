"""The tests' fixtures and their folders' rules; the helpers they share are in tests/support/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import argon2
import pytest
import sqlalchemy as sa
import yaml
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.generator import TrainingDataGenerator
from rasa.shared.importers.importer import TrainingDataImporter
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from aftercare import clinic
from handover import accounts
from handover import store as handover_store
from handover.store import Handover, engine_for
from tests.support import folders
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, SHOTS
from tests.support.pinned import ROOT, TEST_CLINIC, TODAY
from tests.support.trackers import CoreTraining, TrackerFactory, slot_event, user_event
from tools.cluster import POSTGRES_SERVER, throwaway_postgres

if TYPE_CHECKING:
    from playwright.sync_api import Browser

TESTS = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)  # before -m selects by the markers added here
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marks each test using the PostgreSQL server ``postgresql``; holds each folder to its kind.

    The rules are tests/support/folders.py's: a test in the wrong folder stops the run here
    rather than going unrun, or run where its service is missing.
    """
    wrong = []
    for item in items:
        if "postgres_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgresql)
        folder = item.path.relative_to(TESTS).parts[0] if item.path.is_relative_to(TESTS) else ""
        why = folders.misplaced(folder, {mark.name for mark in item.iter_markers()})
        if why:
            wrong.append(f"{item.nodeid}: {why}")
    if wrong:
        raise pytest.UsageError("Tests in the wrong folder:\n" + "\n".join(wrong))


@pytest.fixture(autouse=True)
def pinned_clinic(monkeypatch: pytest.MonkeyPatch) -> clinic.Clinic:
    """Every test runs on 24 November 2026 at the test clinic, while it is open."""
    monkeypatch.setattr(clinic, "load", lambda: TEST_CLINIC)
    monkeypatch.setattr(clinic, "today", lambda: TODAY)
    monkeypatch.setattr(clinic, "is_open_now", lambda: True)
    return TEST_CLINIC


@pytest.fixture(autouse=True)
def own_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """Referrals written by the actions go to the test's own SQLite file, never the repo's."""
    url = f"sqlite:///{tmp_path / 'conversations.db'}"
    monkeypatch.setenv("AFTERCARE_DATABASE_URL", url)
    return url


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    """Collects what an action says."""
    return CollectingDispatcher()


@pytest.fixture(scope="session")
def domain() -> DomainDict:
    """The bot's domain, as Rasa sends it to an action that asks for it."""
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture
def tracker_for() -> TrackerFactory:
    """Builds a tracker from events: slots set earlier, then the patient's latest message.

    ``tracker_for("5 days ago", intent="inform", requested_slot="treatment_date",
    slots={"symptoms": ["twitching"]})`` is the tracker the triage form's validation action
    gets when the patient answers the date question.
    """

    def build(
        text: str = "",
        intent: str = "report_symptom",
        slots: dict[str, Any] | None = None,
        requested_slot: str | None = None,
        active_loop: str | None = "triage_form",
        entities: list[dict[str, Any]] | None = None,
    ) -> Tracker:
        earlier = dict(slots or {})
        if requested_slot is not None:
            earlier["requested_slot"] = requested_slot
        events = [slot_event(k, v) for k, v in earlier.items()]
        latest = user_event(text, intent, entities)
        events.append(latest)
        return Tracker.from_dict(
            {
                "sender_id": "patient-1",
                "slots": earlier,
                "latest_message": latest["parse_data"],
                "events": events,
                "paused": False,
                "followup_action": None,
                "active_loop": {"name": active_loop} if active_loop else {},
                "latest_action_name": "action_listen",
            }
        )

    return build


@pytest.fixture(scope="session")
def core_training(tmp_path_factory: pytest.TempPathFactory) -> CoreTraining:
    """Trains Rasa's rule policy, as config.yml sets it, on data/ (about 7 seconds)."""
    importer = TrainingDataImporter.load_from_config(
        str(ROOT / "config.yml"), str(ROOT / "domain.yml"), [str(ROOT / "data")]
    )
    domain = importer.get_domain()
    trackers = TrainingDataGenerator(
        importer.get_stories(), domain, augmentation_factor=0
    ).generate()
    policies = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["policies"]
    config = next(p for p in policies if p["name"] == "RulePolicy")
    storage = LocalModelStorage(tmp_path_factory.mktemp("rule_policy"))
    policy = RulePolicy.create(
        {**RulePolicy.get_default_config(), **{k: v for k, v in config.items() if k != "name"}},
        storage,
        Resource("rule_policy"),
        ExecutionContext(GraphSchema({}), "core_training"),
    )
    policy.train(trackers, domain)
    return CoreTraining(domain, list(trackers), policy)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A new, empty PostgreSQL database for this test session, dropped at the end."""
    try:
        with throwaway_postgres(POSTGRES_SERVER) as url:
            yield url
    except sa.exc.OperationalError as error:
        pytest.fail(f"PostgreSQL is needed at {POSTGRES_SERVER} for these tests: {error}")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test that uses it runs on an SQLite file (``make unit``) and on the PostgreSQL
    server (marked ``postgresql``: ``make e2e``)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'aftercare.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def store(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Handover:
    """An empty hand-over store (and conversation tables) on each database, configured."""
    monkeypatch.setenv("AFTERCARE_DATABASE_URL", database_url)
    engine = engine_for(database_url)
    with engine.begin() as connection:
        # Every table of the staff side (the databases are shared by the tests of a run).
        for table in reversed(handover_store.metadata.sorted_tables):
            connection.execute(table.delete())
        for table in ("events", "tracker_checkpoints"):
            if sa.inspect(engine).has_table(table):
                connection.execute(sa.text(f"DELETE FROM {table}"))
    return Handover(engine)


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its lowest cost in the tests' own process: the same kind of hash, at once.

    The servers and ``python -m handover user`` the tests start hash at the real cost.
    """
    cheapest = argon2.PasswordHasher.from_parameters(argon2.profiles.CHEAPEST)
    monkeypatch.setattr(accounts, "_hasher", cheapest)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright: one for every browser test."""
    from playwright.sync_api import sync_playwright  # only the browser tests need it

    if not CHROMIUM.exists():
        pytest.fail(f"No Chromium at {CHROMIUM}: run `make browser` (scripts/apt-install.sh).")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
