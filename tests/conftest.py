"""Fixtures shared by the tests: a pinned calendar and clinic, and trackers built from events."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
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
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    UserUttered,
)
from rasa.shared.core.generator import TrainingDataGenerator
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.importers.importer import TrainingDataImporter
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from aftercare import clinic
from aftercare.body import body_change
from aftercare.screen import screen
from aftercare.slots import body_change_entities, screening_entities
from aftercare.summary import summarise
from components.tracker_store import BoundedSQLTrackerStore
from handover import accounts
from handover import store as handover_store
from handover.accounts import AccountError, Accounts
from handover.store import Handover, engine_for
from storage import database
from tools.cluster import POSTGRES_SERVER, throwaway_postgres
from tools.servers import Servers, running_bot

if TYPE_CHECKING:
    import requests
    from aiohttp import ClientResponse
    from aiohttp.test_utils import TestClient
    from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 24)
TEST_CLINIC = clinic.Clinic(
    name="Test Clinic",
    phone="+44 20 7946 0123",
    booking_link="https://clinic.test/book",
    hours="9 to 5",
    emergency_number="999",
)

TrackerFactory = Callable[..., Tracker]


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


def user_event(
    text: str, intent: str, entities: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A user message as Rasa records it, with the message screener's entities by default."""
    if entities is None:
        change = body_change(text)
        entities = screening_entities(screen(text), len(text)) + body_change_entities(
            change.about, change.beyond, len(text)
        )
    return {
        "event": "user",
        "text": text,
        "parse_data": {
            "text": text,
            "intent": {"name": intent, "confidence": 1.0},
            "entities": entities,
        },
    }


def slot_event(name: str, value: Any) -> dict[str, Any]:
    """A slot set, as Rasa records it."""
    return {"event": "slot", "name": name, "value": value}


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


@dataclass(frozen=True)
class CoreTraining:
    """The project's stories and rules as Rasa trains on them, and the rules it learns."""

    domain: Domain
    trackers: list[DialogueStateTracker]
    rule_policy: RulePolicy

    def conversations(self) -> Iterator[DialogueStateTracker]:
        """Every training conversation up to each action in it: a tracker before a prediction."""
        for tracker in self.trackers:
            events = list(tracker.events)
            for index, event in enumerate(events):
                if isinstance(event, ActionExecuted) and index:
                    yield DialogueStateTracker.from_events(
                        tracker.sender_id, events[:index], self.domain.slots
                    )


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


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test that uses it runs on an SQLite file and on the PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'aftercare.db'}"
    return str(request.getfixturevalue("postgres_url"))


# --- The hand-over store ---------------------------------------------------------------------

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


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


def refer(store: Handover, conversation: str, level: str = "urgent", **changes: object) -> int:
    values: dict[str, object] = {
        "conversation_id": conversation,
        "level": level,
        "reasons": ["blurred_vision"],
        "findings": "blurred vision",
        "days_since_treatment": 4,
        "patient_words": "my vision is blurry since my botox",
        "summary": summarise(level, ["blurred vision"], 4),
        "now": NOW,
    }
    values.update(changes)
    return store.record_referral(**values)  # type: ignore[arg-type]


async def stored_events(url: str, sender: str, events: list[Event]) -> BoundedSQLTrackerStore:
    """A conversation of ``events``, saved in the tracker store at ``url``."""
    tracker_store = BoundedSQLTrackerStore(Domain.empty(), **database.tracker_store_arguments(url))
    tracker = DialogueStateTracker(sender, [])
    for event in events:
        tracker.update(event)
    await tracker_store.save(tracker)
    return tracker_store


