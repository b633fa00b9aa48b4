"""What must go with a deleted contact or company."""

from __future__ import annotations

from crm_platform.db.raw import execute
from crm_platform.records import tags
from crm_platform.search import index as search_index


async def detach(record_type: str, record_id: int) -> None:
    """Remove what points at a record being deleted: its relationships in either direction,
    its timeline links (the activities stay on other records' timelines), its tags and its
    search entry. Call inside the deleting transaction."""
    await execute(
        "DELETE FROM crm_relationship WHERE (source_type = {} AND source_id = {}) "
        "OR (target_type = {} AND target_id = {})",
        record_type, record_id, record_type, record_id,
    )
    await execute("DELETE FROM crm_activity_link WHERE record_type = {} AND record_id = {}", record_type, record_id)
    await tags.remove(record_type, record_id)
    await search_index.remove(record_type, record_id)
