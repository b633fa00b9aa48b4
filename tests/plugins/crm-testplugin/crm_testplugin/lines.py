"""An importer of the probe plugin's own format: ``name | email`` on each line, after a
``#probe-lines`` first line. Read one line at a time."""

from __future__ import annotations

from collections.abc import Iterator

from crm_hookspecs import Importer

MARK = b"#probe-lines"


def columns(path: str) -> list[str]:
    return ["name", "email"]


def rows(path: str) -> Iterator[dict[str, str]]:
    with open(path, encoding="utf-8") as file:
        if file.readline().strip() != MARK.decode():
            raise ValueError("a probe lines file starts with #probe-lines")
        for number, line in enumerate(file, start=2):
            if not line.strip():
                continue
            name, bar, email = line.partition("|")
            if not bar:
                raise ValueError(f"line {number}: write name | email")
            yield {"name": name.strip(), "email": email.strip()}


LINES = Importer("probe.lines", "Probe lines", detect=lambda head, filename: head.startswith(MARK),
                 columns=columns, rows=rows, kinds=("contact",), extensions=(".lines",))
