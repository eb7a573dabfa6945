"""The garbage collector told that the loaded model is there to stay.

A full collection (generation 2) of Python's garbage collector walks every object it
tracks. Once Rasa has loaded its model, millions of those live as long as the server, and
under the benchmark's load each full collection took about 280 ms, during which every
message in flight waited (docs/performance.md). ``gc.freeze`` moves the objects that exist at
that point out of the collector's sight for good; later collections walk only what the
conversations create.

``settle_after_server_start`` adds ``settle`` to the listeners Rasa's
``serve_application`` registers (its own ``server_listeners`` argument, which ``rasa run``
leaves empty): Sanic runs it once the server has started, after Rasa's own
``before_server_start`` listener has loaded the model.
"""

from __future__ import annotations

import functools
import gc
import logging
from typing import Any

import rasa.core.run

logger = logging.getLogger(__name__)


def settle() -> int:
    """Collects what is garbage now, then freezes the rest; returns how many are frozen.

    Once per process: a second call finds it done.
    """
    if gc.get_freeze_count():
        return gc.get_freeze_count()
    gc.collect()
    gc.freeze()
    frozen = gc.get_freeze_count()
    logger.info("%d objects of the loaded server set aside from garbage collection", frozen)
    return frozen


async def _settle_listener(_app: Any, _loop: Any) -> None:
    settle()


def settle_after_server_start() -> None:
    """Every Rasa server of this process ``settle``s once it has started and loaded the model."""
    serve = rasa.core.run.serve_application
    if getattr(serve, "settles_memory", False):
        return

    @functools.wraps(serve)
    def serve_application(*args: Any, **kwargs: Any) -> None:
        listeners = [*(kwargs.pop("server_listeners", None) or ())]
        listeners.append((_settle_listener, "after_server_start"))
        serve(*args, server_listeners=listeners, **kwargs)

    serve_application.settles_memory = True  # type: ignore[attr-defined]
    rasa.core.run.serve_application = serve_application
