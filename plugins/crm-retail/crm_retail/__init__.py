"""Retail, a crm-platform plugin (slug ``retail``): orders with line items on contacts (a record
kind the core writes, audits, indexes and trashes), loyalty points and tiers, RFM segments and
customer value. It imports nothing from the platform but ``crm_hookspecs`` and
``crm_platform.toolkit``."""
