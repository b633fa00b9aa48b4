"""Test-only plugins, each broken in one way."""
