"""The automation pages under ``/automation/``: the workflows, the builder (htmx forms, no
script of our own), a workflow with its versions, runs and dry run, and one run."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from crm_automation import (
    builder,
    conditions,
    engine,
    form_pages,
    runs,
    segment_pages,
    sequence_pages,
    webhooks,
    workflows,
)
from crm_automation.api import MANAGE, VIEW, with_titles
from crm_platform.toolkit import (
    CrmError,
    CurrentPrincipal,
    Invalid,
    NotFound,
    has_permission,
    record_kinds,
    render_fragment,
    render_page,
    require_permission,
)

OPERATORS = [(op, op.replace("_", " ")) for op in conditions.OPERATORS]


def _kind_choices() -> list[tuple[str, str]]:
    return [(kind.key, kind.label) for kind in record_kinds()]


async def _builder(request: Request, definition: dict[str, Any], *, action: str, title: str,
                   errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    return render_page(
        request, "automation/builder.html", status_code=status_code, title=title, form_action=action,
        errors=errors or {}, kind_choices=_kind_choices(), operators=OPERATORS,
        **builder.form_state(definition), **builder.choices(),
    )


@get("/", name="automation-list", include_in_schema=False)
async def list_page(request: Request, principal: CurrentPrincipal, cursor: FromQuery[str | None] = None) -> Response:
    await require_permission(principal, VIEW)
    items, next_cursor = await workflows.page(50, cursor)
    manage = await has_permission(principal, MANAGE)
    endpoints = await webhooks.list_endpoints() if manage else []
    return render_page(request, "automation/list.html", workflows=items, next_cursor=next_cursor, manage=manage,
                       endpoints=endpoints)


@get("/new", name="automation-new", include_in_schema=False)
async def new_page(request: Request, principal: CurrentPrincipal) -> Response:
    await require_permission(principal, MANAGE)
    return await _builder(request, {"trigger": {}, "steps": []}, action="/automation/new", title="New workflow")


@post("/new", name="automation-create", include_in_schema=False)
async def create_from_page(request: Request, principal: CurrentPrincipal) -> Response:
    await require_permission(principal, MANAGE)
    definition = builder.definition_from(await request.form())
    try:
        workflow_id = await workflows.create(principal, definition)
    except Invalid as error:
        return await _builder(request, definition, action="/automation/new", title="New workflow",
                              errors=error.errors, status_code=422)
    return Redirect(f"/automation/workflows/{workflow_id}", status_code=303)


@get("/builder/step", name="automation-builder-step", include_in_schema=False)
async def step_fragment(request: Request, principal: CurrentPrincipal, action: FromQuery[str] = "",
                        index: FromQuery[int] = 0) -> Response:
    """One step's inputs, for the builder's "Add step" button."""
    await require_permission(principal, MANAGE)
    found = builder.choices()["actions_by_key"]
    if action not in found:
        return Response(f"choose an action: {', '.join(found)}", status_code=422, media_type="text/plain")
    return render_fragment(request, "automation/_step.html", index=index, step={"action": action},
                           errors={}, fragment=True, **builder.choices())


@get("/builder/condition", name="automation-builder-condition", include_in_schema=False)
async def condition_fragment(request: Request, principal: CurrentPrincipal, index: FromQuery[int] = 0) -> Response:
    await require_permission(principal, MANAGE)
    return render_fragment(request, "automation/_condition.html", index=index, row={"op": "eq"},
                           operators=OPERATORS, errors={}, match="all")


async def _workflow_page(request: Request, principal: Any, workflow_id: int, *, dry: dict[str, Any] | None = None,
                         errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    workflow = await workflows.get(workflow_id)
    items, next_cursor = await runs.of_workflow(workflow_id, 25)
    shown = await with_titles(principal, items)
    steps = await runs.steps_of([row["id"] for row in shown])
    return render_page(
        request, "automation/workflow.html", status_code=status_code, workflow=workflow,
        conditions_text=conditions.explain(workflow["conditions"]), versions=await workflows.versions(workflow_id),
        runs=[row | {"steps": steps[row["id"]]} for row in shown], next_cursor=next_cursor,
        manage=await has_permission(principal, MANAGE), kind_choices=_kind_choices(), dry=dry, errors=errors or {},
        actions_by_key=builder.choices()["actions_by_key"],
    )


@get("/workflows/{workflow_id:int}", name="automation-workflow", include_in_schema=False)
async def workflow_page(request: Request, principal: CurrentPrincipal, workflow_id: FromPath[int]) -> Response:
    await require_permission(principal, VIEW)
    return await _workflow_page(request, principal, workflow_id)


@get("/workflows/{workflow_id:int}/edit", name="automation-edit", include_in_schema=False)
async def edit_page(request: Request, principal: CurrentPrincipal, workflow_id: FromPath[int]) -> Response:
    await require_permission(principal, MANAGE)
    workflow = await workflows.get(workflow_id)
    return await _builder(request, workflow, action=f"/automation/workflows/{workflow_id}/edit",
                          title=f"Edit {workflow['name']}")


@post("/workflows/{workflow_id:int}/edit", name="automation-update", include_in_schema=False)
async def update_from_page(request: Request, principal: CurrentPrincipal, workflow_id: FromPath[int]) -> Response:
    await require_permission(principal, MANAGE)
    definition = builder.definition_from(await request.form())
    try:
        await workflows.update(principal, workflow_id, definition)
    except Invalid as error:
        return await _builder(request, definition, action=f"/automation/workflows/{workflow_id}/edit",
                              title="Edit workflow", errors=error.errors, status_code=422)
    return Redirect(f"/automation/workflows/{workflow_id}", status_code=303)


@post("/workflows/{workflow_id:int}/switch", name="automation-switch", include_in_schema=False)
async def switch_from_page(request: Request, principal: CurrentPrincipal, workflow_id: FromPath[int]) -> Response:
    await require_permission(principal, MANAGE)
    form = await request.form()
    await workflows.set_enabled(workflow_id, form.get("enabled") == "on")
    return Redirect(f"/automation/workflows/{workflow_id}", status_code=303)


@post("/workflows/{workflow_id:int}/dry-run", name="automation-dry-run", include_in_schema=False)
async def dry_run_from_page(request: Request, principal: CurrentPrincipal, workflow_id: FromPath[int]) -> Response:
    await require_permission(principal, MANAGE)
    form = await request.form()
    workflow = await workflows.get(workflow_id)
    kind, raw_id = form.get("kind") or "", (form.get("record_id") or "").strip()
    if not raw_id.isdecimal():
        return await _workflow_page(request, principal, workflow_id, status_code=422,
                                    errors={"record_id": "give the id of a record to try the workflow on"})
    try:
        result = await engine.dry_run(principal, workflow, kind, int(raw_id))
    except (NotFound, CrmError) as error:
        message = f"no {kind} {raw_id} that you may see" if isinstance(error, NotFound) else str(error)
        return await _workflow_page(request, principal, workflow_id, status_code=422, errors={"record_id": message})
    return await _workflow_page(request, principal, workflow_id, dry=result)


@get("/runs/{run_id:int}", name="automation-run", include_in_schema=False)
async def run_page(request: Request, principal: CurrentPrincipal, run_id: FromPath[int]) -> Response:
    await require_permission(principal, VIEW)
    shown = await with_titles(principal, [await runs.get(run_id)])
    if not shown:
        raise NotFound("automation.run", run_id)
    return render_page(request, "automation/run.html", run=shown[0])


HANDLERS = (*segment_pages.HANDLERS, *sequence_pages.HANDLERS, *form_pages.HANDLERS, list_page, new_page, create_from_page, step_fragment, condition_fragment, workflow_page, edit_page,
            update_from_page, switch_from_page, dry_run_from_page, run_page)
