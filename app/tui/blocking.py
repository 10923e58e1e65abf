"""Running blocking work (the index, the files) off the event loop, from a worker."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from textual.dom import DOMNode
from textual.worker import NoActiveWorker, get_current_worker

T = TypeVar("T")


async def off_loop(node: DOMNode, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`call` in a thread, awaited from a worker. If the app began to close meanwhile, the
    worker is cancelled: the widgets its result was for may already be gone."""
    result = await asyncio.to_thread(call, *args, **kwargs)
    if not node.app.is_running and _in_worker():
        raise asyncio.CancelledError
    return result


def _in_worker() -> bool:
    # Cancelling a message handler instead would stop its widget's message loop.
    try:
        get_current_worker()
    except NoActiveWorker:
        return False
    return True
