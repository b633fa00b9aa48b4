"""Patient fields on contacts are the core's typed custom fields: the core shows them in forms,
list columns, filters, import mapping and export, with no code of the plugin's."""

from __future__ import annotations


async def test_patient_fields_are_checked_on_write_naming_the_field(crm_client):
    bad = await crm_client.post("/api/v1/contacts", json={
        "given_name": "Pat", "custom": {"healthcare_date_of_birth": "31/12/1980"}})
    assert bad.status_code == 422
    assert "custom.healthcare_date_of_birth" in bad.text
    bad = await crm_client.post("/api/v1/contacts", json={
        "given_name": "Pat", "custom": {"healthcare_consent_sms": "maybe"}})
    assert bad.status_code == 422 and "custom.healthcare_consent_sms" in bad.text


async def test_patient_fields_filter_the_contact_list(crm_client, make_patient):
    await make_patient(given_name="Ann", healthcare_preferred_channel="sms", healthcare_date_of_birth="1950-01-02")
    await make_patient(given_name="Bob", healthcare_preferred_channel="email", healthcare_date_of_birth="1990-01-02")
    by_channel = await crm_client.get("/api/v1/contacts", params={"custom": "healthcare_preferred_channel:sms"})
    assert [row["given_name"] for row in by_channel.json()["items"]] == ["Ann"]
    older = await crm_client.get("/api/v1/contacts", params={"custom": "healthcare_date_of_birth:lt:1960-01-01"})
    assert [row["given_name"] for row in older.json()["items"]] == ["Ann"]


async def test_nobody_can_test_a_guessed_member_id_through_a_list_filter(crm_client, web_client, make_patient):
    await make_patient(given_name="Ann", healthcare_member_id="MEM-424242")
    guessed = await crm_client.get("/api/v1/contacts", params={"custom": "healthcare_member_id:MEM-424242"})
    assert guessed.status_code == 422
    assert "cannot be filtered on" in guessed.json()["errors"]["custom.healthcare_member_id"]
    page = await web_client.get("/contacts", params={"cf": "healthcare_member_id", "cv": "MEM-424242"})
    assert "Ann" not in page.text and "cannot be filtered on" in page.text
    assert '<option value="healthcare_member_id"' not in page.text
    assert '<option value="healthcare_insurer"' in page.text


async def test_the_forms_list_columns_and_export_show_the_fields(web_client, make_patient):
    patient = await make_patient(healthcare_insurer="Acme Health", healthcare_consent_email="given",
                                 healthcare_consent_email_date="2026-01-05", healthcare_consent_email_source="form")
    form = await web_client.get(f"/contacts/{patient['id']}/profile?edit=true")
    assert 'name="custom.healthcare_insurer"' in form.text and 'name="custom.healthcare_consent_email_date"' in form.text
    listed = await web_client.get("/contacts", params={"cols": "healthcare_insurer"})
    assert listed.status_code == 200 and "Acme Health" in listed.text
    exported = await web_client.post("/contacts/bulk", data={
        "ids": str(patient["id"]), "action": "export", "_csrf_token": web_client.csrf(listed.text)})
    header, row = exported.text.splitlines()[:2]
    assert "healthcare_insurer" in header and "healthcare_consent_email_source" in header
    assert "Acme Health" in row and "2026-01-05" in row
    # Minimum necessary: the export carries the member id masked.
    assert "MEM-123456" not in exported.text and "56" in row


async def test_imported_patient_fields_are_stored(crm_cli, crm_client, tmp_path):
    path = tmp_path / "patients.csv"
    path.write_text("Email,Given name,Birth date,Insurer\nann@example.com,Ann,1950-02-03,Acme Health\n"
                    "bob@example.com,Bob,not a date,Acme Health\n")
    result = crm_cli("import", str(path), "--mapping",
                     "Email=email,Given name=given_name,Birth date=custom.healthcare_date_of_birth,"
                     "Insurer=custom.healthcare_insurer")
    assert "healthcare_date_of_birth" in result.output  # the bad row's error names the field
    found = (await crm_client.get("/api/v1/contacts", params={"custom": "healthcare_insurer:Acme Health"})).json()
    [ann] = found["items"]
    assert ann["custom"]["healthcare_date_of_birth"] == "1950-02-03"


async def test_search_finds_a_patient_by_insurer_but_never_by_member_id(crm_client, make_patient):
    await make_patient(given_name="Ann", healthcare_insurer="Zephyr Mutual")
    found = (await crm_client.get("/api/v1/search", params={"q": "zephyr"})).text
    assert "Ann Test" in found
    assert "Ann Test" not in (await crm_client.get("/api/v1/search", params={"q": "MEM-123456"})).text
