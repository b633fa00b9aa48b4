"""``crm worker``: the huey consumer, with the CRM runtime set up for the jobs it runs."""

from __future__ import annotations

import logging

from crm_platform import runtime
from crm_platform.db.engine import PostgresEngine
from crm_platform.instance import plugins as plugin_state
from crm_platform.jobs import loop
from crm_platform.jobs.runner import current_queue, requeue_stalled
from crm_platform.outbox.delivery import deliver_pending

log = logging.getLogger("crm.jobs")


async def _start() -> list[str]:
    rt = runtime.current()
    if isinstance(rt.engine, PostgresEngine):
        await rt.engine.start()
    await plugin_state.load(rt.host, rt.settings.plugins_to_enable)
    # Events a killed process committed but never delivered go out now, not at the next minute.
    await deliver_pending()
    # Whatever a killed worker left running is picked up now rather than at the next minute.
    return await requeue_stalled()


def run_worker(workers: int = 2) -> None:
    """Consume until interrupted. Needs the runtime (``setup_runtime()``) installed."""
    requeued = loop.run(_start())
    if requeued:
        log.warning("queued again %d stalled job(s)", len(requeued))
    # SIGTERM (systemd, docker stop, Kubernetes) lets the jobs in flight finish, as SIGINT does;
    # a second one stops at once, and the ledger reruns what that cut short.
    consumer = current_queue().huey.create_consumer(
        workers=workers, worker_type="thread", periodic=True, graceful_signal="TERM",
        shutdown_timeout=runtime.current().settings.shutdown_seconds,
    )
    consumer.run()
