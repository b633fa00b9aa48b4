"""The duplicates page as a review queue (scan, merge, dismiss) and the data quality page,
through an in-process client signed in as a browser is."""

from __future__ import annotations

import re

import httpx
import pytest

from crm_platform.db.raw import execute
from crm_platform.testing import client_for
from tests.web.helpers import csrf_token_in, sign_in

PHONE = [{"number": "+44 20 7946 0958"}]


@pytest.fixture
async def admin_browser(crm_running_app, crm_admin) -> httpx.AsyncClient:
    async with client_for(crm_running_app) as client:
        await sign_in(client, "admin@example.com")
        yield client


async def test_a_scan_fills_the_queue_and_a_dismissed_pair_leaves_it(admin_browser, crm_client, crm_run_jobs):
    for name in ("Ada", "Countess"):
        assert (await crm_client.post("/api/v1/contacts", json={"given_name": name, "phones": PHONE})).status_code == 201
    before = (await admin_browser.get("/duplicates")).text
    assert "No scan of all contacts yet" in before
    scanned = await admin_browser.post("/duplicates/scan", data={"_csrf_token": csrf_token_in(before), "kind": "contact"})
    assert scanned.status_code == 303
    assert "is queued" in (await admin_browser.get("/duplicates")).text
    await crm_run_jobs()
    page = (await admin_browser.get("/duplicates")).text
    assert "The last scan read 2 contacts and found 1 likely pairs" in page
    assert '<span class="badge">same phone</span>' in page and "Review and merge" in page
    action = re.search(r'action="(/duplicates/pairs/\d+/dismiss)"', page).group(1)
    dismissed = await admin_browser.post(action, data={"_csrf_token": csrf_token_in(page)})
    assert dismissed.status_code == 303
    assert "No pairs to review." in (await admin_browser.get("/duplicates")).text


async def test_a_member_may_review_but_not_start_a_scan(crm_running_app, crm_make_user):
    await crm_make_user("member@example.com", role="member")
    async with client_for(crm_running_app) as member:
        await sign_in(member, "member@example.com")
        page = (await member.get("/duplicates")).text
        assert 'id="scan-now"' not in page
        refused = await member.post("/duplicates/scan", data={"_csrf_token": csrf_token_in(page), "kind": "contact"})
        assert refused.status_code == 403


async def test_the_data_quality_page_counts_what_is_missing_or_invalid(admin_browser, crm_client, crm_run_jobs):
    for body in ({"given_name": "Ada", "phones": PHONE}, {"given_name": "Bo", "phones": PHONE},
                 {"given_name": "Cy", "emails": [{"address": "cy@example.com"}]}):
        assert (await crm_client.post("/api/v1/contacts", json=body)).status_code == 201
    # A phone kept as typed, from before validation.
    await execute("UPDATE crm_contact SET phones = {} WHERE given_name = {}",
                  '[{"number": "020 7946 0000", "label": "work"}]', "Cy")
    await crm_client.post("/api/v1/duplicates/scans", json={"kind": "contact"})
    await crm_run_jobs()
    page = (await admin_browser.get("/data-quality")).text
    counts = dict(re.findall(r'data-measure="(\w+)"><td>.*?</td><td>(\d+)</td>', page))
    assert counts == {"no_email": "2", "no_phone": "0", "no_owner": "0", "never_contacted": "3", "invalid": "1",
                      "duplicates_pending": "1"}
