"""The network around a contact: a breadth-first walk over relationships."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import Principal

from crm_platform.contacts import service as contacts
from crm_platform.db.raw import fetch
from crm_platform.records import pipeline
from crm_platform.relationships import ends
from crm_platform.relationships.service import label_from, registered_types

MAX_DEPTH = 3
MAX_NODES = 200


def _key(kind: str, record_id: int) -> str:
    return f"{kind}:{record_id}"


async def _touching(frontier: list[tuple[str, int]]) -> list[dict[str, Any]]:
    """Every relationship with an end in ``frontier``, with both ends' names: one query."""
    parts, args = [], []
    for kind in ends.CORE_KINDS:
        ids = [record_id for frontier_kind, record_id in frontier if frontier_kind == kind]
        if ids:
            marks = ends.placeholders(ids)
            parts.append(f"(r.source_type = {{}} AND r.source_id IN ({marks}))")
            parts.append(f"(r.target_type = {{}} AND r.target_id IN ({marks}))")
            args += [kind, *ids, kind, *ids]
    return await fetch(f"{ends.WITH_ENDS} WHERE {' OR '.join(parts)} ORDER BY r.id", *args)


async def contact_graph(principal: Principal, contact_id: int, depth: int = 2) -> dict[str, Any]:
    """Contacts and companies up to ``depth`` relationships away that ``principal`` may see.

    A record the caller may not see is left out and the walk does not go through it. At most
    ``MAX_NODES`` nodes; ``truncated`` says when the cap cut the walk short.
    """
    start = await contacts.get(principal, contact_id)
    types = registered_types()
    nodes: dict[str, dict[str, Any]] = {
        _key("contact", contact_id): {"type": "contact", "id": contact_id, "name": start["display_name"]}
    }
    edges: dict[int, dict[str, Any]] = {}
    frontier = [("contact", contact_id)]
    truncated = False
    for _ in range(depth):
        if not frontier or truncated:
            break
        next_frontier: list[tuple[str, int]] = []
        touching = await _touching(frontier)
        # The ends met for the first time, named only where the caller may see them.
        names = await pipeline.visible_names(principal, (
            (row[f"{end}_type"], row[f"{end}_id"]) for row in touching for end in ("source", "target")
            if _key(row[f"{end}_type"], row[f"{end}_id"]) not in nodes
        ))
        for row in touching:
            source = _key(row["source_type"], row["source_id"])
            target = _key(row["target_type"], row["target_id"])
            ends_seen = True
            for end, key in (("source", source), ("target", target)):
                if key in nodes:
                    continue
                name = names.get((row[f"{end}_type"], row[f"{end}_id"]))
                if name is None:
                    ends_seen = False
                    break
                if len(nodes) >= MAX_NODES:
                    truncated = True
                    ends_seen = False
                    break
                nodes[key] = {"type": row[f"{end}_type"], "id": row[f"{end}_id"], "name": name}
                next_frontier.append((row[f"{end}_type"], row[f"{end}_id"]))
            if ends_seen:
                edges[row["id"]] = {
                    "type": row["type"], "label": label_from(row, types, None, None),
                    "source": source, "target": target,
                }
        frontier = next_frontier
    return {"nodes": list(nodes.values()), "edges": list(edges.values()), "truncated": truncated}
