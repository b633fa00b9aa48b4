"""A plugin defining a choice field with nothing to choose from."""

from crm_hookspecs import FieldDefinition, hookimpl


@hookimpl
def crm_field_definitions() -> list[FieldDefinition]:
    return [FieldDefinition("company", "nochoice_tier", "Tier", kind="choice")]
