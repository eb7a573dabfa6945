"""Signing in to the staff view (handover/auth.py), over HTTP, on SQLite and PostgreSQL.

Accounts of their own for each nurse, a lockout per account (never per address: the clinic
is one address), sessions in an encrypted cookie that no one can alter, a CSRF token on
every form, sign-out, and the audit log for a lead.
"""

from __future__ import annotations

import base64
import contextlib
import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer
from cryptography.fernet import Fernet

from aftercare.config import ConfigError
from handover import auth, staff
from handover.accounts import FREE_FAILURES, Accounts
from handover.store import Handover
from tests.support.staff import ACCOUNT_PASSWORD, csrf_token, sign_in_client, staff_account
from tests.support.stores import refer

KEY = bytes(range(32))
XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
async def view(store: Handover) -> AsyncIterator[TestClient]:
    """The staff view on ``store``, nobody signed in; Nurse Joy, Nurse Ada and Lead Lee exist."""
    staff_account(store, "Nurse Joy")
    staff_account(store, "Nurse Ada")
    staff_account(store, "Lead Lee", role="lead")
    async with TestClient(TestServer(staff.create_app(store, session_key=KEY))) as client:
        yield client


@contextlib.asynccontextmanager
async def another(view: TestClient) -> AsyncIterator[TestClient]:
    """A second browser on the same staff view, with cookies of its own."""
    client = TestClient(view.server)
    await client.start_server()  # the server runs already: this starts nothing
    try:
        yield client
    finally:
        await client.session.close()  # the browser goes; the server stays


def session_cookie(client: TestClient) -> str:
    return client.session.cookie_jar.filter_cookies(client.make_url("/"))[auth.COOKIE_NAME].value


async def token_of(client: TestClient, path: str = "/") -> str:
    return csrf_token(await (await client.get(path)).text())


async def signed_in_as(client: TestClient) -> str | None:
    """The name the list page says is signed in, or None when it sends to the sign-in page."""
    response = await client.get("/", allow_redirects=False)
    if response.status == 303:
        assert response.headers["Location"].startswith("/login?next=")
        return None
    page = await response.text()
    return page.split("Signed in as ", 1)[1].split("\n", 1)[0].split(" · ", 1)[0]


# --- Sign-in -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/referrals/7", "/?all=1&q=a%26b", "/audit"])
async def test_a_page_without_a_session_goes_to_the_sign_in_page(
    view: TestClient, path: str
) -> None:
    response = await view.get(path, allow_redirects=False)
    assert response.status == 303
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login" and parse_qs(location.query) == {"next": [path]}


@pytest.mark.parametrize("path", ["/events", "/referrals.csv"])
async def test_the_stream_and_the_export_answer_401_without_a_session(
    view: TestClient, path: str
) -> None:
    response = await view.get(path, allow_redirects=False)
    assert response.status == 401 and "Location" not in response.headers


async def test_the_sign_in_page_has_no_live_bar_and_its_style_is_open_to_all(
    view: TestClient,
) -> None:
    page = await (await view.get("/login")).text()
    assert 'id="live-bar"' not in page and "Signed in as" not in page
    assert '<input type="password" name="password"' in page
    assert (await view.get("/static/staff.css")).status == 200


