"""Commit, the ledger and its CSV, rollback (edited fields listed, not overwritten), re-runs
that update instead of duplicating, what a member may change, and a plugin's kind."""

from __future__ import annotations

import csv
import io

import pytest

from crm_platform.db.raw import fetch
from crm_platform.imports import engine, ledger, rollback, service

VET = ["vet"]


async def _committed(principal, path, kind="contact", chosen=None, match=None, source=None):
    run_id = await service.start(principal, path, path.name, kind, path.stat().st_size)
    run = await service.runs.load(run_id)
    await service.set_mapping(principal, run_id, chosen or run["mapping"], match, source)
    await engine.dry_run(run_id, principal)
    return run_id, await engine.commit(run_id, principal)


async def test_commit_writes_the_rows_and_the_ledger_answers_for_each(crm_app, crm_admin, write_csv):
    principal, _ = crm_admin
    path = write_csv([["Name", "Email", "Tags"], ["Ada Lovelace", "ada@example.com", "vip; math"],
                      ["Bad", "nope", ""]])
    run_id, counts = await _committed(principal, path, chosen={"Name": "given_name", "Email": "email", "Tags": "tags"})
    assert counts == {"create": 1, "update": 0, "skip": 0, "error": 1}
    contact = (await fetch("SELECT id, given_name, tags FROM crm_contact"))[0]
    assert contact["given_name"] == "Ada Lovelace"
    found = await ledger.lookup(run_id, "commit", "ADA@example.com")
    assert [(row["row_number"], row["outcome"], row["record_id"]) for row in found] == [(1, "create", contact["id"])]
    assert (await ledger.lookup(run_id, "commit", "2"))[0]["reason"].startswith("emails[0].address:")
    text = "".join([chunk async for chunk in ledger.as_csv(run_id, "commit")])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(row["row"], row["outcome"], row["external_id"]) for row in rows] == [
        ("1", "create", "ada@example.com"), ("2", "error", "nope")]


async def test_a_rerun_with_external_ids_updates_instead_of_duplicating(crm_app, crm_admin, write_csv):
    principal, _ = crm_admin
    first = write_csv([["id", "First name", "Job title"], ["c-1", "Ada", "Countess"], ["c-2", "Grace", ""]])
    await _committed(principal, first, source="oldcrm")
    second = write_csv([["id", "First name", "Job title"], ["c-1", "Ada", "Analyst"], ["c-2", "Grace", ""]],
                       name="again.csv")
    _, counts = await _committed(principal, second, source="oldcrm")
    assert counts == {"create": 0, "update": 1, "skip": 1, "error": 0}
    rows = await fetch("SELECT given_name, job_title FROM crm_contact ORDER BY given_name")
    assert rows == [{"given_name": "Ada", "job_title": "Analyst"}, {"given_name": "Grace", "job_title": ""}]


async def test_rollback_removes_what_it_created_and_restores_what_it_changed_unless_edited_since(
    crm_app, crm_admin, crm_client, write_csv
):
    principal, _ = crm_admin
    ada = (await crm_client.post("/api/v1/contacts", json={
        "given_name": "Ada", "job_title": "Countess", "emails": [{"address": "ada@example.com"}]})).json()
    bob = (await crm_client.post("/api/v1/contacts", json={
        "given_name": "Bob", "job_title": "Clerk", "emails": [{"address": "bob@example.com"}]})).json()
    path = write_csv([["Email", "Job title"], ["ada@example.com", "Analyst"], ["bob@example.com", "Boss"],
                      ["new@example.com", "Intern"]])
    run_id, counts = await _committed(principal, path, chosen={"Email": "email", "Job title": "job_title"})
    assert counts["update"] == 2 and counts["create"] == 1
    edited = await crm_client.patch(f"/api/v1/contacts/{bob['id']}", json={"job_title": "Chief"})
    assert edited.status_code == 200
    undone = await rollback.rollback(run_id, principal)
    assert undone == {"removed": 1, "restored": 1, "kept": 1, "gone": 0}
    rows = await fetch("SELECT id, job_title FROM crm_contact ORDER BY id")
    assert rows == [{"id": ada["id"], "job_title": "Countess"}, {"id": bob["id"], "job_title": "Chief"}]
    kept = await ledger.lookup(run_id, "commit", "bob@example.com")
    assert kept[0]["undo"] == "kept: edited since (job_title)"
    assert (await service.runs.load(run_id))["status"] == "rolled_back"


