"""The relationship graph's layout: every name inside the picture, no two names on top of each other."""

from __future__ import annotations

import pytest

from crm_platform.web.record_parts import _overlap, graph_layout


def _graph(first: int, second: int) -> dict:
    nodes = [{"type": "contact", "id": 0, "name": "Grace Hopper"}]
    edges = []
    for index in range(1, first + 1):
        nodes.append({"type": "contact", "id": index, "name": f"Neighbour Number {index} Longname"})
        edges.append({"source": "contact:0", "target": f"contact:{index}", "label": "knows"})
    for index in range(100, 100 + second):
        nodes.append({"type": "company", "id": index, "name": f"Company {index} Holdings"})
        edges.append({"source": f"contact:{1 + index % max(first, 1)}", "target": f"company:{index}", "label": "works at"})
    return {"nodes": nodes, "edges": edges}


@pytest.mark.parametrize(("first", "second"), [(1, 0), (3, 0), (12, 0), (4, 6), (12, 16)])
def test_names_stay_inside_the_view_box_and_apart(first: int, second: int) -> None:
    layout = graph_layout(_graph(first, second), "contact:0")
    left, top, width, height = (float(value) for value in layout["view_box"].split())
    boxes = [node["label"]["box"] for node in layout["nodes"]]
    assert len(boxes) == 1 + first + second
    for x, y, box_width, box_height in boxes:
        assert left <= x and x + box_width <= left + width
        assert top <= y and y + box_height <= top + height
    crowded = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:] if _overlap(a, b)]
    assert crowded == []


def test_long_names_are_cut_with_an_ellipsis_and_kept_whole_in_the_tooltip() -> None:
    layout = graph_layout(_graph(1, 0), "contact:0")
    neighbour = next(node for node in layout["nodes"] if not node["center"])
    assert neighbour["label"]["text"] == "Neighbour Numbe…"
    assert neighbour["name"] == "Neighbour Number 1 Longname"
