"""Names with control characters (NUL, bell, escape, line breaks) are refused with a 422 naming
the field, for every record kind, one at a time and in bulk; nothing is stored."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/api/v1/contacts", {"given_name": "Ada\x00Lovelace"}, "given_name"),
    ("/api/v1/contacts", {"given_name": "Ada", "family_name": "Love\x1b[31mlace"}, "family_name"),
    ("/api/v1/contacts", {"display_name": "Ada\nAdmin: reset your password"}, "display_name"),
    ("/api/v1/companies", {"name": "Acme\x07"}, "name"),
    ("/api/v1/activities", {"type": "note", "subject": "Call\x00"}, "subject"),
])
async def test_a_control_character_in_a_name_is_a_422_naming_the_field(crm_client, path, body, field):
    response = await crm_client.post(path, json=body)
    assert response.status_code == 422, response.text
    message = response.json()["errors"][field]
    assert "control character" in message or "NUL" in message
    if path != "/api/v1/activities":  # which has no list of its own
        assert (await crm_client.get(path)).json()["items"] == []


async def test_a_nul_anywhere_in_a_records_text_is_a_422(crm_client):
    response = await crm_client.post("/api/v1/contacts", json={"given_name": "Ada", "job_title": "CTO\x00"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"job_title": "contains a NUL character (U+0000); remove it"}


async def test_tabs_and_line_breaks_stay_allowed_in_an_activitys_body(crm_client):
    response = await crm_client.post("/api/v1/activities", json={"type": "note", "subject": "Notes",
                                                                 "body": "<p>line one\nline\ttwo</p>"})
    assert response.status_code == 201, response.text


async def test_a_bulk_with_one_bad_name_names_it_and_stores_nothing(crm_client):
    response = await crm_client.post("/api/v1/contacts/bulk", json={"contacts": [
        {"given_name": "Ada"}, {"given_name": "Grace\x00"},
    ]})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"contacts[1].given_name"}
    assert (await crm_client.get("/api/v1/contacts")).json()["items"] == []


async def test_renaming_to_a_name_with_a_control_character_is_a_422(crm_client):
    ada = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada"})).json()
    response = await crm_client.patch(f"/api/v1/contacts/{ada['id']}", json={"given_name": "Ada\x08\x08\x08Eve"})
    assert response.status_code == 422
    assert "U+0008" in response.json()["errors"]["given_name"]
    assert (await crm_client.get(f"/api/v1/contacts/{ada['id']}")).json()["given_name"] == "Ada"


async def test_a_nul_in_a_tag_is_a_422(crm_client):
    response = await crm_client.post("/api/v1/contacts", json={"given_name": "Ada", "tags": ["vip\x00"]})
    assert response.status_code == 422, response.text


async def test_a_nul_in_a_custom_text_field_is_a_422_naming_it(crm_client):
    from crm_platform.records.tables import CustomField

    await CustomField.insert(CustomField(record_type="contact", key="motto", label="Motto", kind="text"))
    response = await crm_client.post("/api/v1/contacts", json={"given_name": "Ada", "custom": {"motto": "a\x00b"}})
    assert response.status_code == 422
    assert response.json()["errors"] == {"custom.motto": "contains a NUL character (U+0000); remove it"}


async def test_an_activity_subject_may_run_over_lines_but_holds_no_other_control_character(crm_client):
    assert (await crm_client.post("/api/v1/activities", json={"type": "note", "subject": "Re: budget\nround two"})
            ).status_code == 201
    refused = await crm_client.post("/api/v1/activities", json={"type": "note", "subject": "Ring\x07"})
    assert refused.status_code == 422
    assert refused.json()["errors"] == {"subject": "contains the control character U+0007; remove it"}
