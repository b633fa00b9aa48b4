"""Duplicates and merges: finding records that may be the same, merging them, undoing a merge."""
