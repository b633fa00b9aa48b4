"""Personal data about a contact across the core and every plugin: the subject access export
and the erasure (GDPR articles 15, 17 and 20). Plugins take part through ``crm_personal_data``."""
