"""A plugin whose import raises."""

raise RuntimeError("the probe of a broken import")
