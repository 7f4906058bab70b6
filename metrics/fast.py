"""How the fast path computes a figure (``metrics.columnar.KpiFacts``): one spec per KPI,
declared beside the KPI in ``metrics.registry``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fast:
    """How ``KpiFacts`` computes a figure: the in-scope rows of ``table`` where every mask
    in ``where`` holds (``KpiFacts`` attributes, or the per-scope ones of ``_View``),
    reduced by ``op``: ``count`` them, ``distinct`` codes of ``values``, ``sum`` of
    ``values``, ``share`` (rows where ``part`` holds too, of all), ``index`` (the IRN of
    distinct ``values`` partners and ``part`` countries)."""

    table: str  # "agreements", "visits", "grants", "students" or "links"
    where: tuple[str, ...]
    op: str = "count"
    values: str | None = None
    part: str | None = None
