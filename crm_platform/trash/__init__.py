"""The trash: deleted records kept for a while with what pointed at them, then purged."""
