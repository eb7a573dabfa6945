"""Notifications to the nurse on duty: an e-mail (SMTP) and a JSON webhook per new referral.

How a referral becomes a notification, without ever slowing the patient's reply:

* **The outbox.** The action server stores a referral and, in the same transaction, one row
  of the table ``notifications`` per channel configured for its level
  (``Handover.record_referral``): a referral is never stored without its notifications, and
  the action server does no network I/O. It reads the channels with :func:`load`, as the
  staff view does (plain Python, cached).
* **The worker.** :class:`Notifier` runs in the staff view (``handover/staff.py``). It wakes
  on the live feed's new referrals (``handover/live.py``) and looks every :data:`POLL`
  seconds for rows due. It claims them (PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so two
  staff views never send one row twice; SQLite: one staff view), sends them, and marks each
  delivered, or counts the attempt, keeps the reason (no patient data in it) and tries
  again after :func:`retry_delay`: 5 s, doubling, at most 10 minutes apart, until
  ``give_up_hours`` after the referral, when it gives up with an ERROR in the log.
  Delivery is at least once: a staff view stopped between sending and marking sends again.
* **What is sent** (:func:`message_for`): the level, the referral's number and a link to it
  in the staff view; with ``detail: summary`` also the nurse's summary (findings, no words
  of the patient's). Never the patient's words, name, phone or conversation.

The settings are the ``notify:`` section of ``clinic.yml`` and ``NOTIFY_*`` environment
variables, which win (:func:`settings_from`); the SMTP password is only in the environment.
Nothing configured, nothing is sent. ``python -m handover.notify`` checks the settings and
``--send-test`` sends a test message on each channel.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import logging
import os
import re
import smtplib
import ssl
import sys
from collections.abc import Callable, Coroutine, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import aiohttp
import sqlalchemy as sa

from aftercare import clinic
from aftercare.config import ConfigError, whole_number

if TYPE_CHECKING:
    from handover.live import ReferralFeed
    from handover.store import Handover, Notification

logger = logging.getLogger(__name__)

LEVELS = ("emergency", "crisis", "urgent", "routine")
"""The referrals' levels a notification may be configured for."""
DEFAULT_LEVELS = ("emergency", "crisis", "urgent")
DETAILS = ("level", "summary")
"""``level``: the level and a link; ``summary``: the nurse's summary too."""
SECTION = "notify"
"""The section of ``clinic.yml`` with these settings."""
PASSWORD_VARIABLE = "NOTIFY_SMTP_PASSWORD"
FIRST_RETRY = timedelta(seconds=5)
LONGEST_WAIT = timedelta(minutes=10)
POLL = 5.0
"""Seconds between two looks for notifications due (a new referral wakes the worker at once)."""
BATCH = 20
"""At most this many notifications are claimed at once."""
LEASE_MARGIN = timedelta(seconds=60)
"""A claimed notification is not claimed again before six times its timeout (an SMTP send
has up to five steps, each with the timeout) and this: a staff view stopped in between
leaves it to be sent again then."""
MAX_ERROR = 300


@dataclass(frozen=True)
class Settings:
    """Who is told of which referrals, how, and with how much."""

    levels: tuple[str, ...] = DEFAULT_LEVELS
    detail: str = "level"
    email_to: tuple[str, ...] = ()
    email_from: str = ""
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_starttls: bool = True
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)
    webhook_url: str = field(default="", repr=False)  # Slack's and Teams' hold a secret
    staff_url: str = ""
    give_up_after: timedelta = timedelta(hours=24)
    timeout: float = 10.0

    @property
    def channels(self) -> tuple[str, ...]:
        """The channels configured: ``email``, ``webhook``, both or none."""
        return (("email",) if self.email_to else ()) + (("webhook",) if self.webhook_url else ())

    def channels_for(self, level: str) -> tuple[str, ...]:
        """The channels a new referral of ``level`` is sent on."""
        return self.channels if level in self.levels else ()

    def describe(self) -> str:
        """One line for the log: where to and for what, no password and no webhook path."""
        if not self.channels:
            return "none configured (notify: in clinic.yml, or NOTIFY_* variables)"
        ways = []
        if self.email_to:
            tls = "STARTTLS" if self.smtp_starttls else "no TLS"
            ways.append(
                f"e-mail to {', '.join(self.email_to)} via {self.smtp_host}:{self.smtp_port} "
                f"({tls})"
            )
        if self.webhook_url:
            ways.append(f"webhook to {urlsplit(self.webhook_url).hostname}")
        return (
            f"{' and '.join(ways)}, for {', '.join(self.levels)} referrals "
            f"(detail: {self.detail}; link: {self.staff_url})"
        )


