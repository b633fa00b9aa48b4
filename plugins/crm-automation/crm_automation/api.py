"""``/api/v1/automation/``: triggers and actions to build with, workflows and their versions,
dry runs, runs with their steps, webhook endpoints and their delivery logs, segments and
their members."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody

from crm_automation import (
    actions,
    engine,
    forms,
    inbound,
    runs,
    scoring,
    segments,
    triggers,
    webhooks,
    workflows,
)
from crm_automation.bodies import unknown_fields
from crm_platform.toolkit import (
    CurrentPrincipal,
    Invalid,
    check_limit,
    get_records,
    invalid,
    require_permission,
)

VIEW = "automation.view"
SEGMENT_FIELDS = ("name", "kind", "dynamic", "filters")
MANAGE = "automation.manage"


def only_fields(data: Any, *allowed: str) -> dict[str, Any]:
    """The body as given, refused with a 422 naming each field it does not take."""
    if not isinstance(data, dict):
        raise invalid("body", f"must be an object with {', '.join(allowed)}")
    unknown = unknown_fields(data, allowed)
    if unknown:
        raise Invalid(unknown)
    return data


def action_entry(action: Any) -> dict[str, Any]:
    return {"key": action.key, "label": action.label, "params": list(action.params), "help": action.help}


async def with_titles(principal: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each run with its record's title, for records the user may see; others are left out."""
    by_kind: dict[str, list[int]] = {}
    for row in rows:
        if row["record_kind"] and row["record_id"] is not None:
            by_kind.setdefault(row["record_kind"], []).append(row["record_id"])
    seen: dict[tuple[str, int], dict[str, Any]] = {}
    for kind, ids in by_kind.items():
        try:
            found = await get_records(principal, kind, ids)
        except Exception:  # a kind whose plugin was switched off since
            found = {}
        seen |= {(kind, record_id): record for record_id, record in found.items()}
    shown = []
    for row in rows:
        key = (row["record_kind"], row["record_id"])
        if row["record_id"] is not None and key not in seen:
            continue
        record = seen.get(key, {})
        title = record.get("title") or record.get("display_name") or record.get("name") or " ".join(
            part for part in (record.get("given_name"), record.get("family_name")) if part) or record.get("subject")
        shown.append(row | {"record_title": title or ""})
    return shown


