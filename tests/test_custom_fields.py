"""Custom fields: definitions that check themselves, values validated and stored in one form
per kind, list filters with operators that give the same rows on SQLite and PostgreSQL, and
searchable values found by global search."""

from __future__ import annotations

import types

import pytest
from crm_hookspecs import FIELD_KINDS, FieldDefinition, hookimpl

from crm_platform.records.tables import CustomField

CHOICES = ["gold", "silver", "bronze"]


@pytest.fixture
async def fields(crm_running_app):
    await CustomField.insert(
        CustomField(record_type="contact", key="budget", label="Budget", kind="number"),
        CustomField(record_type="contact", key="tier", label="Tier", kind="choice", choices=["gold", "silver"]),
        CustomField(record_type="contact", key="newsletter", label="Newsletter", kind="boolean"),
        CustomField(record_type="contact", key="renewal", label="Renewal", kind="date"),
    )


# --- definitions ------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["vet.preferred_vet", "Budget", "1st", "with space", "a" * 61, "quote'd", ""])
def test_a_definition_refuses_a_key_outside_the_one_pattern(key):
    with pytest.raises(ValueError, match=r"must match \^\[a-z\]\[a-z0-9_\]\{0,59\}\$"):
        FieldDefinition("contact", key, "Label")


@pytest.mark.parametrize(("options", "reason"), [
    ({"kind": "colour"}, "kind 'colour' is not one of text, long_text"),
    ({"kind": "choice"}, "a choice field needs choices"),
    ({"kind": "multi_choice"}, "a multi_choice field needs choices"),
    ({"kind": "record"}, "a record field needs reference"),
    ({"reference": "contact"}, "reference is only for record fields"),
])
def test_a_definition_refuses_what_could_never_hold_a_value(options, reason):
    with pytest.raises(ValueError, match=reason):
        FieldDefinition("contact", "vet_field", "Label", **options)


def test_a_definition_keeps_choices_given_as_a_list_as_a_tuple():
    definition = FieldDefinition("sales.deal", "sales_tier", "Tier", "choice", ["a", "b"])  # type: ignore[arg-type]
    assert definition.choices == ("a", "b")
    assert definition.record_type == "sales.deal"


# --- values of every kind ---------------------------------------------------------------------


def _every_kind_plugin() -> types.ModuleType:
    module = types.ModuleType("kinds")

    @hookimpl
    def crm_field_definitions():
        return [
            FieldDefinition("contact", f"k_{kind}", kind.replace("_", " ").capitalize(), kind,
                            tuple(CHOICES) if kind in ("choice", "multi_choice") else (),
                            reference="company" if kind == "record" else "")
            for kind in FIELD_KINDS
        ]

    module.crm_field_definitions = crm_field_definitions
    return module


@pytest.fixture
def crm_plugins():
    return [("kinds", _every_kind_plugin())]


@pytest.fixture
async def company_id(crm_client) -> int:
    return (await crm_client.post("/api/v1/companies", json={"name": "Northwind"})).json()["id"]


GOOD = [
    ("text", "Hello", "Hello"),
    ("long_text", "Line one\nLine two " + "x" * 5000, "Line one\nLine two " + "x" * 5000),
    ("number", 12.5, 12.5),
    ("number", -3, -3),
    ("money", "1250.50", 1250.5),
    ("money", 99, 99),
    ("date", "2025-03-01", "2025-03-01"),
    ("datetime", "2025-03-01T09:30:00+01:00", "2025-03-01T08:30:00Z"),
    ("datetime", "2025-03-01T09:30", "2025-03-01T09:30:00Z"),
    ("boolean", False, False),
    ("choice", "silver", "silver"),
    ("multi_choice", ["bronze", "gold", "gold"], ["gold", "bronze"]),
    ("email", "Ada@Example.COM", "ada@example.com"),
    ("phone", "(415) 555-0100", "+14155550100"),
    ("phone", "+44 20 7946 0958", "+442079460958"),
    ("url", "https://example.com/a", "https://example.com/a"),
]