# --- The settings ------------------------------------------------------------------------------

_ADDRESS = re.compile(r"[^@\s,;<>\"()]+@[^@\s,;<>\"()]+\.[^@\s,;<>\"()]+")
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}
_FIELDS = (
    "levels", "detail", "email_to", "email_from", "smtp_host", "smtp_port", "smtp_starttls",
    "smtp_user", "webhook_url", "staff_url", "give_up_hours", "timeout_seconds",
)  # fmt: skip


def settings_from(section: Any, environ: Mapping[str, str]) -> Settings:
    """The settings from ``clinic.yml``'s ``notify:`` section, ``NOTIFY_*`` variables winning.

    Each setting ``name`` is also ``NOTIFY_NAME`` in the environment (a list there is
    comma-separated); the SMTP password is ``NOTIFY_SMTP_PASSWORD`` only.

    Raises:
        ConfigError: for a setting that cannot work, in one line that names it (never
            repeating the password or the webhook's address).
    """
    if section is None:
        section = {}
    if not isinstance(section, Mapping):
        raise ConfigError(f"clinic.yml: {SECTION}: must be a section of settings")
    unknown = sorted(str(key) for key in section if key not in _FIELDS)
    if "smtp_password" in unknown:
        raise ConfigError(
            f"{SECTION}: put the SMTP password in {PASSWORD_VARIABLE}, not clinic.yml"
        )
    if unknown:
        raise ConfigError(
            f"{SECTION}: unknown setting {_short(unknown[0])} (known: {', '.join(_FIELDS)})"
        )
    values: dict[str, Any] = {key: section[key] for key in _FIELDS if section.get(key) is not None}
    for key in _FIELDS:
        if environ.get(f"NOTIFY_{key.upper()}", "").strip():
            values[key] = environ[f"NOTIFY_{key.upper()}"]

    levels = tuple(level.lower() for level in _names(values.get("levels", DEFAULT_LEVELS)))
    if not levels or set(levels) - set(LEVELS):
        given = _short(", ".join(levels))
        raise ConfigError(f"{SECTION}: levels must be some of {', '.join(LEVELS)}, not {given}")
    detail = str(values.get("detail", "level")).strip()
    if detail not in DETAILS:
        raise ConfigError(
            f"{SECTION}: detail must be one of {', '.join(DETAILS)}, not {_short(detail)}"
        )
    email = _email_settings(values, environ.get(PASSWORD_VARIABLE, ""))
    webhook_url = str(values.get("webhook_url", "")).strip()
    if webhook_url and not _web_address(webhook_url):
        raise ConfigError(f"{SECTION}: webhook_url must be an http:// or https:// address")
    staff_url = str(values.get("staff_url", "")).strip().rstrip("/")
    if (email.email_to or webhook_url) and not _web_address(staff_url):
        raise ConfigError(
            f"{SECTION}: staff_url must be the staff view's http:// or https:// address, as "
            "the nurse opens it (the link in each notification)"
        )
    hours = whole_number(values.get("give_up_hours", 24), f"{SECTION}: give_up_hours", 1)
    timeout = whole_number(values.get("timeout_seconds", 10), f"{SECTION}: timeout_seconds", 1)
    if timeout > 300:
        raise ConfigError(f"{SECTION}: timeout_seconds must be 300 at most, not {timeout}")
    return replace(
        email,
        levels=levels,
        detail=detail,
        webhook_url=webhook_url,
        staff_url=staff_url,
        give_up_after=timedelta(hours=hours),
        timeout=float(timeout),
    )


