"""Signing in to the staff view: sessions, the CSRF token, sign-in, sign-out, the audit page.

Each nurse and lead has an account (``handover/accounts.py``, made with ``python -m
handover user add``). Signing in at ``/login`` puts the account in a **session**: an
encrypted cookie (aiohttp-session's ``EncryptedCookieStorage``, Fernet), read through
aiohttp-security's session identity. The cookie is HttpOnly, SameSite=Strict, Secure when
the page came over HTTPS (nginx's ``X-Forwarded-Proto``, ``deploy/nginx-https.conf``), and
ends after ``SESSION_IDLE`` without a request. It names the account and when its password
was set: every request looks the account up (one row), so a disabled account's sessions
end at their next request and a new password ends the sessions signed in with the old one.

The cookies' key is ``STAFF_SESSION_KEY`` (32 bytes in base64), or else one made on the
first start and kept in the database (``staff_secrets``): restarts, and every staff view on
the same database, accept each other's cookies.

After :func:`require_account`, ``request["staff"]`` is the account's name and
``request["role"]`` its role; ``request["csrf_token"]`` is the session's token, which every
form sends back as ``csrf_token`` (or a script as the ``X-CSRF-Token`` header). A POST, or any
other method that changes something, without it, or from another site's page, is refused
(403). A page asked for without a session goes to ``/login?next=...``; the live stream and
the CSV export answer 401 instead (``NOT_PAGES``).

Sign-ins, refused sign-ins and sign-outs go to the audit log, which a lead reads at
``/audit`` (a nurse gets 403).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from enum import Enum
from typing import Any
from urllib.parse import quote, urlsplit

import aiohttp_security
from aiohttp import web
from aiohttp_security.abc import AbstractAuthorizationPolicy
from aiohttp_security.api import AUTZ_KEY, IDENTITY_KEY
from aiohttp_session import Session, get_session, new_session, session_middleware
from aiohttp_session.cookie_storage import EncryptedCookieStorage
from cryptography.fernet import Fernet

from aftercare import clinic
from aftercare.config import ConfigError
from handover.accounts import MAX_NAME, Account, Accounts, Refused
from handover.pages import render
from handover.store import MAX_ID, Handover

SESSION_IDLE = 12 * 60 * 60
"""Seconds a session lasts without a request: then its nurse signs in again."""
REFRESH = 60
"""Seconds between two renewals of a session's cookie (each renewal restarts the idle time)."""
COOKIE_NAME = "staff_session"
KEY_VARIABLE = "STAFF_SESSION_KEY"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
NOT_PAGES = frozenset({"/events", "/referrals.csv"})
"""Asked for by a script or a download, not a person: 401 without a session, no redirect."""
OPEN_PATHS = frozenset({"/login"})
OPEN_FOLDER = "/static/"
"""Served without a session: the sign-in page, and the pages' style sheet and script."""
PERMISSIONS = {"nurse": frozenset({"referrals"}), "lead": frozenset({"referrals", "audit"})}
AUDIT_PAGE = 100
"""Audit log entries on one page of ``/audit``."""

# What a session holds besides aiohttp-security's identity.
_CSRF = "csrf"
_SEEN = "seen"

