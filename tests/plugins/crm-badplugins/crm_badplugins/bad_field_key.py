"""A plugin defining a custom field with a dotted key, which SQL JSON paths would read as nested."""

from crm_hookspecs import FieldDefinition, hookimpl


@hookimpl
def crm_field_definitions() -> list[FieldDefinition]:
    return [FieldDefinition("contact", "vet.preferred_vet", "Preferred vet")]