@pytest.mark.parametrize(("kind", "given", "stored"), GOOD, ids=[f"{kind}-{i}" for i, (kind, _, _) in enumerate(GOOD)])
async def test_a_good_value_of_each_kind_is_stored_in_its_one_form(crm_client, kind, given, stored):
    response = await crm_client.post("/api/v1/contacts", json={"given_name": "Ada", "custom": {f"k_{kind}": given}})
    assert response.status_code == 201, response.text
    assert response.json()["custom"] == {f"k_{kind}": stored}


async def test_a_record_field_stores_the_id_of_a_record_that_exists(crm_client, company_id):
    for given in (company_id, {"record_type": "company", "record_id": company_id}):
        response = await crm_client.post("/api/v1/contacts", json={"given_name": "Ada", "custom": {"k_record": given}})
        assert response.status_code == 201, response.text
        assert response.json()["custom"] == {"k_record": company_id}


BAD = [
    ("text", 5, "must be a string"),
    ("text", "x" * 2001, "must be at most 2000 characters"),
    ("long_text", "x" * 20_001, "must be at most 20000 characters"),
    ("number", "lots", "must be a number"),
    ("number", True, "must be a number"),
    ("money", "12.345", "must be an amount with at most 2 decimal places, like 1250.50"),
    ("money", "a lot", "must be an amount, like 1250.50"),
    ("date", "next week", "must be a date written YYYY-MM-DD, like 2025-03-01"),
    ("datetime", "soon", "must be a date and time in ISO 8601, like 2025-03-01T09:30:00+01:00"),
    ("boolean", "yes", "must be true or false"),
    ("choice", "platinum", "must be one of gold, silver, bronze"),
    ("multi_choice", "gold", "must be a list of choices"),
    ("multi_choice", ["gold", "tin"], "'tin' is not a choice; choose from gold, silver, bronze"),
    ("email", "not an email", "An email address must have an @-sign."),
    ("phone", "12", "'12' is not a valid number for region US; write it with its country code, e.g. +44 20 7946 0958"),
    ("url", "ftp://example.com", "must be an http or https address"),
    ("record", "seven", "must be the id of a company"),
    ("record", {"record_type": "contact", "record_id": 1}, "must point to a company, not 'contact'"),
    ("record", 999_999, "company 999999 does not exist"),
]


@pytest.mark.parametrize(("kind", "given", "reason"), BAD, ids=[f"{kind}-{i}" for i, (kind, _, _) in enumerate(BAD)])
async def test_a_bad_value_of_each_kind_is_a_422_naming_the_field(crm_client, kind, given, reason):
    response = await crm_client.post("/api/v1/contacts", json={"given_name": "Ada", "custom": {f"k_{kind}": given}})
    assert response.status_code == 422
    assert response.json()["errors"] == {f"custom.k_{kind}": reason}


async def test_choosing_nothing_of_a_multi_choice_removes_it(crm_client):
    created = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada", "custom": {"k_multi_choice": ["gold"]}})).json()
    response = await crm_client.patch(f"/api/v1/contacts/{created['id']}", json={"custom": {"k_multi_choice": []}})
    assert response.json()["custom"] == {}


# --- admin fields -----------------------------------------------------------------------------


@pytest.mark.exercises("crm_field_definitions")
async def test_admin_values_are_checked_against_their_definitions(crm_client, fields):
    response = await crm_client.post(
        "/api/v1/contacts",
        json={"given_name": "Ada", "custom": {"budget": "lots", "tier": "bronze", "renewal": "next week", "x": 1}},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "custom.budget": "must be a number",
        "custom.tier": "must be one of gold, silver",
        "custom.renewal": "must be a date written YYYY-MM-DD, like 2025-03-01",
        "custom.x": "unknown custom field for contact",
    }


async def test_patch_merges_custom_values_and_null_removes_one(crm_client, fields):
    created = await crm_client.post(
        "/api/v1/contacts", json={"given_name": "Ada", "custom": {"budget": 5000, "tier": "gold"}}
    )
    contact_id = created.json()["id"]
    response = await crm_client.patch(
        f"/api/v1/contacts/{contact_id}", json={"custom": {"tier": None, "newsletter": True}}
    )
    assert response.json()["custom"] == {"budget": 5000, "newsletter": True}