@pytest.mark.parametrize(
    ("next_path", "lands_on"),
    [
        ("/referrals/7", "/referrals/7"),
        ("/?all=1", "/?all=1"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/login", "/"),
        ("/\r\nSet-Cookie: x=1", "/"),
        pytest.param("/" + "a" * 3000, "/", id="too-long"),
    ],
)
async def test_signing_in_goes_back_to_the_page_asked_for_on_this_site_only(
    view: TestClient, next_path: str, lands_on: str
) -> None:
    response = await sign_in_client(view, "Nurse Joy", next_path=next_path)
    assert (response.status, response.headers["Location"]) == (303, lands_on)


async def test_two_accounts_and_a_lockout_of_one_leaves_the_other_signing_in(
    view: TestClient, store: Handover
) -> None:
    """Today's clinic: five wrong passwords from the clinic's one address locked out everyone."""
    for n in range(FREE_FAILURES - 1):
        response = await sign_in_client(view, "Nurse Joy", "not her password")
        assert response.status == 401, n
        assert "Wrong name or password." in await response.text()
    locking = await sign_in_client(view, "Nurse Joy", "not her password")
    assert locking.status == 429 and 1 <= int(locking.headers["Retry-After"]) <= 60
    assert "this account is locked until" in await locking.text()
    # The right password is refused while the lock lasts ...
    assert (await sign_in_client(view, "Nurse Joy")).status == 429
    assert await signed_in_as(view) is None
    # ... and a colleague from the same address signs in.
    assert (await sign_in_client(view, "Nurse Ada")).status == 303
    assert await signed_in_as(view) == "Nurse Ada"
    refusals = [e for e in store.audit_entries() if e.action == "sign-in refused"]
    details = [e.detail for e in reversed(refusals)]
    assert details[:-2] == ["wrong"] * (FREE_FAILURES - 1)
    assert details[-1] == details[-2] and details[-1].startswith("locked until ")
    assert {e.actor for e in refusals} == {"Nurse Joy"}


@pytest.mark.parametrize(
    ("name", "password", "status", "says"),
    [
        ("Nurse Joy", "not her password", 401, "Wrong name or password."),
        ("Nobody Here", ACCOUNT_PASSWORD, 401, "Wrong name or password."),
        ("", "", 401, "Wrong name or password."),
        pytest.param("x" * 100_000, ACCOUNT_PASSWORD, 401, "Wrong name or password.", id="huge"),
        pytest.param("Nurse Joy", "p" * 5000, 401, "Wrong name or password.", id="long"),
    ],
)
async def test_a_refused_sign_in_says_why_and_keeps_no_session(
    view: TestClient, name: str, password: str, status: int, says: str
) -> None:
    response = await sign_in_client(view, name, password)
    assert response.status == status
    assert says in await response.text()
    assert await signed_in_as(view) is None


async def test_a_unicode_name_signs_in_in_any_case(view: TestClient, store: Handover) -> None:
    staff_account(store, "Zoë O'Brien")
    staff_account(store, "李小龙")
    assert (await sign_in_client(view, "ZOË O'BRIEN")).status == 303
    assert await signed_in_as(view) == "Zoë O&#39;Brien"
    async with another(view) as second:
        assert (await sign_in_client(second, "  李小龙 ")).status == 303
        assert await signed_in_as(second) == "李小龙"


async def test_a_name_with_markup_is_shown_as_text(view: TestClient, store: Handover) -> None:
    staff_account(store, XSS, role="lead")
    refused = await sign_in_client(view, XSS + "!", "wrong password here")
    assert 'value="&lt;img src=x onerror=alert(1)&gt;!"' in await refused.text()
    assert (await sign_in_client(view, XSS)).status == 303
    referral_id = refer(store, "anna")
    await view.post(f"/referrals/{referral_id}/handled", data={"csrf_token": await token_of(view)})
    for path in ("/", f"/referrals/{referral_id}", "/audit"):
        page = await (await view.get(path)).text()
        assert "<img" not in page, path
        assert "&lt;img src=x onerror=alert(1)&gt;" in page, path


async def test_a_disabled_account_is_told_so_and_its_open_session_ends(
    view: TestClient, store: Handover
) -> None:
    assert (await sign_in_client(view, "Nurse Joy")).status == 303
    Accounts(store.engine).disable("Nurse Joy", now=datetime.now(UTC))
    assert await signed_in_as(view) is None  # at the next request
    refused = await sign_in_client(view, "Nurse Joy")
    assert refused.status == 403
    assert "This account is disabled: ask a lead." in await refused.text()


async def test_a_new_password_ends_the_accounts_sessions(view: TestClient, store: Handover) -> None:
    assert (await sign_in_client(view, "Nurse Joy")).status == 303
    Accounts(store.engine).reset("Nurse Joy", "a brand new password", now=datetime.now(UTC))
    assert await signed_in_as(view) is None
    assert (await sign_in_client(view, "Nurse Joy", "a brand new password")).status == 303
    assert await signed_in_as(view) == "Nurse Joy"


async def test_signing_out_ends_the_session_and_any_copy_of_its_cookie(
    view: TestClient, store: Handover
) -> None:
    assert (await sign_in_client(view, "Nurse Joy")).status == 303
    copy = session_cookie(view)
    response = await view.post(
        "/logout", data={"csrf_token": await token_of(view)}, allow_redirects=False
    )
    assert (response.status, response.headers["Location"]) == (303, "/login?signed_out=1")
    assert "You have signed out." in await (await view.get("/login?signed_out=1")).text()
    assert await signed_in_as(view) is None
    async with another(view) as thief:
        response = await thief.get("/", headers={"Cookie": f"{auth.COOKIE_NAME}={copy}"})
        assert response.url.path == "/login"
    assert [e.action for e in reversed(store.audit_entries())] == ["signed in", "signed out"]


# --- The session cookie --------------------------------------------------------------------


async def test_the_cookie_is_httponly_samesite_strict_and_secure_over_https(
    view: TestClient,
) -> None:
    plain = await sign_in_client(view, "Nurse Joy")
    cookie = plain.cookies[auth.COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    assert cookie["max-age"] == str(auth.SESSION_IDLE)
    assert not cookie["secure"]  # http://localhost: a Secure cookie would never come back
    async with another(view) as behind_nginx:
        form = await (await behind_nginx.get("/login")).text()
        https = await behind_nginx.post(
            "/login",
            data={
                "csrf_token": csrf_token(form),
                "name": "Nurse Ada",
                "password": ACCOUNT_PASSWORD,
            },
            headers={
                "X-Forwarded-Proto": "https",
                "Origin": f"https://{behind_nginx.host}:{behind_nginx.port}",
            },
            allow_redirects=False,
        )
        assert https.status == 303
        assert https.cookies[auth.COOKIE_NAME]["secure"]


@pytest.mark.parametrize("change", ["a character", "cut short", "another key", "not base64"])
async def test_an_altered_session_cookie_is_refused(view: TestClient, change: str) -> None:
    assert (await sign_in_client(view, "Nurse Joy")).status == 303
    real = session_cookie(view)
    data = Fernet(base64.urlsafe_b64encode(KEY)).decrypt(real.encode())
    forged = {
        "a character": real[:60] + ("A" if real[60] != "A" else "B") + real[61:],
        "cut short": real[:-10],
        "another key": Fernet(Fernet.generate_key()).encrypt(data).decode(),
        "not base64": "<script>",
    }[change]
    async with another(view) as stranger:
        response = await stranger.get(
            "/", headers={"Cookie": f"{auth.COOKIE_NAME}={forged}"}, allow_redirects=False
        )
        assert response.status == 303 and response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(
    ("age", "accepted"),
    [(timedelta(hours=11, minutes=59), True), (timedelta(hours=12, seconds=5), False)],
)
async def test_a_session_unused_for_12_hours_has_ended(
    view: TestClient, age: timedelta, accepted: bool
) -> None:
    assert (await sign_in_client(view, "Nurse Joy")).status == 303
    fernet = Fernet(base64.urlsafe_b64encode(KEY))
    data = json.loads(fernet.decrypt(session_cookie(view).encode()))
    data["created"] = int(time.time() - age.total_seconds())
    old = fernet.encrypt_at_time(json.dumps(data).encode(), data["created"]).decode()
    async with another(view) as stranger:
        response = await stranger.get(
            "/", headers={"Cookie": f"{auth.COOKIE_NAME}={old}"}, allow_redirects=False
        )
        assert response.status == (200 if accepted else 303)


async def test_two_staff_views_on_one_database_accept_each_others_cookies(
    store: Handover, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Behind nginx, either staff view may take a nurse's next request (a restart too)."""
    monkeypatch.delenv(auth.KEY_VARIABLE, raising=False)
    staff_account(store, "Nurse Joy")
    first = TestClient(TestServer(staff.create_app(store)))
    second = TestClient(TestServer(staff.create_app(store)))  # the key from the database
    elsewhere = TestClient(TestServer(staff.create_app(store, session_key=KEY)))
    for client in (first, second, elsewhere):
        await client.start_server()
    assert (await sign_in_client(first, "Nurse Joy")).status == 303
    cookie = {"Cookie": f"{auth.COOKIE_NAME}={session_cookie(first)}"}
    assert (await second.get("/", headers=cookie, allow_redirects=False)).status == 200
    assert (await elsewhere.get("/", headers=cookie, allow_redirects=False)).status == 303
    for client in (first, second, elsewhere):
        await client.close()


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        (base64.b64encode(bytes(range(200, 232))).decode(), True),  # openssl rand -base64 32
        (base64.urlsafe_b64encode(bytes(range(200, 232))).decode(), True),  # a Fernet key
        ("", True),  # not set: the database's
        ("short", False),
        (base64.b64encode(bytes(16)).decode(), False),
        (base64.b64encode(bytes(33)).decode(), False),
        ("!" * 44, False),
    ],
)
def test_the_session_key_from_the_environment_must_be_32_bytes(
    store: Handover, value: str, accepted: bool
) -> None:
    accounts = Accounts(store.engine)
    environ = {auth.KEY_VARIABLE: value}
    if accepted:
        assert len(auth.session_key(accounts, environ, now=datetime.now(UTC))) == 32
    else:
        with pytest.raises(ConfigError, match="STAFF_SESSION_KEY must be 32 bytes in base64"):
            auth.session_key(accounts, environ, now=datetime.now(UTC))


# --- CSRF ------------------------------------------------------------------------------------


async def mark(client: TestClient, referral_id: int, **options: object) -> ClientResponse:
    return await client.post(
        f"/referrals/{referral_id}/handled",
        allow_redirects=False,
        **options,  # type: ignore[arg-type]
    )


async def test_a_form_without_the_sessions_token_is_refused(
    view: TestClient, store: Handover
) -> None:
    referral_id = refer(store, "anna")
    assert (await sign_in_client(view, "Nurse Joy")).status == 303
    async with another(view) as other:
        assert (await sign_in_client(other, "Nurse Ada")).status == 303
        other_token = await token_of(other)
    refused = [
        await mark(view, referral_id),
        await mark(view, referral_id, data={"csrf_token": ""}),
        await mark(view, referral_id, data={"csrf_token": "guessed"}),
        await mark(view, referral_id, data={"csrf_token": other_token}),
        await mark(view, referral_id, data={"csrf_token": "é" * 40}),
        await mark(view, referral_id, data=b"\xff\xfe", headers={"Content-Type": "text/plain"}),
        await view.post("/logout", allow_redirects=False),
    ]
    assert [r.status for r in refused] == [403] * len(refused)
    assert store.referrals() != [] and await signed_in_as(view) == "Nurse Joy"
    # The header a script would send, and the form's field.
    token = await token_of(view)
    assert (await mark(view, referral_id, headers={"X-CSRF-Token": token})).status == 303


async def test_the_sign_in_form_needs_its_token_too(view: TestClient) -> None:
    await view.get("/login")
    response = await view.post(
        "/login", data={"name": "Nurse Joy", "password": ACCOUNT_PASSWORD}, allow_redirects=False
    )
    assert response.status == 403 and await signed_in_as(view) is None


async def test_signing_in_gives_a_new_token(view: TestClient) -> None:
    before = await token_of(view, "/login")
    assert (await sign_in_client(view, "Nurse Joy")).status == 303
    assert await token_of(view) != before


# --- The audit log ---------------------------------------------------------------------------


async def test_a_lead_reads_the_audit_log_and_a_nurse_may_not(
    view: TestClient, store: Handover
) -> None:
    await sign_in_client(view, "Nobody", "a guess at a password")
    assert (await sign_in_client(view, "Nurse Joy")).status == 303
    assert (await view.get("/audit")).status == 403
    assert "Audit log" not in await (await view.get("/")).text()

    async with another(view) as lead:
        assert (await sign_in_client(lead, "Lead Lee")).status == 303
        assert 'href="/audit"' in await (await lead.get("/")).text()
        page = await (await lead.get("/audit")).text()
    rows = page.split('<tbody id="audit">', 1)[1].split("</tbody>", 1)[0].split("<tr>")[1:]
    assert [row.split("<td>")[2:4] for row in rows] == [
        ["Lead Lee</td>", "signed in</td>"],
        ["Nurse Joy</td>", "signed in</td>"],
        ["Nobody</td>", "sign-in refused</td>"],
    ]


async def test_the_audit_log_comes_in_pages(view: TestClient, store: Handover) -> None:
    for n in range(auth.AUDIT_PAGE + 5):
        store.audit(f"Nurse {n}", "viewed", now=datetime.now(UTC), referral_id=n + 1)
    assert (await sign_in_client(view, "Lead Lee")).status == 303
    page = await (await view.get("/audit")).text()
    assert page.count("<tr><td>") == auth.AUDIT_PAGE
    older = page.split('href="/audit?before=', 1)[1].split('"', 1)[0]
    rest = await (await view.get(f"/audit?before={older}")).text()
    # The 105 entries and Lead Lee's sign-in: 6 on the second page, the oldest last.
    assert rest.count("<tr><td>") == 6 and "Nurse 0<" in rest and "before=" not in rest
    for before in ("abc", str(2**63), "-1", "0", "9" * 40):
        assert (await view.get(f"/audit?before={before}")).status == 200
