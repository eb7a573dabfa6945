"""What every staff page shares: the store's key in the app, the headers, the rendering.

Apart from ``handover/staff.py`` (the app, its sign-in and its live alerts) so that the
modules of the pages (``handover/workflow.py``) use them without importing the app.
"""

from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from handover.store import Handover

HANDOVER = web.AppKey("handover", Handover)

HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}
"""Every page's headers: nothing from elsewhere, no frame, no cache (names and phones)."""


def render(
    request: web.Request, template: str, context: dict[str, object], after: int | None = None
) -> web.Response:
    """A page from ``handover/templates/`` (autoescaped), as the signed-in staff member sees it.

    ``after``: the newest referral the page knows of; the live alerts (``static/staff.js``)
    start after it.
    """
    context = {
        "staff": request.get("staff", ""),
        "role": request.get("role", ""),
        "csrf_token": request.get("csrf_token", ""),
        "after": after,
        **context,
    }
    response = aiohttp_jinja2.render_template(template, request, context)
    response.headers.update(HEADERS)
    return response
