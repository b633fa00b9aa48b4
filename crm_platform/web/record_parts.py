"""What contact and company pages share: the timeline, the audit history, the quick-log forms.

Plugins' panels, tabs and actions are in :mod:`crm_platform.web.plugin_slots`."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from crm_hookspecs import Principal

from crm_platform.activities import service as activities
from crm_platform.activities import timeline
from crm_platform.audit import service as audit
from crm_platform.errors import Invalid
from crm_platform.web import forms

TIMELINE_PAGE = 30


@dataclass
class Entry:
    kind: str
    label: str
    icon: str
    occurred_at: dt.datetime
    title: str
    body_html: str
    href: str
    activity: dict[str, Any] | None


def activity_types() -> dict[str, Any]:
    return activities.registered_types()


async def timeline_entries(
    principal: Principal, record_type: str, record_id: int, types: list[str], cursor: str | None = None
) -> tuple[list[Entry], str | None]:
    """Activities (filtered by type) and plugins' items for the record, newest first."""
    known = activity_types()
    wanted = [key for key in types if key in known]
    rows, next_cursor = await timeline.activities_of(principal, record_type, record_id, wanted, TIMELINE_PAGE, cursor)
    entries = [
        Entry(
            kind=row["type"], label=known[row["type"]].label if row["type"] in known else row["type"],
            icon=row["type"][:1].upper(), occurred_at=timeline.sort_key(row["occurred_at"]),
            # Bodies are sanitised by the activities service when they are written.
            title=row["subject"], body_html=row["body"], href="", activity=row,
        )
        for row in rows
    ]
    if cursor is None and not wanted:
        for item in await timeline.plugin_items(principal, record_type, record_id, TIMELINE_PAGE):
            entries.append(Entry(item.kind, item.kind.replace("_", " ").capitalize(), item.kind[:1].upper(),
                                 timeline.sort_key(item.occurred_at), item.title, item.body_html, item.href, None))
        entries.sort(key=lambda entry: entry.occurred_at, reverse=True)
    return entries, next_cursor


async def history(record_type: str, record_id: int, limit: int = 20) -> list[dict[str, Any]]:
    return await audit.history(record_type, record_id, limit)


def activity_body(values: dict[str, Any], errors: dict[str, str], zone: dt.tzinfo) -> dict[str, Any]:
    """A quick-log form as the activities API's body."""
    kind = forms.text(values, "type", 60)
    if kind not in activity_types() or activity_types()[kind].is_task:
        errors["type"] = "choose call, meeting, note or another kind of activity"
    subject = forms.text(values, "subject", 300)
    body = forms.text(values, "body", 20_000)
    if not subject and not body:
        errors["subject"] = "say what happened, in the summary or the notes"
    occurred_at = forms.optional_datetime(values, "occurred_at", errors, zone)
    ends_at = forms.optional_datetime(values, "ends_at", errors, zone)
    return {"type": kind, "subject": subject, "body": body, "occurred_at": occurred_at, "ends_at": ends_at}


def follow_up_body(values: dict[str, Any], errors: dict[str, str], zone: dt.tzinfo) -> dict[str, Any]:
    subject = forms.text(values, "subject", 300)
    if not subject:
        errors["subject"] = "say what to follow up on"
    due_at = forms.optional_datetime(values, "due_at", errors, zone)
    if due_at is None and "due_at" not in errors:
        errors["due_at"] = "choose when it is due"
    return {"type": "follow_up", "subject": subject, "due_at": due_at}


def raise_if(errors: dict[str, str]) -> None:
    if errors:
        raise Invalid(errors)


# --- the relationship graph, laid out on the server as SVG -----------------------------------

GRAPH_WIDTH, GRAPH_HEIGHT = 360, 260
# Labels are measured, not rendered, on the server: an 11 px system font (DejaVu Sans, the
# widest common one) takes at most about 7 px a character; names are cut to LABEL_CHARS
# (the full name is the node's tooltip).
LABEL_CHARS = 16
CHAR_WIDTH, LABEL_HEIGHT = 7.0, 14
PADDING = 6


def _label(name: str, x: float, y: float, radius: int, angle: float | None) -> dict[str, Any]:
    """Where a node's name goes: outwards from the centre (left of a node on the left, above
    one at the top ...), so that neighbours' names point away from each other."""
    text = name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1] + "…"
    width = len(text) * CHAR_WIDTH
    dx, dy = (0.0, 1.0) if angle is None else (math.cos(angle), math.sin(angle))
    if abs(dx) > 0.35:
        anchor = "start" if dx > 0 else "end"
        lx, ly = x + math.copysign(radius + 5, dx), y + 4 + dy * 6
        left = lx if dx > 0 else lx - width
    else:
        anchor = "middle"
        lx, ly = x, (y + radius + 13) if dy >= 0 else (y - radius - 6)
        left = lx - width / 2
    return {"text": text, "x": lx, "y": ly, "anchor": anchor, "push": 1 if dy >= 0 else -1,
            "box": [left, ly - LABEL_HEIGHT + 3, width, LABEL_HEIGHT]}


