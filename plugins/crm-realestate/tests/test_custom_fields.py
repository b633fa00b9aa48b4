"""Fields an admin adds to properties on the settings page: an input of their kind on the
listing form, a clear error for a value of the wrong kind, and a column in the CSV export."""

from __future__ import annotations

import csv
import io

PROPERTIES = "/api/v1/realestate/properties"


async def _post(client, path, data, token_page):
    page = await client.get(token_page)
    return await client.post(path, data={**data, "_csrf_token": client.csrf(page.text)})


async def test_an_admins_property_fields_are_on_the_form_and_in_the_export(web_client, crm_client):
    settings = await web_client.get("/settings")
    assert '<option value="realestate.property"' in settings.text
    for key, kind in (("sea_view", "boolean"), ("floors", "number"), ("heating", "text")):
        added = await _post(web_client, "/settings/fields", {
            "record_type": "realestate.property", "key": key, "label": key.replace("_", " ").capitalize(),
            "kind": kind}, "/settings")
        assert added.status_code == 303, added.text

    form = await web_client.get("/realestate/properties/new")
    assert 'name="custom.floors"' in form.text and 'name="custom.sea_view"' in form.text
    listing = {"address": "4 Cliff Road", "area": "Harbour", "type": "house", "status": "for_sale", "price": "250000",
               "currency": "EUR", "custom.floors": "three", "custom.heating": "Heat pump", "custom.sea_view": "on"}
    refused = await _post(web_client, "/realestate/properties", listing, "/realestate/properties/new")
    assert refused.status_code == 422 and "must be a number" in refused.text
    assert 'value="Heat pump"' in refused.text
    assert (await crm_client.get(PROPERTIES)).json()["items"] == []

    saved = await _post(web_client, "/realestate/properties", listing | {"custom.floors": "3"},
                        "/realestate/properties/new")
    assert saved.status_code == 303
    property_id = int(saved.headers["location"].rsplit("/", 1)[1])
    stored = (await crm_client.get(f"{PROPERTIES}/{property_id}")).json()
    assert stored["custom"] == {"floors": 3, "heating": "Heat pump", "sea_view": True}

    edit = await web_client.get(f"/realestate/properties/{property_id}/edit")
    assert 'value="Heat pump"' in edit.text
    changed = await _post(web_client, f"/realestate/properties/{property_id}", listing | {
        "custom.floors": "2", "custom.heating": "", "custom.sea_view": ""}, f"/realestate/properties/{property_id}/edit")
    assert changed.status_code == 303
    assert (await crm_client.get(f"{PROPERTIES}/{property_id}")).json()["custom"] == {"floors": 2, "sea_view": False}

    export = await crm_client.get(f"{PROPERTIES}/export.csv")
    [row] = list(csv.DictReader(io.StringIO(export.text)))
    assert (row["address"], row["floors"], row["sea_view"], row["heating"]) == ("4 Cliff Road", "2", "false", "")


async def test_a_field_on_a_kind_that_takes_none_is_refused(web_client):
    refused = await _post(web_client, "/settings/fields", {"record_type": "activity", "key": "mood", "kind": "text"},
                          "/settings")
    assert refused.status_code == 422 and "must be one of contact, company" in refused.text
