"""Retail, a crm-platform plugin (slug ``retail``): items of its own, a record kind the core
writes, audits and indexes, on pages, an API and the contact pages. It imports nothing from the
platform but ``crm_hookspecs`` and ``crm_platform.toolkit``."""
