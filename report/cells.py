"""The small value helpers every part of the pack writes with: a date at its precision, a
KPI value, a column that may be absent, and the id column of each table."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from core.missing import is_missing as _missing
from i18n import fmt, t
from metrics import KPI_BY_NAME, rules

ID_COLUMNS = {"agreements": "agreement_id", "visits": "visit_id", "grants": "grant_id",
              "partners": "partner_id", "institutions": "institution_id"}


Tables = Mapping[str, pd.DataFrame]  # the clean tables, or their scoped copies
# Every date of the pack in one style per language: "30 Jun 2025", "30 июн. 2025 г.",
# "30-iyun, 2025" (never "Jun 30, 2025" beside "30 June 2025").
DATE_STYLE = "medium"


def date_cell(value: object, precision: object, lang: str) -> str:
    """A date no more precise than it is known: ``2023``, ``March 2023``, ``5 Mar 2023``;
    "not stated" when the row gives none (a blank cell would read as nothing to say)."""
    if precision == rules.OPEN_ENDED:
        return t("pack.open_ended", lang)  # written so: an agreement without end
    if _missing(value):
        return t("export.not_stated", lang)
    precision = precision if precision in ("day", "month", "year") else "day"
    return fmt.date_text(value, lang, precision, style=DATE_STYLE)


def kpi_value(name: str, value: object, lang: str) -> str:
    return fmt.value(value, KPI_BY_NAME[name].unit, lang) if not _missing(value) else fmt.DASH


def column_or_blank(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)
