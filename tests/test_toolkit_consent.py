"""Toolkit for plugins that collect consent (a web form's box): rows added to the core's
consent ledger, shown on the contact's ledger, refused with the part that is wrong."""

from __future__ import annotations

import pytest

from crm_platform import toolkit


@pytest.mark.postgres
async def test_a_plugin_records_consent_in_the_contacts_ledger(crm_client, crm_admin, crm_member):
    contact = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada"})).json()["id"]
    row = await toolkit.record_consent(crm_admin[0], contact, purpose="Newsletter", granted=True, channel="email",
                                       source="web form Spring fair", text_version="Send me the newsletter")
    assert row["purpose"] == "newsletter" and row["granted"] in (True, 1)
    ledger = (await crm_client.get(f"/api/v1/contacts/{contact}/consents")).json()
    assert [(item["purpose"], item["channel"], item["source"]) for item in ledger["current"]] == [
        ("newsletter", "email", "web form Spring fair")]
    assert [item["id"] for item in await toolkit.consent_ledger(crm_admin[0], contact)] == [row["id"]]
    with pytest.raises(toolkit.Invalid) as caught:
        await toolkit.record_consent(crm_admin[0], contact, purpose="", granted=True, channel="fax")
    assert set(caught.value.errors) == {"purpose", "channel"}
    with pytest.raises(toolkit.CrmError):  # a contact the user may not change
        await toolkit.record_consent(crm_member[0], contact, purpose="newsletter", granted=True)
