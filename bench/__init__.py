"""Benchmarks: how long loading, every page and the report take as the data grows.

``python -m bench`` (or ``make bench``) prints a table and writes JSON; ``python -m
bench.load`` drives many browser sessions at once. See docs/performance.md.
"""
