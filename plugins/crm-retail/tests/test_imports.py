"""Orders imported from shop exports through the core's import runs, as a browser drives
them: upload, the suggested mapping, a dry run per order, the ledger, commit, a re-run that
updates instead of duplicating (matched by order number), and rollback."""

from __future__ import annotations

import csv
import io
import re
import shutil

import pytest

from .conftest import SAMPLES


async def _upload(client, name: str, content: bytes | None = None):
    token = client.csrf((await client.get("/imports/new")).text)
    body = content if content is not None else (SAMPLES / name).read_bytes()
    response = await client.post("/imports", data={"_csrf_token": token, "kind": "retail.order"},
                                 files={"file": (name, body, "text/csv")})
    assert response.status_code == 303, response.text
    return response.headers["location"]


async def _post(client, path: str, data: dict | None = None):
    token = client.csrf((await client.get(path.rsplit("/", 1)[0])).text)
    return await client.post(path, data={"_csrf_token": token, **(data or {})})


def _mapping(html: str) -> dict[str, str]:
    selected = dict(re.findall(r'data-column="([^"]+)">.*?<option value="([^"]+)"\s+selected', html, re.S))
    columns = re.findall(r'data-column="([^"]+)"', html)
    return {f"map.{index}": selected.get(column, "") for index, column in enumerate(columns)}


async def _dry_run(client, run_page, crm_run_jobs):
    page = await client.get(run_page)
    mapped = await _post(client, f"{run_page}/mapping", _mapping(page.text) | {"match_key": "external_id"})
    assert mapped.status_code == 303, mapped.text
    await crm_run_jobs()
    return await client.get(run_page)


def _ledger(text: str) -> list[tuple[str, str, str]]:
    return [(row["external_id"], row["outcome"], row["reason"][:40]) for row in csv.DictReader(io.StringIO(text))]


@pytest.fixture
async def customers(make_contact):
    return {"ada": await make_contact("Ada", email="ada@example.com"),
            "grace": await make_contact("Grace", email="grace@example.com")}


async def test_a_shopify_export_is_dry_run_committed_rerun_and_rolled_back(
    web_client, crm_client, crm_run_jobs, customers
):
    run_page = await _upload(web_client, "shopify_orders.csv")
    page = await _dry_run(web_client, run_page, crm_run_jobs)
    assert "retail.shopify" in page.text or "Shopify" in page.text, page.text[-3000:]
    assert (await crm_client.get("/api/v1/retail/orders")).json()["items"] == []
    dry = _ledger((await web_client.get(f"{run_page}/ledger.csv", params={"phase": "dry"})).text)
    assert [(number, outcome) for number, outcome, _ in dry] == [
        ("#1001", "create"), ("#1002", "create"), ("#1003", "create"), ("#1004", "error")]
    assert "customer_email" in dry[3][2] or "quantity" in dry[3][2]

    assert (await _post(web_client, f"{run_page}/commit")).status_code == 303
    await crm_run_jobs()
    orders = {o["number"]: o for o in (await crm_client.get("/api/v1/retail/orders")).json()["items"]}
    assert set(orders) == {"#1001", "#1002", "#1003"}
    first = (await crm_client.get(f"/api/v1/retail/orders/{orders['#1001']['id']}")).json()
    assert first["lines"] == [{"product": "Ceramic mug", "quantity": 2, "unit_price": "12.50"},
                              {"product": "Espresso beans 1 kg", "quantity": 1, "unit_price": "18.90"},
                              {"product": "Shipping", "quantity": 1, "unit_price": "4.90"}]
    assert first["total"] == "48.80" and first["status"] == "fulfilled"
    assert first["contact_id"] == customers["ada"]["id"] and first["ordered_at"].startswith("2025-03-01T09:15:00")
    assert orders["#1003"]["status"] == "refunded"

    again = await _upload(web_client, "shopify_orders.csv")
    await _dry_run(web_client, again, crm_run_jobs)
    await _post(web_client, f"{again}/commit")
    await crm_run_jobs()
    assert len((await crm_client.get("/api/v1/retail/orders")).json()["items"]) == 3

    assert (await _post(web_client, f"{run_page}/rollback")).status_code == 303
    await crm_run_jobs()
    assert (await crm_client.get("/api/v1/retail/orders")).json()["items"] == []


async def test_a_woocommerce_export_groups_its_item_rows_by_order(web_client, crm_client, crm_run_jobs, customers):
    run_page = await _upload(web_client, "woocommerce_orders.csv")
    page = await _dry_run(web_client, run_page, crm_run_jobs)
    assert "retail.woocommerce" in page.text or "WooCommerce" in page.text
    dry = _ledger((await web_client.get(f"{run_page}/ledger.csv", params={"phase": "dry"})).text)
    assert [(number, outcome) for number, outcome, _ in dry] == [
        ("W-501", "create"), ("W-502", "create"), ("W-503", "error")]
    assert dry[2][2].startswith("currency")
    await _post(web_client, f"{run_page}/commit")
    await crm_run_jobs()
    orders = {o["number"]: o for o in (await crm_client.get("/api/v1/retail/orders")).json()["items"]}
    assert (orders["W-501"]["total"], orders["W-501"]["currency"], orders["W-501"]["status"]) == ("45.00", "GBP", "fulfilled")
    assert (orders["W-502"]["total"], orders["W-502"]["status"]) == ("9.99", "paid")
    assert orders["W-502"]["contact_id"] == customers["grace"]["id"]


async def test_the_sample_files_are_read_by_their_own_importer(tmp_path):
    from crm_retail import importers

    by_key = {importer.key: importer for importer in importers.IMPORTERS}
    for key, name in (("retail.shopify", "shopify_orders.csv"), ("retail.woocommerce", "woocommerce_orders.csv")):
        path = tmp_path / name
        shutil.copy(SAMPLES / name, path)
        head = path.read_bytes()[:65536]
        assert [k for k, importer in by_key.items() if importer.detect(head, name)] == [key]
