"""The clinic's web page with the chat widget: a stand-in for the clinic's own website.

Serves ``templates/index.html`` (filled in from the clinic configuration), the widget in
``static/`` and the socket.io client installed by npm (``web/node_modules``), so the page needs
nothing from outside at run time. Run it with ``python -m web.server`` (``make run`` does).
"""

from __future__ import annotations

import argparse
import contextlib
import html
import json
import logging
import mimetypes
import os
import re
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from string import Template
from urllib.parse import parse_qs, urlsplit

from aftercare import clinic
from aftercare.config import retention_days
from web import reminder

HERE = Path(__file__).resolve().parent
STATIC = {
    "/static/widget.js": HERE / "static" / "widget.js",
    "/static/widget.css": HERE / "static" / "widget.css",
    "/static/page.css": HERE / "static" / "page.css",
    "/static/socket.io.min.js": HERE
    / "node_modules"
    / "socket.io-client"
    / "dist"
    / "socket.io.min.js",
}
DEFAULT_BOT_URL = "http://localhost:5005"
SESSION_MINUTES = 60
"""How long the widget keeps a conversation after its last message (domain.yml's session)."""

logger = logging.getLogger(__name__)


def render_widget(details: clinic.Clinic, bot_url: str, keep_days: int | None = None) -> str:
    """The widget's markup (``templates/widget.html``), with the clinic's details and settings.

    ``keep_days`` is how long the server keeps a conversation (``AFTERCARE_RETENTION_DAYS``),
    which the privacy notice tells the patient.
    """
    if keep_days is None:
        keep_days = retention_days(os.environ)
    widget_settings = {
        "botUrl": bot_url,
        "socketPath": "/socket.io/",
        "sessionMinutes": SESSION_MINUTES,
        "phone": details.phone,
        "emergencyNumber": details.emergency_number,
        "crisisLine": details.crisis_line,
        "adviceLine": details.advice_line,
        "bookingLink": details.booking_link,
        "privacyNoticeVersion": details.privacy_notice_version,
        "reminderUrl": "/reminder.ics",
    }
    # JSON inside <script type="application/json">: "</" would end the element early.
    settings_json = json.dumps(widget_settings).replace("</", "<\\/")
    logo = (
        f'<img class="chat-logo" src="{html.escape(details.logo)}" alt="">' if details.logo else ""
    )
    template = Template((HERE / "templates" / "widget.html").read_text(encoding="utf-8"))
    return template.substitute(
        **_page_values(details),
        crisis_line_name=html.escape(details.crisis_line_name),
        crisis_line=html.escape(details.crisis_line),
        crisis_line_tel=html.escape(re.sub(r"[^\d+]", "", details.crisis_line)),
        privacy_policy_link=html.escape(details.privacy_policy_link),
        retention_days=keep_days,
        session_minutes=SESSION_MINUTES,
        clinic_logo=logo,
        widget_settings=settings_json,
    )


def _page_values(details: clinic.Clinic) -> dict[str, str]:
    return {
        "clinic_name": html.escape(details.name),
        "clinic_phone": html.escape(details.phone),
        "clinic_phone_tel": html.escape(re.sub(r"[^\d+]", "", details.phone)),
        "clinic_hours": html.escape(details.hours),
        "emergency_number": html.escape(details.emergency_number),
    }


def render_page(details: clinic.Clinic, bot_url: str, keep_days: int | None = None) -> str:
    """The clinic page (a stand-in for the clinic's site) with the widget in its corner."""
    template = Template((HERE / "templates" / "index.html").read_text(encoding="utf-8"))
    return template.substitute(
        **_page_values(details), widget_markup=render_widget(details, bot_url, keep_days)
    )


def render_embed(details: clinic.Clinic, bot_url: str, keep_days: int | None = None) -> str:
    """``/embed.js``: the script a clinic's own site includes with one tag (``static/embed.js``)."""
    markup = json.dumps(render_widget(details, bot_url, keep_days))
    # The markup as a JS string literal; "</script" must not end an inline copy of it early.
    markup = markup.replace("</", "<\\/")
    code = (HERE / "static" / "embed.js").read_text(encoding="utf-8")
    return code.replace("/* WIDGET_MARKUP */ null", markup, 1)