def _email_settings(values: Mapping[str, Any], password: str) -> Settings:
    """The e-mail's part of the settings (the rest left at their defaults), checked."""
    email_to = tuple(_address(a, "email_to") for a in _names(values.get("email_to", ())))
    email_from = str(values.get("email_from", "")).strip()
    smtp_host = str(values.get("smtp_host", "")).strip()
    starttls = _yes_or_no(values.get("smtp_starttls", True), "smtp_starttls")
    smtp_user = str(values.get("smtp_user", "")).strip()
    port = whole_number(values.get("smtp_port", 587), f"{SECTION}: smtp_port", 1)
    if port > 65535:
        raise ConfigError(f"{SECTION}: smtp_port must be a port, 1 to 65535, not {port}")
    if not email_to:
        if smtp_host or email_from:
            raise ConfigError(f"{SECTION}: e-mail needs email_to, the nurse on duty's address")
        return Settings()
    if not smtp_host or any(c.isspace() for c in smtp_host):
        raise ConfigError(f"{SECTION}: e-mail needs smtp_host, the SMTP server's name")
    if bool(smtp_user) != bool(password):
        raise ConfigError(f"{SECTION}: smtp_user and {PASSWORD_VARIABLE} go together")
    if smtp_user and not starttls:
        raise ConfigError(
            f"{SECTION}: smtp_starttls must be on to log in (the password would travel unencrypted)"
        )
    return Settings(
        email_to=email_to,
        email_from=_address(email_from, "email_from"),
        smtp_host=smtp_host,
        smtp_port=port,
        smtp_starttls=starttls,
        smtp_user=smtp_user,
        smtp_password=password,
    )


def _names(value: Any) -> tuple[str, ...]:
    """A list from YAML, or comma-separated text: its items, stripped, each once."""
    items = value if isinstance(value, list | tuple) else str(value).split(",")
    return tuple(dict.fromkeys(str(item).strip() for item in items if str(item).strip()))


def _address(value: str, name: str) -> str:
    if not _ADDRESS.fullmatch(value):
        raise ConfigError(f"{SECTION}: {name} must be an e-mail address, not {_short(value)}")
    return value


def _short(value: Any) -> str:
    """A value as an error message quotes it: at most 60 characters of it."""
    text = str(value)
    return repr(text if len(text) <= 60 else text[:60] + "...")


def _yes_or_no(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    if str(value).strip().lower() in _TRUE | _FALSE:
        return str(value).strip().lower() in _TRUE
    raise ConfigError(f"{SECTION}: {name} must be true or false, not {_short(value)}")


def _web_address(url: str) -> bool:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (a port out of range raises)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not re.search(r"\s", url)


@functools.lru_cache(maxsize=1)
def load() -> Settings:
    """The configured settings (``clinic.yml``'s ``notify:`` and the environment), cached."""
    return settings_from(clinic.file_values().get(SECTION), os.environ)


# --- The schedule ------------------------------------------------------------------------------


def retry_delay(attempts: int) -> timedelta:
    """How long after its ``attempts``-th failed attempt a notification is tried again."""
    if attempts < 1:
        return timedelta(0)
    return min(FIRST_RETRY * 2 ** min(attempts - 1, 32), LONGEST_WAIT)


def retry_at(
    created_at: datetime, attempts: int, now: datetime, give_up_after: timedelta
) -> datetime | None:
    """When to try again after ``attempts`` failed attempts, the last at ``now``.

    None: give up, the referral is ``give_up_after`` old. The last try comes at that age.
    """
    deadline = created_at + give_up_after
    if now >= deadline:
        return None
    return min(now + retry_delay(attempts), deadline)


# --- What is sent ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """One notification's content, whatever the channel."""

    referral_id: int
    level: str
    link: str
    subject: str
    text: str
    summary: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The webhook's body: ``text`` is what Slack's and Teams' incoming webhooks show."""
        body: dict[str, Any] = {
            "referral": self.referral_id,
            "level": self.level,
            "link": self.link,
            "text": self.text,
        }
        if self.summary is not None:
            body["summary"] = self.summary
        return body

    def as_email(self, settings: Settings) -> EmailMessage:
        """The e-mail, from ``email_from`` to ``email_to``, plain text."""
        email = EmailMessage()
        email["From"] = settings.email_from
        email["To"] = ", ".join(settings.email_to)
        email["Subject"] = self.subject
        email["Date"] = formatdate(usegmt=True)
        email["Message-ID"] = make_msgid(domain=settings.email_from.rpartition("@")[2])
        email["Auto-Submitted"] = "auto-generated"  # no out-of-office replies (RFC 3834)
        email.set_content(self.text + "\n")
        return email


def message_for(referral_id: int, level: str, summary: str, settings: Settings) -> Message:
    """The notification of a referral, with what ``settings.detail`` allows.

    Only the level, the number and the link, and with ``detail: summary`` the nurse's summary
    (built from the bot's own findings): no words of the patient's, no contact details.
    """
    link = f"{settings.staff_url}/referrals/{referral_id}"
    subject = f"New {level} referral #{referral_id} from the aftercare chat"
    if settings.detail == "summary":
        text = f"{subject}: {summary} Open it in the staff view: {link}"
        return Message(referral_id, level, link, subject, text, summary=summary)
    return Message(
        referral_id, level, link, subject, f"{subject}. Open it in the staff view: {link}"
    )


def trial_message(settings: Settings) -> Message:
    """What ``python -m handover.notify --send-test`` sends: no referral."""
    subject = "Test notification from the aftercare staff view"
    text = f"{subject}: new referrals will reach you here. The staff view: {settings.staff_url}/"
    return Message(0, "test", f"{settings.staff_url}/", subject, text)


# --- The senders -------------------------------------------------------------------------------

Sender = Callable[[Message], Coroutine[Any, Any, None]]


class DeliveryFailed(Exception):
    """A send that failed; the message says why, with no patient data and no secret."""


async def send_email(settings: Settings, message: Message) -> None:
    """Sends ``message`` by SMTP (``smtplib`` in a thread); raises if it was not accepted."""
    refused = await asyncio.to_thread(_send_email, settings, message.as_email(settings))
    if refused:
        logger.warning("The SMTP server refused %d of the notification's recipients", refused)


def _send_email(settings: Settings, email: EmailMessage) -> int:
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.timeout) as smtp:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        return len(smtp.send_message(email))


