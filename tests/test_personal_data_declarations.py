"""Every first-party plugin declares the personal data it keeps about a contact: a table with a
column pointing at contacts and no ``crm_personal_data`` declaration for it fails here."""

from __future__ import annotations

import importlib
import importlib.metadata
import re

import pytest
from crm_hookspecs import ENTRY_POINT_GROUP, PersonalData
from piccolo.columns import ForeignKey
from piccolo.columns.reference import LazyTableReference

FIRST_PARTY = ("sales", "desk", "conversations", "automation", "realestate", "healthcare", "retail")
# Integer columns that hold a contact's id without a foreign key, by the names plugins give them.
CONTACT_COLUMN = re.compile(r"(^|_)(contact|contacts|requester|patient|buyer|customer)(_id|_ids)?$")


def _plugin(slug: str):
    found = [entry for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP) if entry.name == slug]
    assert found, f"the {slug} plugin is not installed (make .venv/.test-plugins)"
    return found[0].load()


def _points_at_contacts(column) -> bool:
    if isinstance(column, ForeignKey):
        reference = column._foreign_key_meta.references
        name = reference.table_class_name if isinstance(reference, LazyTableReference) else reference.__name__
        return name == "Contact"
    return bool(CONTACT_COLUMN.search(column._meta.name))


def _contact_columns(module) -> set[tuple[str, str]]:
    found = set()
    for app in module.crm_database_apps():
        for table in importlib.import_module(app.module).APP_CONFIG.table_classes:
            found |= {(table._meta.tablename, column._meta.name)
                      for column in table._meta.columns if _points_at_contacts(column)}
    return found


@pytest.mark.parametrize("slug", FIRST_PARTY)
def test_every_table_of_a_plugin_that_points_at_contacts_is_declared_personal_data(slug):
    module = _plugin(slug)
    declared = {(item.table, item.contact_column) for item in module.crm_personal_data()}
    pointing = _contact_columns(module)
    assert pointing, f"{slug}: found no column pointing at contacts; the scan is broken"
    assert pointing - declared == set(), (
        f"{slug} keeps contact-linked rows without a crm_personal_data declaration: {sorted(pointing - declared)}"
    )


@pytest.mark.parametrize("slug", FIRST_PARTY)
def test_a_plugin_declares_only_columns_its_tables_have(slug):
    module = _plugin(slug)
    columns = {(table._meta.tablename, column._meta.name)
               for app in module.crm_database_apps()
               for table in importlib.import_module(app.module).APP_CONFIG.table_classes
               for column in table._meta.columns}
    for item in module.crm_personal_data():
        assert isinstance(item, PersonalData)
        missing = {(item.table, name) for name in (item.contact_column, *item.fields)} - columns
        assert missing == set(), f"{item.key} names columns that do not exist: {sorted(missing)}"


def test_a_declaration_without_fields_or_functions_is_refused_naming_what_is_missing():
    async def rows(contact_id):
        return []

    with pytest.raises(ValueError, match="fields"):
        PersonalData("vet.pets", "vet_pet", "keeper", (), export=rows, erase=rows)
    with pytest.raises(ValueError, match="functions"):
        PersonalData("vet.pets", "vet_pet", "keeper", ("name",), export=None, erase=rows)
    with pytest.raises(ValueError, match="key"):
        PersonalData("pets", "vet_pet", "keeper", ("name",), export=rows, erase=rows)