async def test_an_admin_record_field_points_to_the_kind_it_names(crm_client, company_id):
    await CustomField.insert(CustomField(record_type="contact", key="employer", label="Employer", kind="record",
                                         choices=["company"]))
    ok = await crm_client.post("/api/v1/contacts", json={"given_name": "Ada", "custom": {"employer": company_id}})
    assert ok.status_code == 201, ok.text
    missing = await crm_client.post("/api/v1/contacts", json={"given_name": "Bo", "custom": {"employer": company_id + 1}})
    assert missing.json()["errors"] == {"custom.employer": f"company {company_id + 1} does not exist"}


# --- list filters -----------------------------------------------------------------------------


async def test_lists_filter_by_custom_values_of_each_kind(crm_client, fields):
    for name, custom in [
        ("Ann", {"budget": 5000, "tier": "gold", "newsletter": True}),
        ("Bob", {"budget": 120.5, "tier": "silver", "newsletter": False}),
        ("Cat", {}),
    ]:
        assert (await crm_client.post("/api/v1/contacts", json={"given_name": name, "custom": custom})).status_code == 201

    async def names(*filters: str) -> list[str]:
        response = await crm_client.get("/api/v1/contacts", params=[("custom", value) for value in filters])
        assert response.status_code == 200, response.text
        return [item["display_name"] for item in response.json()["items"]]

    assert await names("tier:gold") == ["Ann"]
    assert await names("budget:120.5") == ["Bob"]
    assert await names("newsletter:false") == ["Bob"]
    assert await names("newsletter:true", "budget:5000") == ["Ann"]


PEOPLE = [
    ("Ann", {"k_text": "Loves Cats", "k_long_text": "Met at the fair", "k_number": 5, "k_money": "19.99",
             "k_date": "2025-01-15", "k_datetime": "2025-01-15T08:00:00Z", "k_boolean": True, "k_choice": "gold",
             "k_multi_choice": ["gold", "silver"], "k_email": "ann@north.example", "k_phone": "+14155550100",
             "k_url": "https://north.example"}),
    ("Bob", {"k_text": "loves dogs", "k_number": 120.5, "k_money": 250, "k_date": "2025-06-30",
             "k_datetime": "2025-06-30T23:59:59+02:00", "k_boolean": False, "k_choice": "silver",
             "k_multi_choice": ["bronze"], "k_email": "bob@south.example", "k_url": "https://south.example/x"}),
    ("Cat", {"k_text": "", "k_number": -2, "k_money": 0, "k_date": "2024-12-31", "k_choice": "bronze"}),
    ("Dan", {}),
]


@pytest.fixture
async def people(crm_client) -> dict[str, int]:
    ids = {}
    for name, custom in PEOPLE:
        response = await crm_client.post("/api/v1/contacts", json={"given_name": name, "custom": custom})
        assert response.status_code == 201, response.text
        ids[name] = response.json()["id"]
    return ids


async def _names(client, *filters: str) -> list[str]:
    response = await client.get("/api/v1/contacts", params=[("custom", value) for value in filters])
    assert response.status_code == 200, response.text
    return [item["display_name"] for item in response.json()["items"]]