STORE: web.AppKey[Handover] = web.AppKey("auth_store")
ACCOUNTS: web.AppKey[Accounts] = web.AppKey("accounts")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def session_key(accounts: Accounts, environ: Mapping[str, str], *, now: datetime) -> bytes:
    """The cookies' key: ``STAFF_SESSION_KEY``, else the database's (made on first use)."""
    text = environ.get(KEY_VARIABLE, "").strip()
    if not text:
        text = accounts.session_key(Fernet.generate_key().decode(), now=now)
    try:
        key = base64.b64decode(text.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise ConfigError(
            f"{KEY_VARIABLE} must be 32 bytes in base64 (make one with `openssl rand -base64 32`)"
            f", not {len(text)} characters"
        )
    return key


def scheme(request: web.Request) -> str:
    """``https`` or ``http`` as the browser sees it: nginx's ``X-Forwarded-Proto``, else ours."""
    forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return forwarded if forwarded in ("http", "https") else request.scheme


class StaffCookies(EncryptedCookieStorage):
    """The session cookie: encrypted, HttpOnly, SameSite=Strict, Secure over HTTPS."""

    def __init__(self, key: bytes) -> None:
        """Encrypts with ``key`` (32 bytes); a cookie older than ``SESSION_IDLE`` is refused."""
        super().__init__(
            key, cookie_name=COOKIE_NAME, max_age=SESSION_IDLE, httponly=True, samesite="Strict"
        )

    async def save_session(
        self, request: web.Request, response: web.StreamResponse, session: Session
    ) -> None:
        """Sets the cookie, Secure when the request came over HTTPS (directly or via nginx)."""
        await super().save_session(request, response, session)
        if scheme(request) == "https" and COOKIE_NAME in response.cookies:
            response.cookies[COOKIE_NAME]["secure"] = True


def sessions(key: bytes) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    """The session middleware (aiohttp-session), first of the app's middlewares."""
    return session_middleware(StaffCookies(key))


class AccountPolicy(AbstractAuthorizationPolicy):
    """aiohttp-security's view of a session's identity: its account, if it may still sign in."""

    def __init__(self, accounts: Accounts) -> None:
        """Looks identities up in ``accounts``."""
        self.accounts = accounts

    def account(self, identity: str | None) -> Account | None:
        """The session's account, if it still accepts the session (``Account.accepts``)."""
        number = re.match(r"([0-9]{1,10}):", identity or "")
        if identity is None or number is None or int(number[1]) > MAX_ID:
            return None
        account = self.accounts.get(int(number[1]))
        return account if account is not None and account.accepts(identity) else None

    async def authorized_userid(self, identity: str) -> str | None:
        """The account's name."""
        account = self.account(identity)
        return account.name if account is not None else None

    async def permits(
        self, identity: str | None, permission: str | Enum, context: Any = None
    ) -> bool:
        """Whether the account's role allows ``permission`` (``PERMISSIONS``)."""
        account = self.account(identity)
        return account is not None and permission in PERMISSIONS.get(account.role, ())


def setup(app: web.Application, store: Handover) -> None:
    """Accounts and sessions for ``app``: aiohttp-security, /login, /logout and /audit.

    The app's middlewares must be ``sessions(key)``, then any that turn errors into pages,
    then ``require_account``.
    """
    app[STORE] = store
    app[ACCOUNTS] = Accounts(store.engine)
    aiohttp_security.setup(
        app, aiohttp_security.SessionIdentityPolicy(), AccountPolicy(app[ACCOUNTS])
    )
    app.router.add_get("/login", sign_in_page)
    app.router.add_post("/login", sign_in)
    app.router.add_post("/logout", sign_out)
    app.router.add_get("/audit", audit_page)


@web.middleware
async def require_account(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refuses forged requests; sends those without a session to sign in; names the account."""
    session = await get_session(request)
    request["csrf_token"] = session.get(_CSRF, "")
    if request.method not in SAFE_METHODS:
        refusal = await _forgery(request, session)
        if refusal is not None:
            return refusal
    if request.path in OPEN_PATHS or request.path.startswith(OPEN_FOLDER):
        return await handler(request)
    account = await _signed_in(request, session)
    if account is None:
        if request.path in NOT_PAGES or request.method not in SAFE_METHODS:
            return web.Response(status=401, text="Sign in first, at /login.")
        raise web.HTTPSeeOther(f"/login?next={quote(request.path_qs, safe='')}")
    request["account"] = account
    request["staff"] = account.name
    request["role"] = account.role
    now = int(time.time())
    if now - int(session.get(_SEEN, 0)) >= REFRESH:  # a new cookie: the idle time restarts
        session[_SEEN] = now
    return await handler(request)


async def _signed_in(request: web.Request, session: Session) -> Account | None:
    """The session's account; a session whose account was disabled or reset is ended."""
    identity = await request.config_dict[IDENTITY_KEY].identify(request)
    policy = request.config_dict[AUTZ_KEY]
    assert isinstance(policy, AccountPolicy)
    account = policy.account(identity if isinstance(identity, str) else None)
    if account is None and identity is not None:
        session.invalidate()
    return account


async def _forgery(request: web.Request, session: Session) -> web.Response | None:
    """403 unless the request comes from this site's page with the session's token."""
    origin = request.headers.get("Origin")
    if origin is not None and origin != f"{scheme(request)}://{request.host}":
        return web.Response(status=403, text="Cross-site request refused.")
    sent: object = request.headers.get(CSRF_HEADER)
    if sent is None and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        try:
            sent = (await request.post()).get(CSRF_FIELD)  # kept: the handler reads it again
        except ValueError:
            return web.Response(status=400, text="The form could not be read.")
    expected = session.get(_CSRF)
    if isinstance(sent, str) and expected and hmac.compare_digest(sent.encode(), expected.encode()):
        return None
    return web.Response(
        status=403, text="Refused: the form's token is missing or old. Reload the page, try again."
    )


def local_path(value: object) -> str:
    """``value`` if it is a path on this site (where to go after signing in), else ``/``."""
    if (
        not isinstance(value, str)
        or not value.startswith("/")
        or value.startswith("//")
        or len(value) > 2000
        or any(c == "\\" or ord(c) < 32 or ord(c) == 127 for c in value)
    ):
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path in ("/login", "/logout"):
        return "/"
    return value


# --- Sign-in and sign-out ----------------------------------------------------------------------


async def sign_in_page(request: web.Request) -> web.Response:
    """``GET /login``: the form (or, already signed in, where it would lead)."""
    session = await get_session(request)
    next_path = local_path(request.query.get("next"))
    if await _signed_in(request, session) is not None:
        raise web.HTTPSeeOther(next_path)
    if not session.get(_CSRF):
        session[_CSRF] = secrets.token_urlsafe(32)
    request["csrf_token"] = session[_CSRF]
    notice = "You have signed out." if "signed_out" in request.query else ""
    return _form(request, next_path=next_path, notice=notice)


async def sign_in(request: web.Request) -> web.Response:
    """``POST /login``: a session for the account, or the form again saying why not."""
    form = await request.post()
    name, password = str(form.get("name", "")), str(form.get("password", ""))
    next_path = local_path(form.get("next"))
    store = request.app[STORE]
    now = datetime.now(UTC)
    result = await asyncio.to_thread(request.app[ACCOUNTS].authenticate, name, password, now=now)
    if isinstance(result, Refused):
        return _refused(request, name, result, next_path, now)
    session = await new_session(request)  # a new session and token, nothing of the old one
    session[_CSRF] = secrets.token_urlsafe(32)
    session[_SEEN] = int(time.time())
    response = web.HTTPSeeOther(next_path)
    await aiohttp_security.remember(request, response, result.session_identity(now))
    store.audit(result.name, "signed in", now=now)
    raise response


def _refused(
    request: web.Request, name: str, refused: Refused, next_path: str, now: datetime
) -> web.Response:
    shown = " ".join(name.split())[:MAX_NAME]
    detail: str = refused.reason
    if refused.reason == "locked" and refused.until is not None:
        until = clinic.load().local_time(refused.until)
        problem = (
            f"Too many wrong passwords: this account is locked until {until}. Try again "
            "then, or ask a lead to set a new password."
        )
        detail = f"locked until {refused.until.isoformat(timespec='seconds')}"
        status = 429
    elif refused.reason == "disabled":
        problem, status = "This account is disabled: ask a lead.", 403
    else:
        problem, status = "Wrong name or password.", 401
    request.app[STORE].audit(shown or "(no name)", "sign-in refused", now=now, detail=detail)
    response = _form(request, next_path=next_path, name=shown, problem=problem)
    response.set_status(status)
    if refused.until is not None:
        response.headers["Retry-After"] = str(max(1, int((refused.until - now).total_seconds())))
    return response


def _form(
    request: web.Request, *, next_path: str, name: str = "", notice: str = "", problem: str = ""
) -> web.Response:
    context = {
        "next": next_path,
        "name": name,
        "notice": notice,
        "problem": problem,
        "no_accounts": request.app[ACCOUNTS].count() == 0,
    }
    return render(request, "login.html", context)


async def sign_out(request: web.Request) -> web.Response:
    """``POST /logout``: the cookie is deleted, and every session of the account ends.

    Also a copy of the cookie taken before, and the account's sessions in other browsers.
    """
    now = datetime.now(UTC)
    request.app[ACCOUNTS].sign_out(request["account"], now=now)
    request.app[STORE].audit(request["staff"], "signed out", now=now)
    session = await get_session(request)
    response = web.HTTPSeeOther("/login?signed_out=1")
    await aiohttp_security.forget(request, response)
    session.invalidate()
    raise response


# --- The audit log -----------------------------------------------------------------------------


async def audit_page(request: web.Request) -> web.Response:
    """``GET /audit``: the audit log for a lead, newest first, ``AUDIT_PAGE`` at a time."""
    if not await aiohttp_security.permits(request, "audit"):
        raise web.HTTPForbidden(text="The audit log is for leads only.")
    before_text = request.query.get("before", "")
    before = int(before_text) if re.fullmatch(r"[0-9]{1,10}", before_text) else None
    if before is not None and before > MAX_ID + 1:
        before = None
    store = request.app[STORE]
    after = store.latest_id()
    entries = store.audit_entries(limit=AUDIT_PAGE, before=before)
    older = entries[-1].id if len(entries) == AUDIT_PAGE else None
    return render(request, "audit.html", {"entries": entries, "older": older}, after=after)
