"""The import pages, driven as a browser would through forms: upload, map, dry run, commit,
look up a row, download the ledger, roll back; and the files that are refused, with why."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from crm_platform.config import Settings
from crm_platform.db.raw import fetch
from crm_platform.testing import client_for
from tests.web.helpers import csrf_token_in, sign_in

LIMIT = 200_000


@pytest.fixture
def crm_settings(crm_database_url, tmp_path):
    return Settings(database_url=crm_database_url, jobs_url=f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
                    imports_dir=str(tmp_path / "imports"), import_max_bytes=LIMIT)


@pytest.fixture
async def browser_client(crm_running_app, crm_admin):
    async with client_for(crm_running_app) as client:
        await sign_in(client, "admin@example.com")
        yield client


async def _upload(client, content: bytes, name: str = "people.csv", kind: str = "contact"):
    token = csrf_token_in((await client.get("/imports/new")).text)
    return await client.post("/imports", data={"_csrf_token": token, "kind": kind},
                             files={"file": (name, content, "text/csv")})


async def _post(client, path: str, data: dict | None = None):
    token = csrf_token_in((await client.get(path.rsplit("/", 1)[0])).text)
    return await client.post(path, data={"_csrf_token": token, **(data or {})})


def _selected(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-column="([^"]+)">.*?<option value="([^"]+)"\s+selected', html, re.S))


async def test_upload_map_dry_run_commit_look_up_download_and_roll_back(browser_client, crm_run_jobs):
    client = browser_client
    content = "Vorname;Nachname;E-Mail\nJürgen;Müller;jm@example.com\nAnna;Bad;not-an-email\n".encode("cp1252")
    uploaded = await _upload(client, content)
    assert uploaded.status_code == 303
    run_page = uploaded.headers["location"]
    page = await client.get(run_page)
    assert "cp1252" in page.text and "2 rows" in page.text
    assert _selected(page.text) == {"Vorname": "given_name", "Nachname": "family_name", "E-Mail": "email"}

    mapped = await _post(client, f"{run_page}/mapping",
                         {"map.0": "given_name", "map.1": "family_name", "map.2": "email", "match_key": "email"})
    assert mapped.status_code == 303
    await crm_run_jobs()
    page = await client.get(run_page)
    assert re.search(r'data-outcome="create">1<.*data-outcome="error">1<', page.text, re.S)
    errors = await client.get(f"{run_page}?outcome=error")
    assert "emails[0].address" in errors.text and 'data-row="1"' not in errors.text
    assert await fetch("SELECT id FROM crm_contact") == []

    assert (await _post(client, f"{run_page}/commit")).status_code == 303
    await crm_run_jobs()
    page = await client.get(run_page)
    assert 'id="import-status">Committed' in page.text
    uploaded_path = (await fetch("SELECT path FROM crm_import_run"))[0]["path"]
    assert not Path(uploaded_path).exists()  # kept for a resume until the commit is done
    contact = (await fetch("SELECT id, given_name, family_name FROM crm_contact"))[0]
    assert (contact["given_name"], contact["family_name"]) == ("Jürgen", "Müller")
    found = await client.get(run_page, params={"q": "jm@example.com"})
    assert f"Row 1: create (record {contact['id']})" in found.text

    download = await client.get(f"{run_page}/ledger.csv")
    assert download.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert [(row["row"], row["outcome"]) for row in rows] == [("1", "create"), ("2", "error")]

    confirm = await client.get(f"{run_page}/rollback")
    assert "will be deleted" in confirm.text
    token = csrf_token_in(confirm.text)
    assert (await client.post(f"{run_page}/rollback", data={"_csrf_token": token})).status_code == 303
    await crm_run_jobs()
    page = await client.get(run_page)
    assert 'id="import-status">Rolled back' in page.text and "1 removed" in page.text
    assert await fetch("SELECT id FROM crm_contact") == []
    listing = await client.get("/imports")
    assert "people.csv" in listing.text and 'href="/imports"' in listing.text


@pytest.mark.parametrize(("content", "message"), [
    (b"\x89PNG\r\n\x1a\n" + bytes(200), "the file is a PNG image, not a CSV text file"),
    (b"", "the file is empty"),
    (b"name,email\n", "a header row but no rows"),
    (b"\x00\x01\x02binary\x00" * 20, "the file is a binary file"),
])
async def test_a_file_that_cannot_be_imported_is_refused_saying_why(browser_client, content, message):
    refused = await _upload(browser_client, content, name="data.csv")
    assert refused.status_code == 422
    assert message in refused.text
    assert await fetch("SELECT id FROM crm_import_run") == []


async def test_a_file_over_the_upload_limit_is_refused_with_413(browser_client):
    too_big = b"name\n" + b"x" * (LIMIT + 100_000)
    refused = await _upload(browser_client, too_big)
    assert refused.status_code == 413
    assert "Files up to 0.2 MB can be uploaded" in refused.text
    assert await fetch("SELECT id FROM crm_import_run") == []


async def test_someone_elses_import_is_not_found(browser_client, crm_running_app, crm_make_user, write_csv):
    uploaded = await _upload(browser_client, b"name,email\nA,a@example.com\n")
    await crm_make_user("member@example.com")
    async with client_for(crm_running_app) as other:
        await sign_in(other, "member@example.com")
        assert (await other.get(uploaded.headers["location"])).status_code == 404
        assert (await other.get(uploaded.headers["location"] + "/ledger.csv")).status_code == 404
