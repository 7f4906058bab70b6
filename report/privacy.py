"""The public edition: what may leave the building when personal names may not.

Three rules (docs/data-contract.md names the columns):

- **Columns**: a public table keeps only the contract's non-personal columns (plus the
  columns the loaders derive from them and ``_row``). ``person``, ``person_title``, a
  duplicated header read as ``person.1`` and any extra column such as ``lecturer`` are
  dropped: an extra column's meaning is unknown, so it is never published.
- **Free text**: every personal name and title found in the person columns is replaced
  by a neutral mark wherever a kept text cell repeats it; a ``source`` is cited by its
  document only (``000_x.txt: "the head of the center …"`` -> ``000_x.txt``).
- **Ids are never rewritten.** An id that contains a name (``v-samsmu-togizbaev``) is
  shown as its neutral row label instead (``visits:3``, the row in the user's file).

Example::

    privacy = Privacy.for_tables(dataset.tables, public=True, lang="en")
    privacy.text("Prof. Kim Min-jun lectured")   # 'Prof. [name hidden] lectured'
    privacy.row_id("visits", "v-kim", 7)         # 'visits:7'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from i18n import t
from loaders.schema import DERIVED, TABLES

# Contract columns that hold a person's name or title.
PERSONAL_COLUMNS: dict[str, tuple[str, ...]] = {"visits": ("person", "person_title")}
ROW = "_row"
# Tables whose ids are shown as row labels in the public edition: their rows describe
# people, and their ids are often made from a name.
PERSON_TABLES = frozenset(PERSONAL_COLUMNS)
# Text columns that are ids, codes or words from a list: never scrubbed (ids are never
# rewritten; a code holds no name).
_NOT_FREE_TEXT = {"key", "ref", "refs", "country", "enum", "currency", "date", "int",
                  "amount", "float", "year", "academic_year"}
_WORD = re.compile(r"[^\W\d_][\w'ʻʼ’.-]*")
_SOURCE_DOCUMENT = re.compile(r"^\s*([^:\"“”«»]{1,200}?)\s*:\s*[\"“«]")


def public_columns(table: str) -> list[str]:
    """The columns a public table keeps, in contract order (derived columns and _row after)."""
    spec = TABLES.get(table)
    if spec is None:
        return []
    personal = set(PERSONAL_COLUMNS.get(table, ()))
    return [c for c in spec.names if c not in personal] + list(DERIVED.get(table, [])) + [ROW]


def free_text_columns(table: str) -> list[str]:
    """Kept text columns that may repeat a name (title, audience, source, ...)."""
    spec = TABLES.get(table)
    if spec is None:
        return []
    personal = set(PERSONAL_COLUMNS.get(table, ()))
    return [c.name for c in spec.columns if c.kind not in _NOT_FREE_TEXT
            and c.name not in personal]


def source_document(source: object) -> str:
    """The document a source cites: the part before ``: "quote"``, else the whole text."""
    if not isinstance(source, str):
        return ""
    match = _SOURCE_DOCUMENT.match(source)
    return match.group(1).strip() if match else source.strip()


def _names_in(cell: object, column: str) -> Iterable[str]:
    """Each name of a person cell and each surname-like word of it; each title of a
    person_title cell and each comma-separated part of it (never its single words,
    so "Medical" elsewhere stays)."""
    title = column.startswith("person_title")
    for name in re.split(r"[;\n]" if title else r"[;\n]| and ", str(cell)):
        name = name.strip(" ,")
        if len(name) < 3:
            continue
        yield name
        if title:
            yield from (part.strip() for part in name.split(",") if len(part.strip()) >= 3)
        else:
            yield from re.findall(r"[^\W\d_][\w'ʻʼ’-]{2,}", name)


def person_names(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    """Every personal name and title in the person columns (any column whose name starts
    with one, so ``person.1`` counts), longest first."""
    found: set[str] = set()
    for table, columns in PERSONAL_COLUMNS.items():
        frame = tables.get(table)
        if frame is None:
            continue
        for column in frame.columns:
            column = str(column)
            if not any(column == c or column.startswith(c + ".") for c in columns):
                continue
            for cell in frame[column].dropna().unique():
                found.update(_names_in(cell, column))
    return sorted(found, key=len, reverse=True)


@dataclass
class Privacy:
    """How one pack shows text and ids: unchanged (normal) or public."""

    public: bool = False
    lang: str = "en"
    names: list[str] = field(default_factory=list)
    rows_of: dict[str, dict[str, object]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._mark = t("export.name_hidden", self.lang)
        self._pattern = None
        self._first_words: set[str] = set()
        self._name_set = {n.casefold() for n in self.names}
        self._cache: dict[str, str] = {}
        if self.public and self.names:
            alternatives = "|".join(re.escape(n) for n in self.names)
            self._pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
            # A cell can hold a name only when it holds the name's first word: a set
            # lookup per word, so the regex runs on the few cells that need it.
            for name in self.names:
                first = _WORD.search(name)
                if first:
                    self._first_words.add(first.group(0).casefold().rstrip(".'’ʼ"))

    @classmethod
    def for_tables(cls, tables: Mapping[str, pd.DataFrame], public: bool,
                   lang: str = "en") -> Privacy:
        privacy = cls(public, lang, person_names(tables) if public else [])
        if public:  # where each id of a person table sits, to label ids met in lists
            for table in PERSON_TABLES:
                frame = tables.get(table)
                key = TABLES[table].key if table in TABLES else None
                if frame is not None and key in frame.columns and ROW in frame.columns:
                    privacy.rows_of[table] = dict(zip(frame[key].astype(str), frame[ROW],
                                                      strict=False))
        return privacy

    def any_id(self, row_id: str) -> str:
        """An id met without its table (a list of evidence ids): a person table's id
        becomes its row label in the public edition."""
        if not self.public:
            return row_id
        for table, rows in self.rows_of.items():
            if row_id in rows:
                return row_label(table, rows[row_id])
        return self.text(row_id)

    # ------------------------------------------------------------------ text

    def _may_hold_name(self, text: str) -> bool:
        words = self._first_words
        return any(w.group(0).casefold().rstrip(".'’ʼ") in words for w in _WORD.finditer(text))

    def text(self, value: object) -> str:
        """A text cell as the pack may show it (names replaced in the public edition)."""
        if value is None or (not isinstance(value, str) and _missing(value)):
            return ""
        text = str(value)
        if self._pattern is None:
            return text
        done = self._cache.get(text)
        if done is None:  # the same sources and titles repeat on many rows
            done = self._pattern.sub(self._mark, text) if self._may_hold_name(text) else text
            if len(self._cache) < 200_000:
                self._cache[text] = done
        return done

    def source(self, value: object) -> str:
        """A row's source: the whole citation, or in public its document only."""
        if not isinstance(value, str):
            return ""
        return self.text(source_document(value)) if self.public else value

    def row_id(self, table: str, row_id: object, row: object) -> str:
        """The id to show for a row: itself, or in public a neutral row label when the
        table describes people or the id contains a name."""
        text = "" if row_id is None or _missing(row_id) else str(row_id)
        if not self.public:
            return text
        if table in PERSON_TABLES or not text or self.text(text) != text \
                or self._id_holds_name(text):
            return row_label(table, row)
        return text

    def _id_holds_name(self, text: str) -> bool:
        parts = re.split(r"[-_.:/\s]+", text.casefold())
        return any(part in self._first_words or part in self._name_set
                   for part in parts if len(part) >= 3)

    # ------------------------------------------------------------------ tables

    def table(self, name: str, frame: pd.DataFrame) -> pd.DataFrame:
        """A table as a public file may carry it: contract columns only, free text
        scrubbed, sources cited by document. Unchanged in the normal edition."""
        if not self.public or frame is None:
            return frame
        keep = [c for c in public_columns(name) if c in frame.columns]
        out = frame[keep].copy()
        for column in free_text_columns(name):
            if column not in out.columns:
                continue
            if column == "source":
                out[column] = out[column].map(lambda v: self.source(v) or None)
            else:
                out[column] = out[column].map(self._cell)
        return out

    def _cell(self, value: object) -> object:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.text(v) if isinstance(v, str) else v for v in value]
        return value


def row_label(table: str, row: Any) -> str:  # a row number as any type, or no number
    """A neutral label that finds the row in the user's file: ``visits:14``."""
    try:
        return f"{table}:{int(row)}"
    except (TypeError, ValueError):
        return table


def public_tables(tables: Mapping[str, pd.DataFrame], lang: str = "en") -> dict[str, pd.DataFrame]:
    """Every table as the public edition carries it (see Privacy.table)."""
    privacy = Privacy.for_tables(tables, True, lang)
    return {name: privacy.table(name, frame) for name, frame in tables.items()}


def _missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
