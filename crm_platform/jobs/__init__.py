"""Background jobs on huey (SQLite embedded, Redis or PostgreSQL at scale), with a ledger so a job killed
half-way is run again. Plugins register jobs with ``crm_jobs`` and enqueue them with
``toolkit.enqueue``; ``crm worker`` runs them.

The modules: ``schedule`` (cron schedules), ``queue`` (huey; ``postgres_queue``, its
storage on PostgreSQL), ``ledger`` (the runs),
``runner`` (enqueue and execute), ``due`` (run what is due in this process, for tests),
``worker`` (``crm worker``), ``reminders`` (the core's task reminders). This package
imports none of them, so the plugin host can read schedules without loading the runner.
"""
