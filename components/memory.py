"""The garbage collector told that the loaded model is there to stay.

A full collection (generation 2) of Python's garbage collector walks every object it
tracks. Once Rasa has loaded its model, millions of those live as long as the server, and
under the benchmark's load each full collection took about 280 ms, during which every
message in flight waited (docs/performance.md). ``gc.freeze`` moves the objects that exist at
that point out of the collector's sight for good; later collections walk only what the
conversations create.

Plain Python and Sanic, no Rasa import. The channels (``components/rest_channel.py``,
``components/socketio_channel.py``) call ``settle_after_start`` on their blueprints: Sanic
runs it once the server has started, after Rasa's own listener has loaded the model.
"""

from __future__ import annotations

import gc
import logging
from typing import Any

from sanic import Blueprint

logger = logging.getLogger(__name__)


def settle() -> int:
    """Collects what is garbage now, then freezes the rest; returns how many are frozen.

    Once per process: both channels ask, and the second finds it done.
    """
    if gc.get_freeze_count():
        return gc.get_freeze_count()
    gc.collect()
    gc.freeze()
    frozen = gc.get_freeze_count()
    logger.info("%d objects of the loaded server set aside from garbage collection", frozen)
    return frozen


def settle_after_start(blueprint: Blueprint) -> None:
    """``settle`` once the server has started and Rasa has loaded the model."""

    @blueprint.listener("after_server_start")
    async def settle_memory(_app: Any, _loop: Any) -> None:
        settle()
