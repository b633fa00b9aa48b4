"""Contacts exported as vCard through the API: one contact and a filtered list, escaped per
RFC 6350, only what the reader may see, and read back by the importer's parser."""

from __future__ import annotations

import io

import pytest

from crm_platform.contacts.vcard import read_cards
from crm_platform.imports.vcardfile import row_of
from crm_platform.testing import client_for


async def _create(client, path="/api/v1/contacts", **fields):
    response = await client.post(path, json=fields)
    assert response.status_code == 201, response.text
    return response.json()


def _rows(text: str) -> list[dict[str, str]]:
    return [row_of(card) for card in read_cards(io.BytesIO(text.encode()))]


@pytest.mark.postgres
async def test_a_contact_downloads_as_a_card_with_its_company_and_escaped_text(crm_client):
    company = await _create(crm_client, "/api/v1/companies", name="Engines; Looms, Ltd")
    ada = await _create(crm_client, given_name="Ada", family_name="Lovelace", job_title="Analyst, first\nof all",
                        emails=[{"address": "ada@example.com"}], phones=[{"number": "+44 20 7946 0958", "label": "mobile"}],
                        company_ids=[company["id"]])
    response = await crm_client.get(f"/api/v1/contacts/{ada['id']}/vcard")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/vcard")
    assert response.headers["content-disposition"] == f'attachment; filename="contact-{ada["id"]}.vcf"'
    text = response.text
    assert "\r\nVERSION:4.0\r\n" in text and "ORG:Engines\\; Looms\\, Ltd\r\n" in text
    assert "TITLE:Analyst\\, first\\nof all\r\n" in text and "TEL;TYPE=cell;VALUE=uri:tel:+442079460958\r\n" in text
    assert _rows(text) == [{"Full name": "Ada Lovelace", "First name": "Ada", "Last name": "Lovelace",
                            "Email": "ada@example.com", "Mobile": "+442079460958",
                            "Organisation": "Engines; Looms, Ltd", "Title": "Analyst, first\nof all",
                            "UID": f"urn:crm:contact:{ada['id']}"}]
    three = await crm_client.get(f"/api/v1/contacts/{ada['id']}/vcard", params={"version": "3.0"})
    assert "VERSION:3.0" in three.text and "TEL;TYPE=cell:+442079460958" in three.text
    wrong = await crm_client.get(f"/api/v1/contacts/{ada['id']}/vcard", params={"version": "2.1"})
    assert wrong.status_code == 422 and "choose 3.0 or 4.0" in wrong.text
    assert (await crm_client.get("/api/v1/contacts/999999/vcard")).status_code == 404


async def test_a_filtered_list_exports_only_what_the_reader_may_see(crm_running_app, crm_make_user):
    _, alice_token = await crm_make_user("alice@example.com", team="north")
    _, bea_token = await crm_make_user("bea@example.com", team="south")
    async with client_for(crm_running_app, alice_token) as alice, client_for(crm_running_app, bea_token) as bea:
        hidden = await _create(bea, "/api/v1/companies", name="Bea's secret client")
        leads = [{"given_name": f"Lead {index:03}", "tags": ["fair"]} for index in range(205)]  # over a page
        created = await alice.post("/api/v1/contacts/bulk", json={"contacts": leads})
        assert created.status_code == 201, created.text
        await _create(alice, given_name="Not at the fair")
        await _create(bea, given_name="Bea's fair lead", tags=["fair"], company_ids=[hidden["id"]])
        response = await alice.get("/api/v1/contacts/vcard", params={"tag": "fair"})
        assert response.status_code == 200
        assert response.headers["content-disposition"] == 'attachment; filename="contacts.vcf"'
        names = [row["Full name"] for row in _rows(response.text)]
        assert names == [f"Lead {index:03}" for index in range(205)]
        assert (await bea.get(f"/api/v1/contacts/{created.json()['ids'][0]}/vcard")).status_code == 403
        bea_text = (await bea.get("/api/v1/contacts/vcard", params={"tag": "fair"})).text
        assert [row["Full name"] for row in _rows(bea_text)] == ["Bea's fair lead"]
        assert "secret client" in bea_text and "secret client" not in response.text
        wrong = await alice.get("/api/v1/contacts/vcard", params={"custom": "nope"})
        assert wrong.status_code == 422
