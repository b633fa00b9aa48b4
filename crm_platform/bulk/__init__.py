"""Bulk actions on records of any kind: change owner, stage or tags, or move to the trash,
inline for a few rows and as a background job with progress for many."""
