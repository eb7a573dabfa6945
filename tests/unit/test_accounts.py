"""Staff accounts (handover/accounts.py) and ``python -m handover user``, on SQLite and PostgreSQL.

Names of any script, compared without case; argon2 hashes; a lockout per account with a
backoff, which never touches another account; a disabled account; a new password.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
import sqlalchemy as sa

from handover.accounts import (
    FREE_FAILURES,
    LONGEST_LOCK,
    MAX_NAME,
    MIN_PASSWORD,
    Account,
    AccountError,
    Accounts,
    Refused,
    clean_name,
    lock_for,
    name_key,
)
from handover.store import Handover, staff_accounts
from tests.support.pinned import NOW, ROOT

PASSWORD = "correct horse battery staple"
OTHER = "another long enough password"


@pytest.fixture
def accounts(store: Handover) -> Accounts:
    return Accounts(store.engine)


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("Nurse Joy", "Nurse Joy"),
        ("  Zoë   O'Brien \t", "Zoë O'Brien"),
        ("Zoe\u0308", "Zoë"),  # the decomposed ë kept composed
        ("Søren Ægir Þórsson", "Søren Ægir Þórsson"),
        ("李小龙", "李小龙"),
        ("محمد علی", "محمد علی"),
        ("می\u200cخواهم", "می\u200cخواهم"),  # Persian's zero-width non-joiner is part of a word
        ("Ὀδυσσεύς", "Ὀδυσσεύς"),
        ("J", "J"),
        ("a" * MAX_NAME, "a" * MAX_NAME),
        ("<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"),
    ],
)
def test_a_name_of_any_script_is_kept_tidied(given: str, kept: str) -> None:
    assert clean_name(given) == kept


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("", "cannot be empty"),
        (" \t\n ", "cannot be empty"),
        ("a" * (MAX_NAME + 1), f"at most {MAX_NAME} characters, not {MAX_NAME + 1}"),
        ("12345", "at least one letter"),
        ("Joy\x00", "control or invisible"),
        ("Joy\u202eyoJ", "control or invisible"),  # right-to-left override: a disguise
        ("Joy\x1b[31m", "control or invisible"),
    ],
)
def test_a_name_that_cannot_be_a_name_is_refused_saying_why(given: str, says: str) -> None:
    with pytest.raises(AccountError, match=says.replace("(", r"\(")):
        clean_name(given)


@pytest.mark.parametrize(
    ("one", "other"),
    [("Zoë", "ZOË"), ("Zoë", "zoe\u0308"), ("Straße", "STRASSE"), ("Ｊｏｙ", "joy")],
)
def test_names_are_compared_without_case_or_width(one: str, other: str) -> None:
    assert name_key(clean_name(one)) == name_key(clean_name(other))


@pytest.mark.parametrize(
    ("failures", "locked"),
    [
        (0, None),
        (FREE_FAILURES - 1, None),
        (FREE_FAILURES, timedelta(minutes=1)),
        (FREE_FAILURES + 1, timedelta(minutes=2)),
        (FREE_FAILURES + 3, timedelta(minutes=8)),
        (FREE_FAILURES + 4, LONGEST_LOCK),  # 16 minutes, held at 15
        (2**63, LONGEST_LOCK),
    ],
)
def test_the_lock_doubles_with_each_further_wrong_password_up_to_15_minutes(
    failures: int, locked: timedelta | None
) -> None:
    assert lock_for(failures) == locked


@pytest.mark.parametrize(
    ("password", "refused"),
    [("x" * (MIN_PASSWORD - 1), True), ("x" * MIN_PASSWORD, False), ("🔑" * MIN_PASSWORD, False)],
)
def test_a_password_needs_12_characters(accounts: Accounts, password: str, refused: bool) -> None:
    if refused:
        with pytest.raises(AccountError, match="at least 12 characters"):
            accounts.add("Nurse Joy", "nurse", password, now=NOW)
        assert accounts.list() == []
    else:
        accounts.add("Nurse Joy", "nurse", password, now=NOW)
        assert isinstance(accounts.authenticate("nurse joy", password, now=NOW), Account)


def test_the_password_is_kept_as_an_argon2_hash(accounts: Accounts, store: Handover) -> None:
    accounts.add("Nurse Joy", "nurse", PASSWORD, now=NOW)
    with store.engine.connect() as connection:
        stored = connection.execute(sa.select(staff_accounts.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_a_name_is_one_account_in_any_case_and_a_role_is_nurse_or_lead(
    accounts: Accounts,
) -> None:
    added = accounts.add("Zoë O'Brien", "lead", PASSWORD, now=NOW)
    assert (added.name, added.role) == ("Zoë O'Brien", "lead")
    with pytest.raises(AccountError, match="already an account named Zoë O'Brien"):
        accounts.add("ZOË O'BRIEN", "nurse", PASSWORD, now=NOW)
    with pytest.raises(AccountError, match="A role is nurse or lead, not 'admin'"):
        accounts.add("Nurse Joy", "admin", PASSWORD, now=NOW)
    signed_in = accounts.authenticate("zoë o'brien", PASSWORD, now=NOW)
    assert isinstance(signed_in, Account) and signed_in.name == "Zoë O'Brien"
    assert [a.name for a in accounts.list()] == ["Zoë O'Brien"]


def test_wrong_passwords_lock_that_account_only_and_the_lock_grows(accounts: Accounts) -> None:
    accounts.add("Nurse Joy", "nurse", PASSWORD, now=NOW)
    accounts.add("Nurse Ada", "nurse", OTHER, now=NOW)
    for _ in range(FREE_FAILURES - 1):
        assert accounts.authenticate("Nurse Joy", "a wrong guess!", now=NOW) == Refused("wrong")
    # The fifth wrong one locks it, for a minute; the right password is refused meanwhile.
    locked = Refused("locked", NOW + timedelta(minutes=1))
    assert accounts.authenticate("Nurse Joy", "a wrong guess!", now=NOW) == locked
    assert accounts.authenticate("Nurse Joy", PASSWORD, now=NOW + timedelta(seconds=59)) == locked
    # The other nurse is not touched.
    assert isinstance(accounts.authenticate("Nurse Ada", OTHER, now=NOW), Account)
    # Once the minute is over, one more wrong password: two minutes.
    later = NOW + timedelta(minutes=1)
    assert accounts.authenticate("Nurse Joy", "still wrong!!", now=later) == Refused(
        "locked", later + timedelta(minutes=2)
    )
    # A right password after the lock starts the count again.
    after = later + timedelta(minutes=2)
    assert isinstance(accounts.authenticate("Nurse Joy", PASSWORD, now=after), Account)
    joy = accounts.named("Nurse Joy")
    assert (joy.failed_logins, joy.locked_until) == (0, None)
    assert accounts.authenticate("Nurse Joy", "wrong again!", now=after) == Refused("wrong")


@pytest.mark.parametrize("name", ["Nobody", "", "\x00", "a" * 500])
def test_a_name_without_an_account_is_a_wrong_name_or_password(
    accounts: Accounts, name: str
) -> None:
    accounts.add("Nurse Joy", "nurse", PASSWORD, now=NOW)
    assert accounts.authenticate(name, PASSWORD, now=NOW) == Refused("wrong")


def test_a_disabled_account_is_named_so_only_to_someone_with_its_password(
    accounts: Accounts,
) -> None:
    accounts.add("Nurse Joy", "nurse", PASSWORD, now=NOW)
    assert accounts.disable("nurse joy", now=NOW).disabled_at == NOW
    assert accounts.authenticate("Nurse Joy", "a wrong guess!", now=NOW) == Refused("wrong")
    assert accounts.authenticate("Nurse Joy", PASSWORD, now=NOW) == Refused("disabled")
    accounts.enable("Nurse Joy")
    assert isinstance(accounts.authenticate("Nurse Joy", PASSWORD, now=NOW), Account)


def test_a_new_password_replaces_the_old_lifts_the_lock_and_ends_the_sessions(
    accounts: Accounts,
) -> None:
    before = accounts.add("Nurse Joy", "nurse", PASSWORD, now=NOW)
    session = before.session_identity(NOW)
    assert before.accepts(session)
    for _ in range(FREE_FAILURES):
        accounts.authenticate("Nurse Joy", "a wrong guess!", now=NOW)
    after = accounts.reset("Nurse Joy", OTHER, now=NOW + timedelta(seconds=1))
    assert not after.accepts(session)
    assert after.accepts(after.session_identity(NOW + timedelta(seconds=2)))
    assert accounts.authenticate("Nurse Joy", PASSWORD, now=NOW) == Refused("wrong")
    assert isinstance(accounts.authenticate("Nurse Joy", OTHER, now=NOW), Account)
    with pytest.raises(AccountError, match="at least 12"):
        accounts.reset("Nurse Joy", "short", now=NOW)


@pytest.mark.parametrize("change", ["disable", "enable", "reset"])
def test_an_unknown_account_cannot_be_changed(accounts: Accounts, change: str) -> None:
    calls = {
        "disable": lambda: accounts.disable("Nobody", now=NOW),
        "enable": lambda: accounts.enable("Nobody"),
        "reset": lambda: accounts.reset("Nobody", PASSWORD, now=NOW),
    }
    with pytest.raises(AccountError, match="There is no account named Nobody"):
        calls[change]()


def test_a_session_ends_with_a_sign_out_or_a_disabled_account(accounts: Accounts) -> None:
    joy = accounts.add("Nurse Joy", "nurse", PASSWORD, now=NOW)
    ada = accounts.add("Nurse Ada", "nurse", OTHER, now=NOW)
    morning, noon = joy.session_identity(NOW), joy.session_identity(NOW + timedelta(hours=2))
    accounts.sign_out(joy, now=NOW + timedelta(hours=1))
    joy = accounts.named("Nurse Joy")
    assert (joy.accepts(morning), joy.accepts(noon)) == (False, True)
    assert not ada.accepts(morning)  # another account's session
    accounts.disable("Nurse Joy", now=NOW)
    assert not accounts.named("Nurse Joy").accepts(noon)


@pytest.mark.parametrize(
    "identity", ["", "1", "1:2", "1:2:3:4", "x:y:z", "١:٢:٣", "1:2:" + "9" * 30]
)
def test_a_session_identity_that_is_not_one_is_refused(accounts: Accounts, identity: str) -> None:
    assert not accounts.add("Nurse Joy", "nurse", PASSWORD, now=NOW).accepts(identity)


def test_the_session_key_is_made_once_and_kept(accounts: Accounts) -> None:
    first = accounts.session_key("key-one", now=NOW)
    assert accounts.session_key("key-two", now=NOW) == first
    assert Accounts(accounts.engine).session_key("key-three", now=NOW) == first


# --- python -m handover user -------------------------------------------------------------------


def user(*args: str, stdin: str = "", url: str) -> subprocess.CompletedProcess[str]:
    """``python -m handover user ARGS`` with ``stdin``, as an operator runs it."""
    return subprocess.run(
        [sys.executable, "-m", "handover", "user", *args],
        cwd=ROOT,
        input=stdin,
        env={**os.environ, "AFTERCARE_DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_user_command_adds_disables_enables_resets_and_lists(
    store: Handover, database_url: str
) -> None:
    accounts = Accounts(store.engine)
    added = user("add", "Zoë O'Brien", "--role", "lead", stdin=PASSWORD + "\n", url=database_url)
    assert (added.returncode, added.stdout) == (0, "Added Zoë O'Brien (lead)\n")
    added = user("add", "李小龙", stdin=OTHER + "\r\n", url=database_url)
    assert added.stdout == "Added 李小龙 (nurse)\n"
    assert isinstance(accounts.authenticate("李小龙", OTHER, now=NOW), Account)
    assert isinstance(accounts.authenticate("ZOË O'BRIEN", PASSWORD, now=NOW), Account)

    assert user("disable", "zoë o'brien", url=database_url).returncode == 0
    listed = user("list", url=database_url)
    assert listed.stdout.splitlines() == ["Zoë O'Brien\tlead\tdisabled", "李小龙\tnurse\tactive"]
    assert user("enable", "Zoë O'Brien", url=database_url).returncode == 0
    reset = user("reset", "Zoë O'Brien", stdin="the new password here", url=database_url)
    assert reset.returncode == 0, reset.stderr
    assert accounts.authenticate("Zoë O'Brien", PASSWORD, now=NOW) == Refused("wrong")
    assert isinstance(
        accounts.authenticate("Zoë O'Brien", "the new password here", now=NOW), Account
    )
    audited = [(e.actor, e.action, e.detail) for e in reversed(store.audit_entries())]
    assert audited == [
        ("command line", "account added", "Zoë O'Brien (lead)"),
        ("command line", "account added", "李小龙 (nurse)"),
        ("command line", "account disabled", "Zoë O'Brien"),
        ("command line", "account enabled", "Zoë O'Brien"),
        ("command line", "password reset", "Zoë O'Brien"),
    ]


@pytest.mark.parametrize(
    ("args", "stdin", "says"),
    [
        (
            ["add", "Nurse Joy"],
            "short\n",
            "A password needs at least 12 characters (this one has 5).",
        ),
        (["add", "Nurse Joy"], "", "No password on standard input (one line is read)."),
        (["add", "  "], PASSWORD, "A name cannot be empty."),
        (["add", "Joy\x1b[2J"], PASSWORD, "A name cannot hold control or invisible characters."),
        (["add", "NURSE ADA"], PASSWORD, "There is already an account named Nurse Ada."),
        (["disable", "Nobody"], "", "There is no account named Nobody."),
        (["enable", "Nobody"], "", "There is no account named Nobody."),
        (["reset", "Nobody"], PASSWORD, "There is no account named Nobody."),
        (["reset", "Nurse Ada"], "too short\n", "A password needs at least 12 characters"),
    ],
)
def test_the_user_command_refuses_in_one_line(
    store: Handover, database_url: str, args: list[str], stdin: str, says: str
) -> None:
    Accounts(store.engine).add("Nurse Ada", "nurse", OTHER, now=NOW)
    done = user(*args, stdin=stdin, url=database_url)
    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    assert line.startswith(f"python -m handover user: {says}")
    assert [a.name for a in Accounts(store.engine).list()] == ["Nurse Ada"]
    assert isinstance(Accounts(store.engine).authenticate("Nurse Ada", OTHER, now=NOW), Account)


def test_the_user_command_knows_only_nurse_and_lead(database_url: str) -> None:
    done = user("add", "Nurse Joy", "--role", "admin", stdin=PASSWORD, url=database_url)
    assert done.returncode == 2 and "invalid choice: 'admin'" in done.stderr
