"""Background jobs on huey (SQLite embedded, Redis at scale), with a ledger so a job killed
half-way is run again. Plugins register jobs with ``crm_jobs``; ``crm worker`` runs them."""

from crm_platform.jobs.runner import enqueue, execute, requeue_stalled

__all__ = ["enqueue", "execute", "requeue_stalled"]
