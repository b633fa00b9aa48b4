"""The ``jobprobe`` test plugin: one job, whose effect is recorded idempotently."""
