"""The dry run: each row's outcome (create, update, skip with the reason, error with the
field) and the totals, before anything is written."""

from __future__ import annotations

from crm_platform.db.raw import fetch
from crm_platform.imports import engine, ledger, service


async def _planned(principal, path, kind="contact", chosen=None, match=None):
    run_id = await service.start(principal, path, path.name, kind, path.stat().st_size)
    if chosen is not None or match is not None:
        run = await service.runs.load(run_id)
        await service.set_mapping(principal, run_id, chosen or run["mapping"], match)
    counts = await engine.dry_run(run_id, principal)
    rows, _ = await ledger.page(run_id, "dry")
    return run_id, counts, {row["row_number"]: row for row in rows}


async def test_dry_run_names_each_rows_outcome_and_writes_nothing(crm_app, crm_admin, crm_client, write_csv):
    principal, _ = crm_admin
    existing = await crm_client.post("/api/v1/contacts", json={"given_name": "Ada", "emails": [{"address": "ada@example.com"}]})
    assert existing.status_code == 201
    path = write_csv([
        ["First name", "Last name", "E-mail", "Stage"],
        ["Ada", "Lovelace", "ADA@example.com", "customer"],   # matches Ada by email: update
        ["Grace", "Hopper", "grace@example.com", "lead"],     # new
        ["Alan", "Turing", "not-an-email", "lead"],           # bad email
        ["Grace", "H.", "grace@example.com", "lead"],         # second time in the file
        ["Linus", "", "linus@example.com", "wizard"],         # bad stage
    ])
    run_id, counts, rows = await _planned(principal, path)
    assert counts == {"create": 1, "update": 1, "skip": 1, "error": 2}
    assert rows[1]["outcome"] == "update" and rows[1]["record_id"] == existing.json()["id"]
    assert rows[1]["written"] == {"family_name": "Lovelace", "lifecycle_stage": "customer"}
    assert rows[2]["outcome"] == "create"
    assert rows[3]["outcome"] == "error" and rows[3]["reason"].startswith("emails[0].address:")
    assert rows[4]["outcome"] == "skip" and rows[4]["reason"] == "the same email as row 2"
    assert rows[5]["outcome"] == "error" and "lifecycle_stage: must be one of" in rows[5]["reason"]
    contacts = await fetch("SELECT display_name FROM crm_contact")
    assert [row["display_name"] for row in contacts] == ["Ada"]
    run = await service.runs.load(run_id)
    assert run["status"] == "planned" and run["planned"] == counts


async def test_the_command_line_imports_with_a_mapping_and_a_dry_run(crm_app, crm_admin, crm_cli, write_csv):
    path = write_csv([["Vorname", "Mail", "Kunde"], ["Jo", "jo@example.com", "x"], ["Kim", "kim@example.com", "y"]],
                     delimiter=";")
    dry = crm_cli("import", str(path), "--kind", "contact", "--mapping", "Vorname=given_name,Mail=email", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "would: 2 create, 0 update, 0 skip, 0 error" in dry.output
    assert await fetch("SELECT id FROM crm_contact") == []
    done = crm_cli("import", str(path), "--mapping", "Vorname=given_name,Mail=email", "--match", "email")
    assert "done: 2 create" in done.output, done.output
    again = crm_cli("import", str(path), "--mapping", "Vorname=given_name,Mail=email", "--match", "email")
    assert "done: 0 create, 0 update, 2 skip" in again.output, again.output
    rows = await fetch("SELECT given_name, primary_email FROM crm_contact ORDER BY given_name")
    assert rows == [{"given_name": "Jo", "primary_email": "jo@example.com"},
                    {"given_name": "Kim", "primary_email": "kim@example.com"}]


async def test_a_value_longer_than_its_field_is_an_error_of_its_row(crm_app, crm_admin, write_csv):
    principal, _ = crm_admin
    path = write_csv([["First name", "Email"], ["A" * 101, "long@example.com"], ["Short", "short@example.com"]])
    _, counts, rows = await _planned(principal, path)
    assert counts == {"create": 1, "update": 0, "skip": 0, "error": 1}
    assert rows[1]["reason"] == "given_name: is 101 characters long; at most 100 fit (column 'First name')"


async def test_a_multi_choice_cell_imports_every_choice_it_names(crm_app, crm_admin, crm_client, write_csv):
    from crm_platform.records.tables import CustomField

    await CustomField.insert(CustomField(record_type="contact", key="perks", label="Perks", kind="multi_choice",
                                         choices=["gold", "silver", "bronze"]))
    for name in ("Ada", "Bo"):
        await crm_client.post("/api/v1/contacts", json={"given_name": name, "emails": [{"address": f"{name}@example.com"}]})
    path = write_csv([["Email", "Perks"], ["ada@example.com", "bronze, gold"], ["bo@example.com", "gold;tin"]])
    _, counts, rows = await _planned(crm_admin[0], path)
    assert rows[1]["outcome"] == "update" and rows[1]["written"] == {"custom.perks": ["gold", "bronze"]}
    assert rows[2]["outcome"] == "error" and rows[2]["reason"].startswith("custom.perks:")
