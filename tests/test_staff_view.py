"""The staff view (handover/staff.py) over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from handover import staff
from handover.store import Handover
from tests.conftest import NOW, refer, stored_conversation

PASSWORD = "correct horse battery"


def login(user: str = "Nurse Joy", password: str = PASSWORD) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.fixture
async def client(store: Handover) -> AsyncIterator[TestClient]:
    app = staff.create_app(store, PASSWORD)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


@pytest.mark.parametrize("password", [None, "", "short"])
def test_the_staff_view_refuses_to_start_without_a_real_password(
    store: Handover,
    password: str | None,
) -> None:
    with pytest.raises(ValueError, match="STAFF_PASSWORD"):
        staff.create_app(store, password)


@pytest.mark.parametrize("path", ["/", "/referrals.csv", "/referrals/1"])
async def test_every_page_needs_the_login(client: TestClient, path: str) -> None:
    response = await client.get(path)
    assert response.status == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert (await client.get(path, headers=login(password="wrong"))).status == 401


async def test_wrong_passwords_lock_the_client_out_for_a_while(client: TestClient) -> None:
    for _ in range(staff.MAX_FAILURES):
        assert (await client.get("/", headers=login(password="guess"))).status == 401
    assert (await client.get("/", headers=login())).status == 429


async def test_the_list_shows_open_referrals_most_urgent_first(
    client: TestClient,
    store: Handover,
) -> None:
    refer(store, "routine-one", "routine")
    refer(store, "emergency-one", "emergency", findings="trouble breathing")
    store.save_callback(
        "routine-one", name="Zoë O'Brien", phone="+442079460958", time="pm", now=NOW
    )
    response = await client.get("/", headers=login())
    assert response.status == 200
    page = await response.text()
    assert page.index("EMERGENCY") < page.index("ROUTINE")
    assert "Zoë O&#x27;Brien, +442079460958, pm" in page
    assert "Signed in as Nurse Joy" in page


async def test_a_referral_shows_its_transcript_and_can_be_marked_handled(
    client: TestClient,
    store: Handover,
    database_url: str,
) -> None:
    await stored_conversation(database_url, "anna", NOW)
    referral_id = refer(store, "anna", patient_words="<b>blurry</b>")
    page = await (await client.get(f"/referrals/{referral_id}", headers=login())).text()
    assert "my vision is blurry" in page and "Please return to the clinic today." in page
    assert "&lt;b&gt;blurry&lt;/b&gt;" in page
    assert "Mark as handled" in page

    response = await client.post(
        f"/referrals/{referral_id}/handled", headers=login(), allow_redirects=False
    )
    assert response.status == 303
    referral = store.referral(referral_id)
    assert referral is not None and referral.handled_by == "Nurse Joy"
    assert "Referrals (0 open)" in await (await client.get("/", headers=login())).text()
    assert store.referrals() == []


async def test_another_sites_page_cannot_mark_a_referral(
    client: TestClient,
    store: Handover,
) -> None:
    referral_id = refer(store, "anna")
    response = await client.post(
        f"/referrals/{referral_id}/handled",
        headers={**login(), "Origin": "http://evil.example"},
    )
    assert response.status == 403
    assert store.referrals() != []


async def test_unknown_referrals_are_not_found(client: TestClient) -> None:
    for path in ("/referrals/424242", "/referrals/abc"):
        assert (await client.get(path, headers=login())).status == 404
    assert (await client.post("/referrals/424242/handled", headers=login())).status == 404


@pytest.mark.parametrize(
    "number", [str(2**63), str(2**31), "9" * 30, "-1", "0", "-9223372036854775809"]
)
async def test_a_referral_number_out_of_range_is_not_found(
    client: TestClient, store: Handover, number: str
) -> None:
    refer(store, "anna")
    assert (await client.get(f"/referrals/{number}", headers=login())).status == 404
    assert (await client.post(f"/referrals/{number}/handled", headers=login())).status == 404
    assert (await client.get("/", headers=login())).status == 200  # and the view goes on


async def test_the_csv_export(client: TestClient, store: Handover) -> None:
    refer(store, "anna")
    response = await client.get("/referrals.csv", headers=login())
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    # Names and phones (issue 23): kept by no cache, never sniffed as another type.
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    text = await response.text()
    assert text.splitlines()[0].startswith("id,created_at,level,summary")
    assert len(text.splitlines()) == 2