async def send_webhook(settings: Settings, message: Message) -> None:
    """POSTs ``message`` as JSON to ``webhook_url``; raises unless it answers 2xx."""
    timeout = aiohttp.ClientTimeout(total=settings.timeout)
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.post(settings.webhook_url, json=message.as_json(), allow_redirects=False) as answer,
    ):
        if not 200 <= answer.status < 300:
            raise DeliveryFailed(f"the webhook answered HTTP {answer.status}")


def senders_for(settings: Settings) -> dict[str, Sender]:
    """The senders of the configured channels, by channel name."""
    found: dict[str, Sender] = {}
    if settings.email_to:
        found["email"] = functools.partial(send_email, settings)
    if settings.webhook_url:
        found["webhook"] = functools.partial(send_webhook, settings)
    return found


def failure_text(error: BaseException) -> str:
    """Why a send failed, for the log and ``last_error``: never the webhook's address."""
    text = type(error).__name__
    if isinstance(error, DeliveryFailed):
        text = str(error)
    elif isinstance(error, TimeoutError):
        text = "no answer in time"
    elif isinstance(error, smtplib.SMTPRecipientsRefused):
        text = "the SMTP server refused every recipient"
    elif isinstance(error, smtplib.SMTPResponseException):
        said = error.smtp_error
        if isinstance(said, bytes):
            said = said.decode("utf-8", "replace")
        text = f"the SMTP server answered {error.smtp_code} {said}".strip()
    elif isinstance(error, smtplib.SMTPException):
        text = f"SMTP: {error}"
    elif isinstance(error, aiohttp.ClientConnectorError):
        text = f"cannot connect to {error.host}:{error.port} ({_os_reason(error) or text})"
    elif isinstance(error, ssl.SSLError):
        text = f"TLS failed: {error.reason or text}"
    elif isinstance(error, OSError) and _os_reason(error):
        text = f"{text}: {_os_reason(error)}"
    return " ".join(text.split())[:MAX_ERROR]


def _os_reason(error: OSError) -> str:
    # The system's words for the error number ("Connection refused"), else the error's own.
    return os.strerror(error.errno) if error.errno else (error.strerror or "")


# --- The worker --------------------------------------------------------------------------------