async def stored_conversation(url: str, sender: str, when: datetime) -> BoundedSQLTrackerStore:
    stamp = when.timestamp()
    return await stored_events(
        url,
        sender,
        [
            SessionStarted(timestamp=stamp),
            ActionExecuted("action_listen", timestamp=stamp),
            UserUttered("my vision is blurry", {"name": "report_symptom"}, timestamp=stamp),
            BotUttered("Please return to the clinic today.", timestamp=stamp),
            ActionExecuted("action_listen", timestamp=stamp),
        ],
    )


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


# --- Staff accounts, and the one way to sign in (handover/auth.py) ----------------------------

ACCOUNT_PASSWORD = "correct horse battery staple"
"""The password of the staff accounts tests make (``staff_account``)."""
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its lowest cost in the tests' own process: the same kind of hash, at once.

    The servers and ``python -m handover user`` the tests start hash at the real cost.
    """
    cheapest = argon2.PasswordHasher.from_parameters(argon2.profiles.CHEAPEST)
    monkeypatch.setattr(accounts, "_hasher", cheapest)


def staff_account(
    store: Handover, name: str = "Nurse Joy", role: str = "nurse", password: str = ACCOUNT_PASSWORD
) -> str:
    """An enabled account ``name`` with ``password`` (made, or made so again); its name."""
    staff = Accounts(store.engine)
    try:
        return staff.add(name, role, password, now=NOW).name
    except AccountError:  # there already: a database the servers of several tests share
        staff.enable(name)
        return staff.reset(name, password, now=NOW).name


def servers_store(servers: Servers) -> Handover:
    """The hand-over store of the running servers' database."""
    return Handover(engine_for(servers.env["AFTERCARE_DATABASE_URL"]))


def csrf_token(page: str) -> str:
    """The CSRF token in a staff page's form."""
    found = _CSRF.search(page)
    assert found is not None, page[:2000]
    return found[1]


def sign_in(
    session: requests.Session,
    base_url: str,
    name: str = "Nurse Joy",
    password: str = ACCOUNT_PASSWORD,
) -> requests.Response:
    """Signs ``session`` in to the staff view at ``base_url``, as a browser does, with the form."""
    form = session.get(f"{base_url}/login", timeout=30)
    return session.post(
        f"{base_url}/login",
        data={"csrf_token": csrf_token(form.text), "name": name, "password": password},
        timeout=30,
    )


async def sign_in_client(
    client: TestClient,
    name: str = "Nurse Joy",
    password: str = ACCOUNT_PASSWORD,
    next_path: str = "/",
) -> ClientResponse:
    """Signs an aiohttp test client in, with the form; the answer (303 when it worked)."""
    form = await (await client.get("/login")).text()
    return await client.post(
        "/login",
        data={
            "csrf_token": csrf_token(form),
            "name": name,
            "password": password,
            "next": next_path,
        },
        allow_redirects=False,
    )


def sign_in_page(
    page: Page, base_url: str, name: str = "Nurse Joy", password: str = ACCOUNT_PASSWORD
) -> None:
    """Signs a browser's page in, typing into the sign-in form; it ends on the list."""
    page.goto(f"{base_url}/login")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/")


def everything_stored(engine: sa.engine.Engine, sender: str) -> str:
    """All the database holds of a conversation: its events, checkpoint and referrals."""
    with engine.connect() as connection:
        events = connection.execute(
            sa.text("SELECT data FROM events WHERE sender_id = :s"), {"s": sender}
        ).scalars()
        checkpoint = connection.execute(
            sa.text("SELECT state FROM tracker_checkpoints WHERE sender_id = :s"), {"s": sender}
        ).scalars()
        referrals = connection.execute(
            sa.text("SELECT * FROM referrals WHERE conversation_id = :s"), {"s": sender}
        ).all()
        return "\n".join([*events, *checkpoint, *(repr(tuple(row)) for row in referrals)])


# --- The browser tests ------------------------------------------------------------------------

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# Headless on a machine without a screen and without outside network (see the env notes).
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
SHOTS = ROOT / "results" / "browser"
"""Where the browser tests leave their screenshots (a CI artefact)."""


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
