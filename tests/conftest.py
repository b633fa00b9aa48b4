"""Core tests use the fixtures of ``crm_platform.testing`` (loaded as a pytest plugin)."""
