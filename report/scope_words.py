"""The pack's scope in words (the cover's lines, one line for the summary and the PDF's
Subject) and the file name built from it."""

from __future__ import annotations

import re
import unicodedata

import metrics
from i18n import fmt, t
from metrics import Scope
from metrics.options import institution_full_names
from metrics.options import institution_names as short_names
from report.cells import Tables
from report.parts import enum_label


def institution_names(tables: Tables, lang: str | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """(id -> full name, id -> short name), in ``lang`` where the table names them in it
    (the optional ``name_ru``, ``short_name_uz``... columns), else the main names."""
    institutions = tables["institutions"]
    return institution_full_names(institutions, lang), short_names(institutions, lang)


def scope_lines(scope: Scope, tables: Tables, lang: str) -> list[tuple[str, str]]:
    every = t("export.scope.all", lang)
    _, short = institution_names(tables, lang)
    if scope.all_years:
        years = t("pack.scope.all_years", lang)
    elif scope.year_from == scope.year_to:
        years = str(scope.year_from)
    else:
        years = f"{scope.year_from or '…'}–{scope.year_to or '…'}"
    regions = ", ".join(t(metrics.region_label_key(r), lang) for r in sorted(scope.regions))
    countries = ", ".join(fmt.country(c, lang) for c in sorted(scope.countries))
    places = "; ".join(p for p in (regions, countries) if p) or every
    return [
        (t("export.scope.institutions", lang),
         ", ".join(short.get(i, i) for i in sorted(scope.institutions)) or every),
        (t("export.scope.years", lang), years),
        (t("export.scope.countries", lang), places),
        (t("export.scope.faculties", lang), ", ".join(sorted(scope.faculties)) or every),
        (t("export.scope.partner_types", lang),
         ", ".join(enum_label("partner_type", p, lang) for p in sorted(scope.partner_types))
         or every),
    ]


def scope_words(lines: list[tuple[str, str]], lang: str) -> str:
    """The scope in one line: what is chosen (the institutions first), or "all ..." when
    nothing is; an institution alone is never called "all institutions' data"."""
    every = {t("export.scope.all", lang), t("pack.scope.all_years", lang)}
    chosen = [f"{name}: {value}" for name, value in lines if value not in every]
    if not chosen:
        return t("pack.scope.everything", lang)
    if len(chosen) == 1 and lines[0][1] not in every:
        return t("pack.scope.institutions_only", lang, institutions=lines[0][1])
    return "; ".join(chosen)


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")


def file_stem(scope: Scope, tables: Tables, lang: str, public: bool) -> str:
    """``<institutions>_<scope>_<lang>_<as-of>[_public]``, safe characters only (the
    institutions' main short names, whatever the language)."""
    _, short = institution_names(tables)
    ids = sorted(scope.institutions) or sorted(short)
    institutions = "-".join(_slug(short.get(i, i)) or _slug(i) or "institution" for i in ids)
    if len(institutions) > 60:
        institutions = f"{len(ids)}-institutions"
    parts = []
    if not scope.all_years:
        parts.append(f"{scope.year_from or ''}-{scope.year_to or ''}".strip("-")
                     if scope.year_from != scope.year_to else str(scope.year_from))
    parts += sorted(scope.countries)
    parts += [_slug(r) for r in sorted(scope.regions)]
    parts += [_slug(f) for f in sorted(scope.faculties)]
    parts += [_slug(p) for p in sorted(scope.partner_types)]
    scope_part = "-".join(p for p in parts if p)[:60].strip("-") or "all"
    stem = f"{institutions or 'all'}_{scope_part}_{lang}_{scope.as_of.isoformat()}"
    return stem + ("_public" if public else "")
