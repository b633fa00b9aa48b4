"""Benchmarks of the CRM platform: figures, not tests. ``make bench`` runs them all.

Each ``bench/bench_*.py`` module has ``run(quick: bool) -> list[tuple[str, float, str]]``
returning (name, value, unit) rows; :mod:`bench.__main__` finds and runs them.
"""
