"""Healthcare, a crm-platform plugin (slug ``healthcare``): patient fields on contacts,
appointments, clinical notes only clinicians read, and a read audit. It imports nothing from the
platform but ``crm_hookspecs`` and ``crm_platform.toolkit``."""