def content_security_policy(bot_url: str, logo: str = "") -> str:
    """Scripts and styles from this page only; connections to the bot only; the logo's site."""
    bot = urlsplit(bot_url)
    websocket = f"{'wss' if bot.scheme == 'https' else 'ws'}://{bot.netloc}"
    image = urlsplit(logo)
    logo_site = f" {image.scheme}://{image.netloc}" if image.scheme == "https" else ""
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src 'self' data:{logo_site}; "
        f"connect-src 'self' {bot.scheme}://{bot.netloc} {websocket}; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )


class PageHandler(BaseHTTPRequestHandler):
    """GET / (the page), the widget's static files and the day-14 reminder; nothing else."""

    server_version = "ClinicPage"

    def __init__(
        self,
        *args: object,
        page: str,
        csp: str,
        details: clinic.Clinic | None = None,
        embed: str = "",
        **kwargs: object,
    ) -> None:
        self.page = page.encode("utf-8")
        self.embed = embed.encode("utf-8")
        self.csp = csp
        self.details = details or clinic.load()
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def do_GET(self) -> None:
        """Answers the page, a static file, the reminder, or 404."""
        url = urlsplit(self.path)
        path = url.path
        if path in ("/", "/index.html"):
            self._send(self.page, "text/html; charset=utf-8")
        elif path == "/embed.js" and self.embed:
            self._send(self.embed, "text/javascript; charset=utf-8")
        elif path == "/reminder.ics":
            asked = parse_qs(url.query).get("date", [None])[0]
            day = reminder.reminder_day(asked, self.details.today())
            if day is None:
                self._send(b"No such day", "text/plain; charset=utf-8", HTTPStatus.BAD_REQUEST)
                return
            self._send(
                reminder.reminder(self.details, day),
                "text/calendar; charset=utf-8",
                disposition='attachment; filename="aftercare-reminder.ics"',
            )
        elif path == "/favicon.ico":
            self._send(b"", "image/x-icon", HTTPStatus.NO_CONTENT)
        elif path in STATIC and STATIC[path].is_file():
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            self._send(STATIC[path].read_bytes(), f"{content_type}; charset=utf-8")
        else:
            self._send(b"Not found", "text/plain; charset=utf-8", HTTPStatus.NOT_FOUND)

    def _send(
        self,
        body: bytes,
        content_type: str,
        status: HTTPStatus = HTTPStatus.OK,
        disposition: str | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if disposition:
            self.send_header("Content-Disposition", disposition)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", self.csp)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Requests go to the debug log, not stderr."""
        logger.debug(format, *args)


def origin_warning(page_origin: str, allowed: list[str]) -> str | None:
    """One line when the bot would refuse the page's widget (its origin is not allowed)."""
    if page_origin.rstrip("/") in allowed:
        return None
    return (
        f"WARNING: the bot accepts the widget from {', '.join(allowed) or 'no origin'} only, "
        f"not from this page ({page_origin}): set CLINIC_WEBSITE_ORIGIN={page_origin} "
        "(or website_origin in clinic.yml) for the Rasa server too."
    )


def serve(host: str, port: int, bot_url: str) -> None:
    """Serves the page until interrupted."""
    if not STATIC["/static/socket.io.min.js"].is_file():
        raise SystemExit("web/node_modules is missing: run `make setup` (npm ci) first.")
    details = clinic.load()
    page = render_page(details, bot_url)
    csp = content_security_policy(bot_url, details.logo)
    embed = render_embed(details, bot_url)
    handler = partial(PageHandler, page=page, csp=csp, details=details, embed=embed)
    with ThreadingHTTPServer((host, port), handler) as httpd:
        page_origin = f"http://{host}:{port}"
        warning = origin_warning(page_origin, details.website_origins())
        if warning:
            print(warning, flush=True)
        print(f"Clinic page with the chat widget: {page_origin}/", flush=True)
        httpd.serve_forever()


def main() -> None:
    """``python -m web.server [--host H] [--port P] [--bot-url URL]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="localhost")
    parser.add_argument("--port", type=int, default=int(os.environ.get("WEB_PORT", "8080")))
    parser.add_argument(
        "--bot-url",
        default=os.environ.get("BOT_URL", DEFAULT_BOT_URL),
        help="where browsers reach the Rasa server (default %(default)s)",
    )
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        serve(args.host, args.port, args.bot_url)


if __name__ == "__main__":
    main()