async def test_a_members_import_updates_only_the_records_they_may_change(
    crm_app, crm_admin, crm_client, crm_make_user, write_csv
):
    hidden = (await crm_client.post("/api/v1/contacts", json={
        "given_name": "Secret", "emails": [{"address": "secret@example.com"}]})).json()
    member, _ = await crm_make_user("member@example.com", role="member")
    path = write_csv([["Email", "Job title"], ["secret@example.com", "Spy"], ["mine@example.com", "Mine"]])
    _, counts = await _committed(member, path, chosen={"Email": "email", "Job title": "job_title"})
    assert counts == {"create": 1, "update": 0, "skip": 1, "error": 0}
    rows = await fetch("SELECT id, job_title, owner FROM crm_contact ORDER BY id")
    assert rows[0] == {"id": hidden["id"], "job_title": "", "owner": crm_admin[0].id}
    assert rows[1]["owner"] == member.id


@pytest.mark.parametrize("crm_plugins", [VET])
async def test_a_plugin_kind_imports_by_its_declared_fields(crm_app, crm_admin, write_csv):
    principal, _ = crm_admin
    fields = await service.fields_of("vet.pet")
    assert {"name", "species", "born_on", "custom.vet_chip_number"} <= set(fields)
    path = write_csv([["Name", "Species", "Born on", "Microchip number"], ["Rex", "dog", "2020-05-01", "A-1"],
                      ["Tom", "dragon", "", ""]])
    _, counts = await _committed(principal, path, kind="vet.pet")
    assert counts == {"create": 1, "update": 0, "skip": 0, "error": 1}
    pets = await fetch("SELECT name, species, born_on, custom FROM vet_pet")
    assert pets[0]["name"] == "Rex" and str(pets[0]["born_on"]) == "2020-05-01" and "A-1" in str(pets[0]["custom"])


@pytest.mark.parametrize("crm_plugins", [["probe"]])
@pytest.mark.exercises("crm_importers")
async def test_a_plugins_importer_reads_its_format_into_the_same_run(crm_app, crm_admin, tmp_path):
    principal, _ = crm_admin
    path = tmp_path / "people.lines"
    path.write_text("#probe-lines\nAda | ada@example.com\nBad | nope\n")
    run_id = await service.start(principal, path, path.name, "contact", path.stat().st_size)
    run = await service.runs.load(run_id)
    assert run["format"] == "probe.lines" and run["mapping"] == {"name": "display_name", "email": "email"}
    assert await engine.dry_run(run_id, principal) == {"create": 1, "update": 0, "skip": 0, "error": 1}
    assert (await engine.commit(run_id, principal))["create"] == 1
    assert await fetch("SELECT display_name, primary_email FROM crm_contact") == [
        {"display_name": "Ada", "primary_email": "ada@example.com"}]


async def test_companies_import_and_match_by_name(crm_app, crm_admin, write_csv):
    principal, _ = crm_admin
    first = write_csv([["Company", "Website", "Industry"], ["Northwind", "northwind.example", "Freight"]])
    _, counts = await _committed(principal, first, kind="company")
    assert counts["create"] == 1
    again = write_csv([["Company", "Website", "Industry"], ["Northwind", "nw.example", "Logistics"]], name="b.csv")
    _, counts = await _committed(principal, again, kind="company")
    assert counts == {"create": 0, "update": 1, "skip": 0, "error": 0}
    rows = await fetch("SELECT name, domains, industry FROM crm_company")
    assert rows[0]["industry"] == "Logistics" and "nw.example" in str(rows[0]["domains"])