def _overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _separate(labels: list[dict[str, Any]]) -> None:
    """Move a label that covers one placed before it up or down (away from the centre) a line at a time."""
    placed: list[list[float]] = []
    for label in labels:
        for _ in range(24):
            if not any(_overlap(label["box"], other) for other in placed):
                break
            label["y"] += label["push"] * LABEL_HEIGHT / 2
            label["box"][1] += label["push"] * LABEL_HEIGHT / 2
        placed.append(label["box"])


def graph_layout(graph: dict[str, Any], center_key: str) -> dict[str, Any]:
    """Positions for an inline SVG: the record in the middle, its neighbours on a ring,
    theirs on an outer ring; no script needed to draw it. The view box is fitted around the
    circles and the labels, so no name is cut off at the edge."""
    nodes = {f"{node['type']}:{node['id']}": dict(node) for node in graph["nodes"]}
    neighbours: dict[str, set[str]] = {key: set() for key in nodes}
    for edge in graph["edges"]:
        if edge["source"] in nodes and edge["target"] in nodes:
            neighbours[edge["source"]].add(edge["target"])
            neighbours[edge["target"]].add(edge["source"])
    first = sorted(neighbours.get(center_key, set()) - {center_key})[:12]
    second = sorted({key for near in first for key in neighbours[near]} - set(first) - {center_key})[:16]
    # Rings are ellipses (horizontal, vertical radius): names run sideways from the nodes on
    # the left and right, so those need less room across than the rings' height.
    height = GRAPH_HEIGHT if second else GRAPH_HEIGHT // 2 + 20
    rings = ((first, 70, 70), (second, 100, 112)) if second else ((first, 90, 42),)
    cx, cy = GRAPH_WIDTH / 2, height / 2
    placed: dict[str, tuple[float, float, float | None]] = {center_key: (cx, cy, None)}
    for ring, rx, ry in rings:
        for index, key in enumerate(ring):
            angle = math.pi + 2 * math.pi * index / max(len(ring), 1) + (0.4 if ring is second else 0)
            placed[key] = (cx + rx * math.cos(angle), cy + ry * math.sin(angle), angle)
    shown_nodes = []
    for key, (x, y, angle) in placed.items():
        if key not in nodes:
            continue
        radius = 9 if key == center_key else 7
        shown_nodes.append({
            **nodes[key], "key": key, "x": round(x, 1), "y": round(y, 1), "r": radius, "center": key == center_key,
            "label": _label(str(nodes[key]["name"]), x, y, radius, angle),
            "href": f"/{'contacts' if nodes[key]['type'] == 'contact' else 'companies'}/{nodes[key]['id']}",
        })
    _separate([node["label"] for node in shown_nodes])
    shown_edges = [
        {"x1": placed[e["source"]][0], "y1": placed[e["source"]][1], "x2": placed[e["target"]][0],
         "y2": placed[e["target"]][1], "label": e["label"]}
        for e in graph["edges"] if e["source"] in placed and e["target"] in placed
    ]
    boxes = [node["label"]["box"] for node in shown_nodes]
    boxes += [[node["x"] - node["r"], node["y"] - node["r"], 2 * node["r"], 2 * node["r"]] for node in shown_nodes]
    left = min([0.0, *(box[0] for box in boxes)]) - PADDING
    top = min([0.0, *(box[1] for box in boxes)]) - PADDING
    right = max([float(GRAPH_WIDTH), *(box[0] + box[2] for box in boxes)]) + PADDING
    bottom = max([float(height), *(box[1] + box[3] for box in boxes)]) + PADDING
    view_box = " ".join(f"{value:g}" for value in (round(left, 1), round(top, 1), round(right - left, 1),
                                                   round(bottom - top, 1)))
    return {"nodes": shown_nodes, "edges": shown_edges, "width": GRAPH_WIDTH, "height": height,
            "view_box": view_box, "hidden": max(0, len(nodes) - len(shown_nodes))}


def parse_types(raw: str | None) -> list[str]:
    """Activity types to show, from ``?types=call,meeting``; unknown ones are ignored."""
    known = activity_types()
    return [key for key in (part.strip() for part in (raw or "").split(",")) if key in known][:20]