TEXT_FILTERS = [
    ("k_text:loves cats", ["Ann"]),  # equals ignores case
    ("k_text:eq:LOVES DOGS", ["Bob"]),
    ("k_text:not:loves cats", ["Bob", "Cat", "Dan"]),  # no value is "not" it too
    ("k_text:contains:LOVES", ["Ann", "Bob"]),
    ("k_text:contains:cat", ["Ann"]),
    ("k_text:in:loves cats,loves dogs", ["Ann", "Bob"]),
    ("k_text:empty", ["Cat", "Dan"]),
    ("k_text:not_empty", ["Ann", "Bob"]),
    ("k_long_text:contains:fair", ["Ann"]),
    ("k_email:ANN@north.example", ["Ann"]),
    ("k_email:contains:south", ["Bob"]),
    ("k_phone:(415) 555-0100", ["Ann"]),
    ("k_phone:contains:555", ["Ann"]),
    ("k_url:https://north.example", ["Ann"]),
    ("k_url:contains:/x", ["Bob"]),
]
NUMBER_FILTERS = [
    ("k_number:5", ["Ann"]),
    ("k_number:gt:5", ["Bob"]),
    ("k_number:lt:5", ["Cat"]),
    ("k_number:between:-2,5", ["Ann", "Cat"]),
    ("k_number:in:5,120.5", ["Ann", "Bob"]),
    ("k_number:not:5", ["Bob", "Cat", "Dan"]),
    ("k_number:gt:100", ["Bob"]),  # as numbers: "120.5" sorts before "5" as text
    ("k_money:19.99", ["Ann"]),
    ("k_money:gt:19.99", ["Bob"]),
    ("k_money:between:0,20", ["Ann", "Cat"]),
    ("k_money:empty", ["Dan"]),
]
DATE_FILTERS = [
    ("k_date:2025-01-15", ["Ann"]),
    ("k_date:lt:2025-01-15", ["Cat"]),
    ("k_date:gt:2025-01-01", ["Ann", "Bob"]),
    ("k_date:between:2025-01-01,2025-12-31", ["Ann", "Bob"]),
    ("k_date:in:2024-12-31,2025-06-30", ["Bob", "Cat"]),
    ("k_datetime:2025-01-15T09:00:00+01:00", ["Ann"]),  # the same moment
    ("k_datetime:gt:2025-06-30T21:00:00Z", ["Bob"]),  # stored in UTC: 21:59:59Z
    ("k_datetime:between:2025-01-01,2025-02-01", ["Ann"]),
    ("k_datetime:not_empty", ["Ann", "Bob"]),
]
CHOICE_FILTERS = [
    ("k_boolean:true", ["Ann"]),
    ("k_boolean:eq:false", ["Bob"]),
    ("k_boolean:not:true", ["Bob", "Cat", "Dan"]),
    ("k_boolean:empty", ["Cat", "Dan"]),
    ("k_choice:gold", ["Ann"]),
    ("k_choice:in:gold,bronze", ["Ann", "Cat"]),
    ("k_choice:not:gold", ["Bob", "Cat", "Dan"]),
    ("k_multi_choice:silver", ["Ann"]),
    ("k_multi_choice:contains:gold", ["Ann"]),
    ("k_multi_choice:in:silver,bronze", ["Ann", "Bob"]),
    ("k_multi_choice:not:gold", ["Bob", "Cat", "Dan"]),
    ("k_multi_choice:empty", ["Cat", "Dan"]),
]


@pytest.mark.parametrize("cases", [TEXT_FILTERS, NUMBER_FILTERS, DATE_FILTERS, CHOICE_FILTERS],
                         ids=["text-kinds", "numbers-and-money", "dates-and-moments", "booleans-and-choices"])
async def test_each_operator_returns_the_same_contacts_on_both_engines(crm_client, people, cases):
    found = {written: await _names(crm_client, written) for written, _ in cases}
    assert found == dict(cases)


async def test_filters_combine_and_record_fields_filter_by_id(crm_client, people, company_id):
    await crm_client.patch(f"/api/v1/contacts/{people['Bob']}", json={"custom": {"k_record": company_id}})
    assert await _names(crm_client, f"k_record:{company_id}") == ["Bob"]
    assert await _names(crm_client, "k_record:not_empty", "k_number:gt:0") == ["Bob"]
    assert await _names(crm_client, "k_text:contains:loves", "k_boolean:true") == ["Ann"]


async def test_companies_filter_by_custom_fields_too(crm_client):
    await CustomField.insert(CustomField(record_type="company", key="employees", label="Employees", kind="number"))
    for name, employees in [("Small", 8), ("Large", 900)]:
        await crm_client.post("/api/v1/companies", json={"name": name, "custom": {"employees": employees}})
    response = await crm_client.get("/api/v1/companies", params={"custom": "employees:gt:100"})
    assert [item["name"] for item in response.json()["items"]] == ["Large"]