class Notifier:
    """Delivers the outbox's notifications in the staff view, retrying with backoff."""

    def __init__(
        self, store: Handover, settings: Settings, senders: Mapping[str, Sender] | None = None
    ) -> None:
        """Sends ``store``'s notifications as ``settings`` say (``senders``: by channel)."""
        self.store = store
        self.settings = settings
        self.senders = dict(senders_for(settings) if senders is None else senders)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._rounds: set[asyncio.Task[None]] = set()
        self._failing = False

    async def start(self, feed: ReferralFeed | None = None) -> None:
        """Starts delivering; ``feed``'s new referrals wake it at once."""
        logger.info("Notifications to the nurse on duty: %s", self.settings.describe())
        self._task = asyncio.create_task(self._run(feed), name="notifier")

    async def stop(self) -> None:
        """Stops; a send under way is dropped and sent again after its lease."""
        tasks = {t for t in (self._task, *self._rounds) if t is not None}
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)

    def wake(self) -> None:
        """Looks for notifications due at once, not at the next poll."""
        self._wake.set()

    async def deliver_due(self, now: datetime) -> int:
        """Claims the notifications due at ``now``, sends them at once and records each outcome.

        Returns how many were claimed.
        """
        until = now + 6 * timedelta(seconds=self.settings.timeout) + LEASE_MARGIN
        due = await asyncio.to_thread(self.store.claim_notifications, now, until=until, limit=BATCH)
        await asyncio.gather(*(self._deliver(notification, now) for notification in due))
        return len(due)

    async def _deliver(self, notification: Notification, now: datetime) -> None:
        name = (
            f"Notification {notification.id} ({notification.channel}, "
            f"referral {notification.referral_id})"
        )
        sender = self.senders.get(notification.channel)
        try:
            if sender is None:
                raise DeliveryFailed(f"no {notification.channel} channel is configured here")
            await sender(
                message_for(
                    notification.referral_id,
                    notification.level,
                    notification.summary,
                    self.settings,
                )
            )
        except Exception as error:  # whatever a sender raises: the worker goes on
            reason = failure_text(error)
            attempts = notification.attempts + 1
            retry = retry_at(notification.created_at, attempts, now, self.settings.give_up_after)
            await asyncio.to_thread(
                self.store.notification_failed,
                notification.id,
                now=now,
                error=reason,
                retry_at=retry,
            )
            if retry is None:
                logger.error("%s: given up after %d attempts; the last: %s", name, attempts, reason)
            else:
                logger.warning(
                    "%s failed (attempt %d: %s); next attempt at %s",
                    name, attempts, reason, retry.isoformat(timespec="seconds"),
                )  # fmt: skip
            return
        await asyncio.to_thread(self.store.notification_delivered, notification.id, now=now)
        logger.info("%s delivered (attempt %d)", name, notification.attempts + 1)

    async def _run(self, feed: ReferralFeed | None) -> None:
        with self._woken_by(feed):
            while True:
                # A slow receiver delays no other notification: the next round does not wait
                # for this one (what it claimed is leased, and not claimed again meanwhile).
                round_ = asyncio.create_task(self._round(datetime.now(UTC)), name="notify-round")
                self._rounds.add(round_)
                round_.add_done_callback(self._rounds.discard)
                await self._sleep(POLL)

    async def _round(self, now: datetime) -> None:
        try:
            claimed = await self.deliver_due(now)
        except sa.exc.SQLAlchemyError:
            if not self._failing:
                logger.error("Notifications cannot use the database: retrying")
            self._failing = True
            return
        if self._failing:
            logger.warning("Notifications use the database again")
            self._failing = False
        if claimed >= BATCH:
            self.wake()  # more may be due

    @contextlib.contextmanager
    def _woken_by(self, feed: ReferralFeed | None) -> Iterator[None]:
        if feed is None:
            yield
            return
        queue = feed.subscribe()

        async def listen() -> None:
            while True:
                referral = await queue.get()
                if self.settings.channels_for(referral.level):
                    self.wake()

        listener = asyncio.create_task(listen(), name="notify-listener")
        try:
            yield
        finally:
            listener.cancel()
            feed.unsubscribe(queue)

    async def _sleep(self, seconds: float) -> None:
        # asyncio.timeout, as in live.ReferralFeed._sleep (wait_for can swallow a cancel).
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._wake.wait()
        self._wake.clear()


# --- python -m handover.notify -----------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m handover.notify [--send-test]``: checks the settings; sends a test."""
    parser = argparse.ArgumentParser(
        prog="python -m handover.notify",
        description="Notifications to the nurse on duty: check the settings, send a test.",
    )
    parser.add_argument(
        "--send-test", action="store_true", help="send a test message on each channel"
    )
    args = parser.parse_args(argv)
    try:
        settings = load()
    except ConfigError as error:
        print(f"{parser.prog}: {error}", file=sys.stderr)
        return 2
    print(f"Notifications to the nurse on duty: {settings.describe()}")
    if not args.send_test:
        return 0
    failed = 0
    for channel, sender in senders_for(settings).items():
        try:
            asyncio.run(sender(trial_message(settings)))
        except Exception as error:  # whatever a sender raises: said, and the next one tried
            print(f"{channel}: not sent: {failure_text(error)}", file=sys.stderr)
            failed += 1
        else:
            print(f"{channel}: sent")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
