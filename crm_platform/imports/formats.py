"""The importers of the core and the enabled plugins (``crm_importers``), and which one reads a file."""

from __future__ import annotations

from pathlib import Path

from crm_hookspecs import Importer

from crm_platform import runtime
from crm_platform.errors import Invalid
from crm_platform.imports.sniff import binary_kind, read_head


def available() -> dict[str, Importer]:
    return {importer.key: importer for importer in runtime.current().host.items("crm_importers")}


def get(key: str) -> Importer:
    importer = available().get(key)
    if importer is None:
        raise Invalid({"format": f"no enabled plugin reads the format {key!r}; known: {', '.join(available())}"})
    return importer


def detect(path: Path, filename: str, kind: str) -> Importer:
    """The importer for the file: a plugin's that recognises it first (theirs are the more
    particular), then the core's CSV. :class:`Invalid` naming ``file`` says why none fits."""
    head = read_head(path)
    if not head.strip():
        raise Invalid({"file": "the file is empty; export it again with a header row and at least one row"})
    found = sorted(available().values(), key=lambda importer: importer.key == "csv")
    for importer in found:
        if importer.kinds and kind not in importer.kinds:
            continue
        if importer.detect(head, filename):
            return importer
    what = binary_kind(head) or "not in a format any importer reads"
    raise Invalid({"file": f"the file is {what}, not a CSV text file; save it as CSV (comma or semicolon separated)"})
