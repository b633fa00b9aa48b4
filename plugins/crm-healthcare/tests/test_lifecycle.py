"""The plugin as an installation lives with it: its own committed migration, demo data that is
plainly fictional, and a disable/enable round trip that keeps every record."""

from __future__ import annotations

import pytest
from crm_platform.toolkit import fetch
from piccolo.apps.migrations.commands.new import AutoMigrationManager

from crm_healthcare.piccolo_app import APP_CONFIG


async def _set_enabled(web_client, enabled: bool) -> None:
    settings = await web_client.get("/settings")
    response = await web_client.post(
        "/settings/plugins/healthcare",
        data={"enabled": "true" if enabled else "false", "_csrf_token": web_client.csrf(settings.text)},
    )
    assert response.status_code in (302, 303), response.text


async def test_the_tables_need_no_migration_beyond_the_committed_one(crm_app):
    statements = await AutoMigrationManager(auto_input="y").get_alter_statements(app_config=APP_CONFIG)
    assert [statement for group in statements for statement in group.statements] == []


async def test_disable_and_enable_round_trip_keeps_the_data(web_client, crm_client, make_patient):
    patient = await make_patient(healthcare_date_of_birth="1970-03-04")
    note = (await crm_client.post("/api/v1/healthcare/notes", json={"patient_id": patient["id"], "body": "Kept"})).json()
    booked = (await crm_client.post("/api/v1/healthcare/appointments", json={
        "patient_id": patient["id"], "starts_at": "2030-01-01T10:00:00Z", "provider": "Dr. Who"})).json()

    await _set_enabled(web_client, False)
    assert (await crm_client.get(f"/api/v1/healthcare/notes/{note['id']}")).status_code == 404
    assert (await web_client.get("/healthcare/no-shows")).status_code == 404
    page = (await web_client.get(f"/contacts/{patient['id']}")).text
    assert "Patient care" not in page and "No-shows" not in page
    refused = await crm_client.patch(f"/api/v1/contacts/{patient['id']}",
                                     json={"custom": {"healthcare_insurer": "Other"}})
    assert refused.status_code == 422 and "custom.healthcare_insurer" in refused.text

    await _set_enabled(web_client, True)
    assert (await crm_client.get(f"/api/v1/healthcare/notes/{note['id']}")).json()["body"] == "Kept"
    assert (await crm_client.get(f"/api/v1/healthcare/appointments/{booked['id']}")).json()["provider"] == "Dr. Who"
    contact = (await crm_client.get(f"/api/v1/contacts/{patient['id']}")).json()
    assert contact["custom"]["healthcare_date_of_birth"] == "1970-03-04"
    assert "Patient care" in (await web_client.get(f"/contacts/{patient['id']}")).text


async def test_the_demo_loads_plainly_fictional_patients(crm_cli, crm_client):
    result = crm_cli("demo", "--contacts", "40", "--seed", "3")
    assert result.exit_code == 0, result.output
    assert "fictional patients" in result.output
    found = (await crm_client.get("/api/v1/contacts", params={
        "custom": "healthcare_insurer:Example Health (fictional)", "limit": 50})).json()["items"]
    assert len(found) == 8 and all(row["given_name"] == "Demo patient" for row in found)
    counts = (await fetch("SELECT count(*) AS n FROM healthcare_note"))[0]["n"]
    assert counts == 8
    assert (await fetch("SELECT count(*) AS n FROM healthcare_appointment"))[0]["n"] == 8


async def test_a_purge_drops_the_tables_and_the_patient_fields(crm_cli, crm_client, make_patient):
    patient = await make_patient(healthcare_date_of_birth="1970-03-04")
    await crm_client.post("/api/v1/healthcare/notes", json={"patient_id": patient["id"], "body": "Gone"})
    result = crm_cli("plugins", "remove", "healthcare", "--purge", "--yes")
    assert result.exit_code == 0, result.output
    contact = (await crm_client.get(f"/api/v1/contacts/{patient['id']}")).json()
    assert not any(key.startswith("healthcare_") for key in contact["custom"])
    with pytest.raises(Exception, match="healthcare_note"):
        await fetch("SELECT count(*) AS n FROM healthcare_note")
