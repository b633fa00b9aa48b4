"""Server time of the web UI's main pages at scale (issue goal: p95 <= 30 ms at 1,000,000
contacts on SQLite). Pages are requested with the admin's API token, which the app accepts
for pages as for the API; each page is rendered in full, as for a signed-in browser."""

from __future__ import annotations

import tempfile
from pathlib import Path

import httpx

from bench import _database, _http

Row = tuple[str, float, str]
CONTACTS, QUICK_CONTACTS = 1_000_000, 20_000
SAMPLES = 200


def _seed(client: httpx.Client) -> tuple[int, int]:
    """A company with a few people, and a call on the first contact's timeline."""
    company = client.post("/api/v1/companies", json={"name": "Northwind Freight", "domains": ["northwind.example"]})
    company_id = company.json()["id"]
    for contact_id in (1, 2, 3):
        client.post("/api/v1/relationships", json={
            "type": "works_at", "source": {"type": "contact", "id": contact_id},
            "target": {"type": "company", "id": company_id},
        })
    client.post("/api/v1/activities", json={"type": "call", "subject": "Intro call", "participant_ids": [1]})
    client.post("/api/v1/activities", json={"type": "follow_up", "subject": "Send offer", "participant_ids": [1],
                                            "due_at": "2030-01-01T09:00:00Z"})
    return 1, company_id


def run(quick: bool) -> list[Row]:
    contacts = QUICK_CONTACTS if quick else CONTACTS
    with tempfile.TemporaryDirectory(prefix="crm-bench-pages-") as folder:
        db = _database.build("sqlite", contacts, Path(folder))
        headers = {"Authorization": f"Bearer {db.token}"}
        with _http.served("crm_platform.app:create_app", db.environment) as url, httpx.Client(
            base_url=url, headers=headers, timeout=30
        ) as client:
            contact_id, company_id = _seed(client)
            pages = {
                "My day (/)": "/",
                "contacts list": "/contacts",
                "contacts list, search": "/contacts?q=ada",
                "contact page": f"/contacts/{contact_id}",
                "companies list": "/companies",
                "company page": f"/companies/{company_id}",
                "search page": "/search?q=grace",
            }
            rows = []
            for name, path in pages.items():
                response = client.get(path)
                if response.status_code != 200:
                    raise RuntimeError(f"{path} answered {response.status_code}: {response.text[:300]}")
                rows.append((f"pages sqlite {contacts:,}: {name} p95", _http.p95_ms(client, [path] * SAMPLES), "ms"))
    return rows
