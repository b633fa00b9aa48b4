"""Pipelines and their stages: the default one seeded on first use, created by managers."""

from __future__ import annotations

from typing import Any

import msgspec
from crm_hookspecs import Principal

from crm_platform.toolkit import Forbidden, Invalid, NotFound, audit_diff, audit_record, fetch, unit_of_work
from crm_sales.schemas import PipelineIn, PipelinePatch, StageIn
from crm_sales.tables import STAGE_KINDS, Pipeline, Stage

DEFAULT_PIPELINE = "Sales"
DEFAULT_STAGES = (
    StageIn("Lead", 10),
    StageIn("Qualified", 25),
    StageIn("Proposal", 50),
    StageIn("Negotiation", 75),
    StageIn("Won", 100, kind="won"),
    StageIn("Lost", 0, kind="lost"),
)


def _stages_by_pipeline(rows: list[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row["pipeline"], []).append(row)
    return found


async def ensure_default_pipeline() -> None:
    """Seed the default pipeline the first time the plugin is used on an instance."""
    if await fetch("SELECT id FROM sales_pipeline LIMIT 1"):
        return
    async with unit_of_work():
        if not await Pipeline.select(Pipeline.id).limit(1):
            await _insert(DEFAULT_PIPELINE, list(DEFAULT_STAGES), is_default=True)


async def _insert(name: str, stages: list[StageIn], is_default: bool) -> int:
    if is_default:
        await Pipeline.update({Pipeline.is_default: False}, force=True)
    position = await fetch("SELECT coalesce(max(position), 0) + 1 AS next FROM sales_pipeline")
    inserted = await Pipeline.insert(Pipeline(name=name, is_default=is_default, position=position[0]["next"]))
    pipeline_id = inserted[0]["id"]
    await Stage.insert(
        *(
            Stage(
                pipeline=pipeline_id, name=stage.name, position=index + 1, probability=stage.probability,
                kind=stage.kind, stale_after_days=stage.stale_after_days,
            )
            for index, stage in enumerate(stages)
        )
    )
    return pipeline_id


async def list_pipelines() -> list[dict[str, Any]]:
    """Every pipeline with its stages in order, default first."""
    await ensure_default_pipeline()
    pipelines = await fetch("SELECT id, name, is_default FROM sales_pipeline ORDER BY is_default DESC, position, id")
    stages = _stages_by_pipeline(await fetch("SELECT * FROM sales_stage ORDER BY pipeline, position"))
    return [pipeline | {"stages": stages.get(pipeline["id"], [])} for pipeline in pipelines]


async def get_pipeline(pipeline_id: int | None) -> dict[str, Any]:
    """The pipeline with its stages; ``None`` stands for the default pipeline."""
    await ensure_default_pipeline()
    if pipeline_id is None:
        rows = await fetch("SELECT id, name, is_default FROM sales_pipeline ORDER BY is_default DESC, position, id LIMIT 1")
    else:
        rows = await fetch("SELECT id, name, is_default FROM sales_pipeline WHERE id = {}", pipeline_id)
    if not rows:
        raise NotFound("pipeline", pipeline_id)
    stages = await fetch("SELECT * FROM sales_stage WHERE pipeline = {} ORDER BY position", rows[0]["id"])
    return rows[0] | {"stages": stages}


async def get_stage(stage_id: int) -> dict[str, Any] | None:
    rows = await fetch("SELECT * FROM sales_stage WHERE id = {}", stage_id)
    return rows[0] if rows else None


def _check_stages(stages: list[StageIn]) -> None:
    errors: dict[str, str] = {}
    for index, stage in enumerate(stages):
        if stage.kind not in STAGE_KINDS:
            errors[f"stages[{index}].kind"] = f"must be one of {', '.join(STAGE_KINDS)}"
        if not stage.name.strip():
            errors[f"stages[{index}].name"] = "must not be empty"
    kinds = [stage.kind for stage in stages]
    if kinds.count("won") != 1 or kinds.count("lost") != 1 or "open" not in kinds:
        errors.setdefault("stages", "needs open stages, then exactly one won and one lost stage")
    elif kinds[-2:] not in (["won", "lost"], ["lost", "won"]):
        errors.setdefault("stages", "the won and lost stages come after the open ones")
    if errors:
        raise Invalid(errors)


def _ensure_manager(principal: Principal) -> None:
    if not principal.sees_everything:
        raise Forbidden("only managers and admins change pipelines")


async def _check_name(name: str, pipeline_id: int | None) -> str:
    name = name.strip()
    if not name:
        raise Invalid({"name": "must not be empty"})
    rows = await fetch("SELECT id FROM sales_pipeline WHERE lower(name) = {}", name.lower())
    if rows and rows[0]["id"] != pipeline_id:
        raise Invalid({"name": f"a pipeline named {name!r} exists already"})
    return name


async def create_pipeline(principal: Principal, data: PipelineIn) -> dict[str, Any]:
    _ensure_manager(principal)
    _check_stages(data.stages)
    name = await _check_name(data.name, None)
    await ensure_default_pipeline()
    async with unit_of_work():
        pipeline_id = await _insert(name, data.stages, data.is_default)
        await audit_record(
            principal.id, "sales.pipeline", pipeline_id, "create",
            audit_diff({}, {"name": name, "stages": [stage.name for stage in data.stages]}),
        )
    return await get_pipeline(pipeline_id)


async def update_pipeline(principal: Principal, pipeline_id: int, patch: PipelinePatch) -> dict[str, Any]:
    _ensure_manager(principal)
    existing = await get_pipeline(pipeline_id)
    changes = msgspec.to_builtins(patch)
    if "name" in changes:
        changes["name"] = await _check_name(changes["name"], pipeline_id)
    changed = audit_diff({"name": existing["name"], "is_default": bool(existing["is_default"])}, changes)
    if not changed:
        return existing
    async with unit_of_work():
        if changes.get("is_default"):
            await Pipeline.update({Pipeline.is_default: False}, force=True)
        await Pipeline.update(changes).where(Pipeline.id == pipeline_id)
        await audit_record(principal.id, "sales.pipeline", pipeline_id, "update", changed)
    return await get_pipeline(pipeline_id)