@pytest.mark.parametrize(("written", "errors"), [
    ("colour:red", {"custom.colour": "unknown custom field for contact"}),
    ("k_number", {"custom": "'k_number' must be written key:value or key:operator:value"}),
    ("k_number:many", {"custom.k_number": "must be a number"}),
    ("k_number:gte:5", {"custom.k_number": "unknown operator 'gte'; use one of eq, not, lt, gt, between, in, empty, "
                                           "not_empty (write key:eq:value for a value holding a colon)"}),
    ("k_text:note: hi", {"custom.k_text": "unknown operator 'note'; use one of eq, not, in, contains, empty, not_empty "
                                         "(write key:eq:value for a value holding a colon)"}),
    ("k_text:gt:a", {"custom.k_text": "text fields do not take gt; use one of eq, not, in, contains, empty, not_empty"}),
    ("k_number:between:5", {"custom.k_number": "between takes two values, low and high: key:between:LOW,HIGH"}),
    ("k_date:lt:tomorrow", {"custom.k_date": "must be a date written YYYY-MM-DD, like 2025-03-01"}),
    ("k_choice:in:gold,tin", {"custom.k_choice": "must be one of gold, silver, bronze"}),
    ("k_boolean:yes", {"custom.k_boolean": "must be true or false"}),
])
async def test_a_bad_filter_is_a_422_naming_the_field(crm_client, written, errors):
    response = await crm_client.get("/api/v1/contacts", params={"custom": written})
    assert response.status_code == 422
    assert response.json()["errors"] == errors


async def test_text_ignores_the_case_of_a_to_z_only_on_both_engines(crm_client):
    await crm_client.post("/api/v1/contacts", json={"given_name": "Eve", "custom": {"k_text": "Zürich Office"}})
    assert await _names(crm_client, "k_text:zürich office") == ["Eve"]
    assert await _names(crm_client, "k_text:contains:ZüRICH") == ["Eve"]
    assert await _names(crm_client, "k_text:contains:ZÜRICH") == []  # Ü is not folded, on either engine


@pytest.mark.parametrize(("text", "pairs"), [
    ("tier:gold", ["tier:gold"]),
    ("tier:gold, budget:between:1,5", ["tier:gold", "budget:between:1,5"]),
    ("tier:in:gold,silver,notes:contains:a", ["tier:in:gold,silver", "notes:contains:a"]),
    ("", []),
])
def test_filters_written_in_one_text_split_where_a_key_follows_a_comma(text, pairs):
    from crm_platform.records.customfields import split_filters

    assert split_filters(text) == pairs


# --- search -----------------------------------------------------------------------------------


async def test_searchable_custom_values_find_their_record_and_others_do_not(crm_client):
    await CustomField.insert(
        CustomField(record_type="contact", key="vet", label="Vet", kind="text", searchable=True),
        CustomField(record_type="contact", key="secret", label="Secret", kind="text"),
        CustomField(record_type="company", key="brand", label="Brand", kind="text", searchable=True),
    )
    await crm_client.post("/api/v1/contacts", json={"given_name": "Ada", "custom": {"vet": "Dr Quimby", "secret": "Zebedee"}})
    created = await crm_client.post("/api/v1/contacts/bulk", json={"contacts": [{"given_name": "Bo", "custom": {"vet": "Dr Ostrova"}}]})
    assert created.status_code == 201, created.text
    await crm_client.post("/api/v1/companies", json={"name": "Acme", "custom": {"brand": "Roadrunner"}})

    async def titles(q: str) -> list[str]:
        response = await crm_client.get("/api/v1/search", params={"q": q})
        assert response.status_code == 200, response.text
        return [item["title"] for item in response.json()["items"]]

    assert await titles("quimby") == ["Ada"]
    assert await titles("ostrova") == ["Bo"]
    assert await titles("roadrunner") == ["Acme"]
    assert await titles("zebedee") == []
