"""Tags: lower-case labels, kept on the record and in the tagging index."""

from __future__ import annotations

from collections.abc import Iterable

from crm_platform.errors import invalid
from crm_platform.records.tables import Tagging
from crm_platform.records.text import name_problem

MAX_TAGS = 50
MAX_TAG_LENGTH = 100


def normalise(tags: Iterable[str], field: str = "tags") -> list[str]:
    clean: list[str] = []
    for index, tag in enumerate(tags):
        if not isinstance(tag, str):
            raise invalid(f"{field}[{index}]", "must be a string")
        if problem := name_problem(tag):
            raise invalid(f"{field}[{index}]", problem)
        tag = " ".join(tag.split()).lower()
        if not tag:
            continue
        if len(tag) > MAX_TAG_LENGTH:
            raise invalid(f"{field}[{index}]", f"must be at most {MAX_TAG_LENGTH} characters")
        if tag not in clean:
            clean.append(tag)
    if len(clean) > MAX_TAGS:
        raise invalid(field, f"at most {MAX_TAGS} tags")
    return clean


async def sync(record_type: str, record_id: int, tags: list[str]) -> None:
    """Make the tagging index match ``tags``; call inside the record's transaction."""
    await Tagging.delete().where((Tagging.record_type == record_type) & (Tagging.record_id == record_id))
    if tags:
        await Tagging.insert(*(Tagging(record_type=record_type, record_id=record_id, tag=tag) for tag in tags))


async def remove(record_type: str, record_id: int) -> None:
    await Tagging.delete().where((Tagging.record_type == record_type) & (Tagging.record_id == record_id))
