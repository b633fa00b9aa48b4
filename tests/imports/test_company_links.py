"""A contact import's company column links each contact to the company it names, found by
name or domain among the companies the user may see, created when there is none (counted in
the dry run); the job title becomes the role. A rollback takes the new companies away."""

from __future__ import annotations

from crm_platform.db.raw import fetch
from crm_platform.imports import engine, ledger, rollback, service

HEADER = ["First name", "Email", "Job title", "Organisation"]


async def _dry(principal, path, match="email"):
    run_id = await service.start(principal, path, path.name, "contact", path.stat().st_size)
    run = await service.runs.load(run_id)
    assert run["mapping"]["Organisation"] == "company"
    await service.set_mapping(principal, run_id, run["mapping"], match)
    counts = await engine.dry_run(run_id, principal)
    rows, _ = await ledger.page(run_id, "dry")
    return run_id, counts, {row["row_number"]: row for row in rows}


async def _links():
    return await fetch(
        "SELECT c.given_name, co.name, r.role FROM crm_relationship r JOIN crm_contact c ON c.id = r.source_id "
        "JOIN crm_company co ON co.id = r.target_id WHERE r.type = 'works_at' ORDER BY c.given_name"
    )


async def test_companies_are_matched_by_name_or_domain_and_created_when_missing(
    crm_app, crm_admin, crm_client, write_csv
):
    principal, _ = crm_admin
    acme = await crm_client.post("/api/v1/companies", json={"name": "Acme Ltd", "domains": ["acme.example"]})
    assert acme.status_code == 201
    path = write_csv([
        HEADER,
        ["Ada", "ada@example.com", "Engineer", "acme ltd"],               # by name, any case
        ["Bo", "bo@example.com", "", "https://www.acme.example/about"],   # by domain
        ["Cy", "cy@example.com", "Chef", "Globex"],                        # new
        ["Di", "di@example.com", "", "globex"],                            # the same new one
        ["Ed", "ed@example.com", "", "initech.example"],                   # new, by domain
    ])
    run_id, counts, rows = await _dry(principal, path)
    assert counts == {"create": 5, "update": 0, "skip": 0, "error": 0, "new_companies": 2}
    assert rows[1]["reason"] == "works at Acme Ltd"
    assert rows[3]["reason"] == "works at Globex (a new company)"
    assert await fetch("SELECT name FROM crm_company ORDER BY name") == [{"name": "Acme Ltd"}]
    done = await engine.commit(run_id, principal)
    assert done["new_companies"] == 2
    companies = await fetch("SELECT name, domains FROM crm_company ORDER BY name")
    assert [row["name"] for row in companies] == ["Acme Ltd", "Globex", "initech.example"]
    assert await _links() == [
        {"given_name": "Ada", "name": "Acme Ltd", "role": "Engineer"},
        {"given_name": "Bo", "name": "Acme Ltd", "role": ""},
        {"given_name": "Cy", "name": "Globex", "role": "Chef"},
        {"given_name": "Di", "name": "Globex", "role": ""},
        {"given_name": "Ed", "name": "initech.example", "role": ""},
    ]


async def test_a_matched_contact_gains_the_link_once(crm_app, crm_admin, crm_client, write_csv):
    principal, _ = crm_admin
    await crm_client.post("/api/v1/contacts", json={"given_name": "Ada", "emails": [{"address": "ada@example.com"}]})
    path = write_csv([HEADER, ["Ada", "ada@example.com", "", "Globex"]])
    run_id, counts, rows = await _dry(principal, path)
    assert counts["update"] == 1 and rows[1]["reason"] == "works at Globex (a new company)"
    await engine.commit(run_id, principal)
    again_id, again, _ = await _dry(principal, write_csv([HEADER, ["Ada", "ada@example.com", "", "Globex"]],
                                                          name="again.csv"))
    assert again == {"create": 0, "update": 0, "skip": 1, "error": 0}
    await engine.commit(again_id, principal)
    assert await _links() == [{"given_name": "Ada", "name": "Globex", "role": ""}]


async def test_a_company_the_user_may_not_see_is_not_linked_nor_named(
    crm_app, crm_admin, crm_make_user, write_csv
):
    from crm_platform.companies.tables import Company

    admin, _ = crm_admin
    await Company.insert(Company(name="Secret Co", owner=admin.id))
    member, _ = await crm_make_user("member@example.com", role="member")
    run_id, counts, rows = await _dry(member, write_csv([HEADER, ["Mo", "mo@example.com", "", "Secret Co"]]))
    assert counts["new_companies"] == 1 and rows[1]["reason"] == "works at Secret Co (a new company)"
    await engine.commit(run_id, member)
    owners = await fetch("SELECT name, owner FROM crm_company ORDER BY id")
    assert owners == [{"name": "Secret Co", "owner": admin.id}, {"name": "Secret Co", "owner": member.id}]


async def test_rollback_removes_the_companies_the_import_created(crm_app, crm_admin, crm_client, write_csv):
    principal, _ = crm_admin
    await crm_client.post("/api/v1/companies", json={"name": "Acme Ltd"})
    await crm_client.post("/api/v1/contacts", json={"given_name": "Bo", "emails": [{"address": "bo@example.com"}]})
    path = write_csv([HEADER, ["Ada", "ada@example.com", "", "Acme Ltd"], ["Cy", "cy@example.com", "", "Globex"],
                      ["Bo", "bo@example.com", "", "Initech"]])
    run_id, _, _ = await _dry(principal, path)
    await engine.commit(run_id, principal)
    assert len(await _links()) == 3
    undone = await rollback.rollback(run_id, principal)
    assert undone["removed"] == 2 and undone["companies_removed"] == 2
    assert await fetch("SELECT name FROM crm_company") == [{"name": "Acme Ltd"}]
    assert await _links() == []
    assert await fetch("SELECT given_name FROM crm_contact") == [{"given_name": "Bo"}]


async def test_a_batch_with_companies_costs_the_same_statements_for_ten_rows_as_for_a_hundred(
    crm_app, crm_admin, crm_engine, write_csv
):
    from crm_platform.imports import plan

    principal, _ = crm_admin
    counts = []
    for size in (10, 100):
        rows = [[f"P{i}", f"p{size}-{i}@example.com", "", f"Company {i}"] for i in range(size)]
        path = write_csv([HEADER, *rows], name=f"{size}.csv")
        run_id = await service.start(principal, path, path.name, "contact", path.stat().st_size)
        run = await service.runs.load(run_id)
        await service.set_mapping(principal, run_id, run["mapping"], "email")
        context = await engine.context_for(await service.runs.load(run_id), principal)
        batch = [(number, dict(zip(HEADER, row, strict=True))) for number, row in enumerate(rows, 1)]
        before = crm_engine.statements_run
        planned = await plan.plan_batch(context, batch)
        counts.append(crm_engine.statements_run - before)
        assert all(item.outcome == "create" for item in planned)
    assert counts[0] == counts[1]
