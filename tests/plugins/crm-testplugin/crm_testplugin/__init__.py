"""A test-only plugin, slug ``probe``: notes on contacts, and an implementation of every hook.

It imports nothing from the core but :mod:`crm_platform.toolkit`, so it is also the proof
that the public surface is enough to write a plugin.
"""
