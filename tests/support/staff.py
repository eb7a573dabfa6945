"""Staff accounts, and signing in to the staff view as a browser does, with the form."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from handover.accounts import AccountError, Accounts
from handover.store import Handover, engine_for
from tests.support.pinned import NOW
from tools.servers import Servers

if TYPE_CHECKING:
    import requests
    from aiohttp import ClientResponse
    from aiohttp.test_utils import TestClient
    from playwright.sync_api import Page

ACCOUNT_PASSWORD = "correct horse battery staple"
"""The password of the staff accounts tests make (``staff_account``)."""


_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


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
