"""Demo data for ``crm demo``: realistic, deterministic for a seed, loaded through the bulk path."""