class AutomationController(Controller):
    path = "/"

    @get("/triggers")
    async def list_triggers(self, principal: CurrentPrincipal) -> list[dict[str, Any]]:
        """The event classes a workflow may start on, with the filters each takes."""
        await require_permission(principal, VIEW)
        return triggers.catalogue()

    @get("/actions")
    async def list_actions(self, principal: CurrentPrincipal) -> list[dict[str, Any]]:
        """The steps a workflow may take: this plugin's and every enabled plugin's."""
        await require_permission(principal, VIEW)
        return [action_entry(action) for action in actions.available().values()]

    @get("/workflows")
    async def list_workflows(self, principal: CurrentPrincipal, limit: FromQuery[int] = 50,
                             cursor: FromQuery[str | None] = None) -> dict[str, Any]:
        await require_permission(principal, VIEW)
        check_limit(limit)
        items, next_cursor = await workflows.page(limit, cursor)
        return {"items": items, "next_cursor": next_cursor}

    @post("/workflows")
    async def create_workflow(self, principal: CurrentPrincipal, data: JSONBody[dict[str, Any]]) -> dict[str, Any]:
        """A workflow from its name, trigger, conditions and steps; off until enabled."""
        await require_permission(principal, MANAGE)
        return await workflows.get(await workflows.create(principal, data))

    @get("/workflows/{workflow_id:int}")
    async def get_workflow(self, principal: CurrentPrincipal, workflow_id: FromPath[int]) -> dict[str, Any]:
        await require_permission(principal, VIEW)
        return await workflows.get(workflow_id)

    @patch("/workflows/{workflow_id:int}")
    async def edit_workflow(self, principal: CurrentPrincipal, workflow_id: FromPath[int],
                            data: JSONBody[dict[str, Any]]) -> dict[str, Any]:
        """A new version when the trigger, conditions or steps change; runs in flight keep theirs."""
        await require_permission(principal, MANAGE)
        return await workflows.update(principal, workflow_id, data)

    @delete("/workflows/{workflow_id:int}")
    async def delete_workflow(self, principal: CurrentPrincipal, workflow_id: FromPath[int]) -> None:
        await require_permission(principal, MANAGE)
        await workflows.delete(workflow_id)

    @post("/workflows/{workflow_id:int}/enable", status_code=200)
    async def enable(self, principal: CurrentPrincipal, workflow_id: FromPath[int]) -> dict[str, Any]:
        await require_permission(principal, MANAGE)
        return await workflows.set_enabled(workflow_id, True)

    @post("/workflows/{workflow_id:int}/disable", status_code=200)
    async def disable(self, principal: CurrentPrincipal, workflow_id: FromPath[int]) -> dict[str, Any]:
        await require_permission(principal, MANAGE)
        return await workflows.set_enabled(workflow_id, False)

    @get("/workflows/{workflow_id:int}/versions")
    async def list_versions(self, principal: CurrentPrincipal, workflow_id: FromPath[int]) -> list[dict[str, Any]]:
        await require_permission(principal, VIEW)
        return await workflows.versions(workflow_id)

    @post("/workflows/{workflow_id:int}/dry-run", status_code=200)
    async def dry_run(self, principal: CurrentPrincipal, workflow_id: FromPath[int],
                      data: JSONBody[dict[str, Any]]) -> dict[str, Any]:
        """What the workflow would do for ``{"kind": ..., "record_id": ...}``; nothing is changed."""
        await require_permission(principal, MANAGE)
        only_fields(data, "kind", "record_id")
        workflow = await workflows.get(workflow_id)
        kind = data.get("kind") or workflow["trigger"].get("kind") or ""
        record_id = data.get("record_id")
        if not isinstance(kind, str) or not kind:
            raise invalid("kind", "name the kind of the record to try the workflow on")
        if not isinstance(record_id, int) or isinstance(record_id, bool):
            raise invalid("record_id", "must be the id of a record")
        return await engine.dry_run(principal, workflow, kind, record_id)

    @get("/workflows/{workflow_id:int}/runs")
    async def list_runs(self, principal: CurrentPrincipal, workflow_id: FromPath[int], limit: FromQuery[int] = 50,
                        cursor: FromQuery[str | None] = None) -> dict[str, Any]:
        await require_permission(principal, VIEW)
        check_limit(limit)
        await workflows.get(workflow_id)
        items, next_cursor = await runs.of_workflow(workflow_id, limit, cursor)
        shown = await with_titles(principal, items)
        steps = await runs.steps_of([row["id"] for row in shown])
        return {"items": [row | {"steps": steps[row["id"]]} for row in shown], "next_cursor": next_cursor}

    @get("/runs/{run_id:int}")
    async def get_run(self, principal: CurrentPrincipal, run_id: FromPath[int]) -> dict[str, Any]:
        await require_permission(principal, VIEW)
        run = await runs.get(run_id)
        shown = await with_titles(principal, [run])
        if not shown:
            from crm_platform.toolkit import NotFound

            raise NotFound("automation.run", run_id)
        return shown[0]

    @get("/endpoints")
    async def list_endpoints(self, principal: CurrentPrincipal) -> list[dict[str, Any]]:
        await require_permission(principal, MANAGE)
        return await webhooks.list_endpoints()

    @post("/endpoints")
    async def create_endpoint(self, principal: CurrentPrincipal, data: JSONBody[dict[str, Any]]) -> dict[str, Any]:
        """An endpoint with a new signing secret, shown this once."""
        await require_permission(principal, MANAGE)
        name, url = only_fields(data, "name", "url").get("name"), data.get("url")
        if not isinstance(name, str):
            raise invalid("name", "is required")
        if not isinstance(url, str):
            raise invalid("url", "is required")
        return await webhooks.create_endpoint(name, url)

    @post("/endpoints/{endpoint_id:int}/rotate", status_code=200)
    async def rotate(self, principal: CurrentPrincipal, endpoint_id: FromPath[int]) -> dict[str, Any]:
        """A new secret, shown this once; messages are signed with it and the previous one."""
        await require_permission(principal, MANAGE)
        return await webhooks.rotate(endpoint_id)

    @post("/endpoints/{endpoint_id:int}/retire-old-secret", status_code=200)
    async def retire(self, principal: CurrentPrincipal, endpoint_id: FromPath[int]) -> dict[str, Any]:
        await require_permission(principal, MANAGE)
        return await webhooks.retire_old_secrets(endpoint_id)

    @get("/endpoints/{endpoint_id:int}/deliveries")
    async def list_deliveries(self, principal: CurrentPrincipal, endpoint_id: FromPath[int]) -> list[dict[str, Any]]:
        await require_permission(principal, MANAGE)
        await webhooks.get_endpoint(endpoint_id)
        return await webhooks.deliveries(endpoint_id)


    @post("/inbound")
    async def create_inbound(self, principal: CurrentPrincipal, data: JSONBody[dict[str, Any]]) -> dict[str, Any]:
        """An inbound webhook with its signing secret, shown this once."""
        await require_permission(principal, MANAGE)
        return await inbound.create(only_fields(data, "name").get("name"))

    @post("/inbound/{inbound_id:int}/messages", status_code=202)
    async def receive_inbound(self, request: Request, principal: CurrentPrincipal,
                              inbound_id: FromPath[int]) -> dict[str, Any]:
        """A signed message (Standard Webhooks headers); workflows trigger on
        ``InboundWebhookReceived``. A replayed ``webhook-id`` is a 409."""
        await require_permission(principal, MANAGE)
        return await inbound.receive(principal.id, inbound_id, dict(request.headers), await request.body())


    @get("/score-rules")
    async def list_score_rules(self, principal: CurrentPrincipal) -> list[dict[str, Any]]:
        await require_permission(principal, VIEW)
        return await scoring.rules()

    @post("/score-rules")
    async def create_score_rule(self, principal: CurrentPrincipal, data: JSONBody[dict[str, Any]]) -> dict[str, Any]:
        """A rule: ``points`` for contacts meeting ``conditions``, fading by half every
        ``half_life_days`` (optional) from when a contact began to meet them; contacts are
        scored as they change, and fading scores every night."""
        await require_permission(principal, MANAGE)
        return await scoring.create_rule(only_fields(data, "name", "conditions", "points", "half_life_days"))

    @delete("/score-rules/{rule_id:int}")
    async def delete_score_rule(self, principal: CurrentPrincipal, rule_id: FromPath[int]) -> None:
        await require_permission(principal, MANAGE)
        await scoring.delete_rule(rule_id)

    @get("/scores/{contact_id:int}")
    async def get_score(self, principal: CurrentPrincipal, contact_id: FromPath[int]) -> dict[str, Any]:
        """A contact's lead score and why: the rules that contributed."""
        return await scoring.score(principal, contact_id)

    @get("/segments")
    async def list_segments(self, principal: CurrentPrincipal) -> list[dict[str, Any]]:
        await require_permission(principal, VIEW)
        return await segments.all_segments()

    @post("/segments")
    async def create_segment(self, principal: CurrentPrincipal, data: JSONBody[Any]) -> dict[str, Any]:
        """A dynamic segment (``filters``: ``owner_id``, ``tag``, ``equals``, ``custom``) or a
        static list (``dynamic: false``); answered with its count."""
        await require_permission(principal, MANAGE)
        return await segments.create(principal, only_fields(data, *SEGMENT_FIELDS))

    @get("/segments/{segment_id:int}")
    async def get_segment(self, principal: CurrentPrincipal, segment_id: FromPath[int]) -> dict[str, Any]:
        """The segment and how many members the user sees."""
        await require_permission(principal, VIEW)
        return await segments.get(principal, segment_id)

    @patch("/segments/{segment_id:int}")
    async def update_segment(self, principal: CurrentPrincipal, segment_id: FromPath[int],
                             data: JSONBody[Any]) -> dict[str, Any]:
        await require_permission(principal, MANAGE)
        return await segments.update(principal, segment_id, only_fields(data, *SEGMENT_FIELDS))

    @delete("/segments/{segment_id:int}")
    async def delete_segment(self, principal: CurrentPrincipal, segment_id: FromPath[int]) -> None:
        await require_permission(principal, MANAGE)
        await segments.delete(segment_id)

    @get("/segments/{segment_id:int}/members")
    async def list_members(self, principal: CurrentPrincipal, segment_id: FromPath[int], limit: FromQuery[int] = 50,
                           cursor: FromQuery[str | None] = None) -> dict[str, Any]:
        """One keyset page of the members the user sees, by id."""
        await require_permission(principal, VIEW)
        _, rows, next_cursor = await segments.members(principal, segment_id, limit=check_limit(limit), cursor=cursor)
        return {"items": rows, "next_cursor": next_cursor}

    @post("/segments/{segment_id:int}/members", status_code=200)
    async def add_members(self, principal: CurrentPrincipal, segment_id: FromPath[int],
                          data: JSONBody[dict[str, Any]]) -> dict[str, Any]:
        """Add ``ids`` to a static list."""
        await require_permission(principal, MANAGE)
        return {"added": await segments.add(principal, segment_id, only_fields(data, "ids").get("ids"))}

    @post("/segments/{segment_id:int}/members/remove", status_code=200)
    async def remove_members(self, principal: CurrentPrincipal, segment_id: FromPath[int],
                             data: JSONBody[dict[str, Any]]) -> dict[str, Any]:
        """Take ``ids`` out of a static list."""
        await require_permission(principal, MANAGE)
        return {"removed": await segments.remove(principal, segment_id, only_fields(data, "ids").get("ids"))}

    @get("/forms")
    async def list_forms(self, principal: CurrentPrincipal) -> list[dict[str, Any]]:
        await require_permission(principal, MANAGE)
        return await forms.all_forms()

    @post("/forms")
    async def create_form(self, principal: CurrentPrincipal, data: JSONBody[Any]) -> dict[str, Any]:
        """A web-to-lead form: ``fields`` of ``label``, ``maps_to`` (email, given_name, family_name,
        phone, job_title or custom.<key>) and ``required``; its hosted page is ``url``."""
        await require_permission(principal, MANAGE)
        return await forms.create(principal, only_fields(data, "name", "tag", "fields"))


HANDLERS = (AutomationController,)
