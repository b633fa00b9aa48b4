"""One event loop in a thread of its own, where every job of this process runs.

huey runs tasks in worker threads; the database engines are asyncio-based and want one
loop for their connections (the PostgreSQL pool, the SQLite writer's lock), so each task
hands its coroutine to this loop and waits for the result.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None


def _started_loop() -> asyncio.AbstractEventLoop:
    global _loop
    with _lock:
        if _loop is None:
            _loop = asyncio.new_event_loop()
            threading.Thread(target=_loop.run_forever, name="crm-jobs-loop", daemon=True).start()
        return _loop


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` on the jobs loop and return its result (or raise its exception)."""
    return asyncio.run_coroutine_threadsafe(coroutine, _started_loop()).result()
