"""Privacy: what may be shown when personal names may not (the public pack and the
dashboard's presentation mode use this one module; docs/security.md).

Rules (docs/data-contract.md names the columns):

- **Columns**: a public table keeps only the contract's non-personal columns (plus the
  columns the loaders derive from them and ``_row``). ``person``, ``person_title``, a
  duplicated header read as ``person.1`` and any extra column such as ``lecturer`` are
  dropped: an extra column's meaning is unknown, so it is never published.
- **Free text**: a person named in a person column is found in any kept text cell in
  the forms a name takes in English, Russian and Uzbek: possessive ("Kim's"), part of a
  compound ("Kim-led"), a Russian or Uzbek case ending ("Иванова", "Tursunovning"), with
  initials ("Иванова И.И.", "G.A. Togizbaev"), and in the other script ("Ivanov's group"
  for "Иванов"). A name introduced by a title or a role ("Prof. Tursunov", "led by Kim
  Min-jun", "под руководством Сидорова") is hidden even when no person column has it.
  Titles of the person_title column are hidden too. Each is replaced by one neutral mark.
  Never hidden: a partner's or an institution's name ("Kim Clinic of Cardiology"), or a
  name followed by an institution word ("Pirogov University").
- **Authors** of documents are shown when they are an organisation, never a person.
- **Sources** are cited by their document only (``000_x.txt: "the head …"`` -> ``000_x.txt``).
- **Ids**: a row of a table that describes people (visits), or whose id holds a name, is
  shown by a neutral id that finds the row in the user's file (``visits:3``), the same
  on every surface (screen, CSV, PDF, PPTX, XLSX, JSON).

Example::

    privacy = Privacy.for_tables(dataset.tables, public=True, lang="en")
    privacy.text("Prof. Kim Min-jun lectured")   # '[name hidden] lectured'
    privacy.row_id("visits", "v-kim", 7)         # 'visits:7'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pandas as pd

from core.missing import is_missing
from i18n import t
from loaders.schema import DERIVED, TABLES
from metrics.tables import EVIDENCE_TABLE
from places.names import CYRILLIC_RE, name_key, to_latin

# Contract columns that hold a person's name or title.
PERSONAL_COLUMNS: dict[str, tuple[str, ...]] = {"visits": ("person", "person_title")}
# Columns that may name a person in a table whose rows are not about people (its ids stay):
# who holds an agreement now, and its notes (an IIA import keeps contacts there).
PERSONAL_NOTES: dict[str, tuple[str, ...]] = {"agreements": ("holder", "notes")}
ROW = "_row"
# Cells that name a person or an organisation: shown only when they name an organisation.
AUTHOR_COLUMNS = frozenset({("documents", "author")})
# Tables whose ids are shown as neutral row ids: their rows describe people, and their
# ids are often made from a name.
PERSON_TABLES = frozenset(PERSONAL_COLUMNS)
# Text columns that are ids, codes or words from a list: never scrubbed.
_NOT_FREE_TEXT = {"key", "ref", "refs", "country", "enum", "currency", "date", "int",
                  "amount", "float", "year", "academic_year"}
_SOURCE_DOCUMENT = re.compile(r"^\s*([^:\"“”«»]{1,200}?)\s*:\s*[\"“«]")

# A word: letters, with apostrophes inside ("Kim's", "Qoʻchqorov"); hyphens and dots
# separate words ("Kim-led" -> "Kim", "led"; "G.A." -> "G", "A").
_WORD = re.compile(r"[^\W\d_]+(?:['’ʼʻ‘][^\W\d_]+)*")
# What may stand between two words of one name: spaces, a hyphen, a dot (initials).
_JOIN = re.compile(r"[\s.\-‐‑]{1,3}")
# Endings a surname takes (compared on the Latin key, see _key): English possessive,
# Russian cases (masculine -ov/-in and feminine -ova, nouns like "Ким"), Uzbek suffixes.
_SUFFIXES = frozenset({
    "s",                                                   # Kim's -> kims
    "a", "u", "om", "im", "e", "i", "ih", "imi", "am", "ami", "ah",   # Иванова, Ивановым, Ивановых
    "oi", "ou", "oiu",                                    # Ивановой, Ивановою
    "ning", "ni", "ga", "ka", "da", "dan", "lar", "larning", "niki", "dagi",  # Tursunovning
})
_SHORT_SUFFIXES = frozenset({"s", "a", "u", "om", "e"})  # after a 3-letter name (Kim's, Кима)
_FEMININE = frozenset({"oi", "ou", "oiu", "u", "i", "e"})  # Иванова -> Ивановой / Иванову
# Words that introduce a person (hidden with the name) and phrases after which a name
# follows (the phrase stays). Compared casefolded, without a trailing dot.
_HONORIFICS = frozenset({
    "prof", "professor", "dr", "doctor", "acad", "academician", "assoc", "mr", "mrs", "ms",
    "dean", "rector", "docent", "dotsent", "akademik", "rektor", "janob", "xonim",
    "проф", "профессор", "профессора", "профессором", "профессору", "д-р", "доктор",
    "доктора", "академик", "академика", "акад", "доцент", "доцента", "ректор", "ректора",
    "декан", "декана", "г-н", "г-жа",
})
_LEADS = re.compile(
    r"\b(?:led|headed|signed|chaired|supervised|coordinated|organi[sz]ed|initiated|given|"
    r"delivered|presented|conducted)\s+by\s+|"
    r"под\s+руководством\s+|руководитель\s+|подписан[аоы]?\s+|во\s+главе\s+с\s+|"
    r"rahbar(?:i|ligida)?\s+|boshchiligida\s+",
    re.IGNORECASE,
)
# Uzbek writes the role after the name: "Tursunov rahbarligida".
_TRAILING_LEADS = re.compile(r"\s+(?:rahbarligida|boshchiligida|tomonidan)\b", re.IGNORECASE)
# Words that make a capitalised run an organisation, not a person ("Kim Clinic",
# "Pirogov University"): en, ru, uz (casefolded stems, compared by prefix).
_INSTITUTION_WORDS = (
    "universit", "institut", "center", "centre", "clinic", "hospital", "ministr", "foundation",
    "fund", "agency", "department", "faculty", "association", "society", "council", "college",
    "school", "academ", "bank", "program", "union", "commission", "organi", "laborator",
    "company", "corporation", "group", "office", "initiative", "project", "consortium", "lab",
    "университет", "институт", "центр", "клиник", "больниц", "госпитал", "министерств",
    "фонд", "агентств", "кафедр", "факультет", "ассоциац", "обществ", "совет", "колледж",
    "школ", "академи", "банк", "программ", "союз", "комисси", "организац", "лаборатор",
    "компани", "проект", "группа",
    "universitet", "markaz", "klinika", "shifoxona", "vazirlig", "jamgʻarma", "jamg'arma",
    "agentlig", "kafedra", "fakultet", "uyushma", "jamiyat", "kengash", "kollej", "maktab",
    "akademiya", "loyiha",
)


def public_columns(table: str) -> list[str]:
    """The columns a public table keeps, in contract order (derived columns and _row after)."""
    spec = TABLES.get(table)
    if spec is None:
        return []
    personal = set(PERSONAL_COLUMNS.get(table, ())) | set(PERSONAL_NOTES.get(table, ()))
    return [c for c in spec.names if c not in personal] + list(DERIVED.get(table, [])) + [ROW]


def free_text_columns(table: str) -> list[str]:
    """Kept text columns that may repeat a name (title, audience, source, ...)."""
    spec = TABLES.get(table)
    if spec is None:
        return []
    personal = set(PERSONAL_COLUMNS.get(table, ())) | set(PERSONAL_NOTES.get(table, ()))
    return [c.name for c in spec.columns if c.kind not in _NOT_FREE_TEXT
            and c.name not in personal]


def is_personal_column(table: str | None, column: object) -> bool:
    """Whether ``column`` of ``table`` holds a person (``person``, ``person.1``, ...)."""
    columns = PERSONAL_COLUMNS.get(str(table), ()) + PERSONAL_NOTES.get(str(table), ())
    name = str(column)
    return any(name == c or name.startswith(c + ".") for c in columns)


def source_document(source: object) -> str:
    """The document a source cites: the part before ``: "quote"``, else the whole text."""
    if not isinstance(source, str):
        return ""
    match = _SOURCE_DOCUMENT.match(source)
    return match.group(1).strip() if match else source.strip()


# ---------------------------------------------------------------------- names


@lru_cache(maxsize=65536)
def _keys(word: str) -> frozenset[str]:
    """A word's comparison keys: casefolded Latin in the Russian and the Uzbek
    romanisation, with the letters the two (and English) write differently made one
    ("х" kh/x/h, "ж" zh/j, "қ" q/k, "ы"/"й" y/i, "ё" yo/e)."""
    if CYRILLIC_RE.search(word):
        spellings = {to_latin(word, "ru"), to_latin(word, "uz")}
    else:
        spellings = {word}
    return frozenset(_canon(name_key(s).replace(" ", "")) for s in spellings)


def _canon(key: str) -> str:
    for old, new in (("dzh", "j"), ("zh", "j"), ("kh", "h"), ("x", "h"), ("q", "k"),
                     ("yo", "e"), ("ye", "e"), ("y", "i"), ("w", "v")):
        key = key.replace(old, new)
    return key


def _is_initial(word: str) -> bool:
    return len(word) == 1 and word.isupper()


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper()


def _is_acronym(word: str) -> bool:
    return len(word) >= 2 and word.isupper()


def _institution_word(word: str) -> bool:
    folded = word.casefold()
    return any(folded.startswith(stem) for stem in _INSTITUTION_WORDS)


def _honorific(word: str) -> bool:
    return word.casefold().rstrip(".") in _HONORIFICS


@dataclass
class NameMatcher:
    """Finds the people of the person columns (and people introduced by a title or a
    role) in free text, in their inflected and transliterated forms; never inside a
    protected (partner or institution) name."""

    persons: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    protected: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._cores: dict[str, int] = {}  # a name word's key -> its length in letters
        self._parts: set[str] = set()  # every key of every name word (initials excluded)
        for person in self.persons:
            for word in _WORD.findall(person):
                if len(word) < 2 or _honorific(word):
                    continue
                keys = _keys(word)
                self._parts.update(keys)
                if _is_capitalised(word) and len(word) >= 3:  # "jun" of "Min-jun" only extends
                    for key in keys:
                        self._cores[key] = len(word)
                elif _is_capitalised(word):  # "Li", "Ng": the word itself only
                    for key in keys:
                        self._cores.setdefault(key, len(word))
        titles = sorted({t.strip() for t in self.titles if len(t.strip()) >= 3}, key=len, reverse=True)
        self._titles = (re.compile(r"(?<!\w)(?:" + "|".join(re.escape(x) for x in titles) + r")(?!\w)",
                                   re.IGNORECASE) if titles else None)
        # Protected names as their sequences of words (casefolded), by length: a text's
        # word runs are looked up in a set (thousands of partners, a few lookups a word).
        self._protected: dict[int, set[tuple[str, ...]]] = {}
        for name in {p.strip() for p in self.protected if len(p.strip()) >= 3}:
            run = tuple(w.casefold() for w in _WORD.findall(name))
            if run:
                self._protected.setdefault(len(run), set()).add(run)
        self._lengths = sorted(self._protected, reverse=True)

    # ------------------------------------------------------------------ one word

    def _core(self, word: str) -> bool:
        """Whether ``word`` (capitalised) is a known person's name in some form."""
        if not _is_capitalised(word):
            return False
        cyrillic = bool(CYRILLIC_RE.search(word))
        for key in _keys(word):
            if key in self._cores:
                return True
            for cut in range(1, min(len(key), 8)):
                stem, ending = key[:-cut], key[-cut:]
                length = self._cores.get(stem)
                if length is None:
                    if ending in _FEMININE and stem + "a" in self._cores and self._cores[stem + "a"] >= 4:
                        return True  # Иванова -> Ивановой
                    continue
                if length >= 4 and ending in _SUFFIXES:
                    return True
                if length == 3 and ending in _SHORT_SUFFIXES and (cyrillic or ending == "s"):
                    return True
        return False

    def _part(self, word: str) -> bool:
        return any(key in self._parts for key in _keys(word))

    # ------------------------------------------------------------------ a text

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where ``text`` names a person or a title: merged (start, end) spans."""
        words = [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(text)]
        marked = [False] * len(words)
        found: list[list[tuple[int, int]]] = []

        def guarded() -> list[tuple[int, int]]:  # computed once, only when a name is near
            if not found:
                found.append(self._guarded(text, words))
            return found[0]

        def joined(i: int, j: int) -> bool:  # words i < j next to each other in one name
            gap = text[words[i][1]:words[j][0]]
            return bool(_JOIN.fullmatch(gap))

        def free(i: int) -> bool:
            start, end, _ = words[i]
            return not any(s < end and start < e for s, e in guarded())

        if self._cores:
            for i, (_, _, word) in enumerate(words):
                if self._core(word) and free(i):
                    marked[i] = True
            for i in range(len(words)):  # grow each name over its initials and other parts
                if not marked[i]:
                    continue
                j = i - 1
                while j >= 0 and joined(j, j + 1) and not marked[j] and free(j) and (
                        _is_initial(words[j][2]) or self._part(words[j][2]) or _honorific(words[j][2])):
                    marked[j] = True
                    j -= 1
                j = i + 1
                while j < len(words) and joined(j - 1, j) and not marked[j] and free(j) and (
                        _is_initial(words[j][2]) or self._part(words[j][2])):
                    marked[j] = True
                    j += 1
        self._cued(text, words, marked, joined, free)
        self._eponyms(text, words, marked, joined)
        spans: list[tuple[int, int]] = []
        for i, (start, end, word) in enumerate(words):
            if not marked[i]:
                continue
            if (_is_initial(word) or _honorific(word)) and text[end:end + 1] == ".":
                end += 1
            if spans and bool(re.fullmatch(r"[\s.\-‐‑]{0,3}", text[spans[-1][1]:start])) \
                    and marked[i - 1]:
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
        if self._titles is not None:
            spans += [(m.start(), m.end()) for m in self._titles.finditer(text)
                      if not any(s < m.end() and m.start() < e for s, e in guarded())]
        return _merge(spans)

    def _guarded(self, text: str, words: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
        """Where ``text`` holds a partner's or an institution's name (whole words)."""
        out: list[tuple[int, int]] = []
        if not self._protected:
            return out
        folded = [w.casefold() for _, _, w in words]
        for i in range(len(words)):
            for length in self._lengths:  # the longest name first
                if i + length <= len(words) and tuple(folded[i:i + length]) in self._protected[length]:
                    out.append((words[i][0], words[i + length - 1][1]))
                    break
        return out

    def _cued(self, text, words, marked, joined, free) -> None:
        """Names introduced by a title ("Prof. Tursunov") or a role ("led by Kim Min-jun")."""
        starts = {start: i for i, (start, _, _) in enumerate(words)}

        def run_from(i: int) -> list[int]:  # the capitalised words of a name from word i
            run: list[int] = []
            j = i
            while j < len(words) and len(run) < 4:
                word = words[j][2]
                hyphened = bool(run) and text[words[j - 1][1]:words[j][0]] in ("-", "‐", "‑")
                if not (_is_capitalised(word) or (run and (self._part(word) or hyphened))) or not free(j):
                    break
                if _institution_word(word) or (_is_acronym(word) and not _is_initial(word)):
                    return []
                run.append(j)
                if j + 1 < len(words) and joined(j, j + 1):
                    j += 1
                    continue
                break
            names = [k for k in run if not _is_initial(words[k][2])]
            return run if names else []

        for i, (_, _, word) in enumerate(words):
            if _honorific(word) and i + 1 < len(words) and joined(i, i + 1):
                run = run_from(i + 1)
                if run:
                    for k in [i, *run]:
                        marked[k] = True
        for lead in _LEADS.finditer(text):
            found = starts.get(lead.end())
            if found is None:
                continue
            i = found
            if _honorific(words[i][2]) and i + 1 < len(words) and joined(i, i + 1):
                run = run_from(i + 1)
                run = [i, *run] if run else []
            else:
                run = run_from(i)
            for k in run:
                marked[k] = True
        for lead in _TRAILING_LEADS.finditer(text):
            # the name before: up to three capitalised words ending right there
            ends = [k for k, (_, end, _) in enumerate(words) if end == lead.start()]
            if not ends:
                continue
            k = ends[0]
            run = []
            while k >= 0 and len(run) < 3 and _is_capitalised(words[k][2]) and free(k) \
                    and not _institution_word(words[k][2]) and not _is_acronym(words[k][2]):
                run.append(k)
                if k > 0 and joined(k - 1, k):
                    k -= 1
                else:
                    break
            for k in run:
                marked[k] = True

    def _eponyms(self, text, words, marked, joined) -> None:
        """A marked run followed by an organisation word names the organisation, not a
        person ("Kim Clinic of Cardiology", "Pirogov University"): unmarked."""
        i = 0
        while i < len(words):
            if not marked[i]:
                i += 1
                continue
            j = i
            while j + 1 < len(words) and marked[j + 1] and joined(j, j + 1):
                j += 1
            after = j + 1
            if after < len(words) and re.fullmatch(r"[\s\-‐‑]{1,2}", text[words[j][1]:words[after][0]]) \
                    and _is_capitalised(words[after][2]) and _institution_word(words[after][2]):
                for k in range(i, j + 1):
                    marked[k] = False
            i = j + 1

    def holds_name(self, text: str) -> bool:
        return bool(self.spans(text))

    def id_holds_name(self, row_id: str) -> bool:
        """Whether an id is made from a known name (``v-samsmu-togizbaev``)."""
        for part in re.split(r"[-_.:/\s]+", row_id):
            if len(part) < 3:
                continue
            if self._core(part[:1].upper() + part[1:]):
                return True
        return False


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def _names_in(cell: object, column: str) -> Iterable[str]:
    """The persons of a person cell ("A; B", "A and B"); the titles of a person_title
    cell and each comma-separated part of them (never their single words, so "Medical"
    elsewhere stays)."""
    title = column.startswith("person_title")
    for name in re.split(r"[;\n]" if title else r"[;\n]| and | и | va ", str(cell)):
        name = name.strip(" ,")
        if len(name) < 2:
            continue
        yield name
        if title:
            yield from (part.strip() for part in name.split(",") if len(part.strip()) >= 3)


def person_names(tables: Mapping[str, pd.DataFrame]) -> tuple[list[str], list[str]]:
    """(persons, titles) of the person columns (any column whose name starts with one,
    so ``person.1`` counts)."""
    persons: set[str] = set()
    titles: set[str] = set()
    for table in PERSONAL_COLUMNS:
        frame = tables.get(table)
        if frame is None:
            continue
        for column in frame.columns:
            column = str(column)
            if not is_personal_column(table, column):
                continue
            target = titles if column.startswith("person_title") else persons
            for cell in frame[column].dropna().unique():
                target.update(_names_in(cell, column))
    return sorted(persons), sorted(titles)


def protected_names(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    """The partners' and institutions' names (and short names): never hidden."""
    out: set[str] = set()
    for table, columns in (("partners", ("name", "name_local", "short_name")),
                           ("institutions", ("name", "short_name", "name_local"))):
        frame = tables.get(table)
        if frame is None:
            continue
        for column in columns:
            if column in frame.columns:
                out.update(str(v) for v in frame[column].dropna().unique() if str(v).strip())
    return sorted(out)


@dataclass
class Privacy:
    """How one surface shows text and ids: unchanged (normal) or public."""

    public: bool = False
    lang: str = "en"
    names: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    protected: list[str] = field(default_factory=list)
    rows_of: dict[str, dict[str, object]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._mark = t("export.name_hidden", self.lang)
        self._matcher = NameMatcher(self.names, self.titles, self.protected) if self.public else None
        self._cache: dict[str, str] = {}
        self._ids: dict[tuple[str, str, object], str] = {}

    @property
    def mark(self) -> str:
        return self._mark

    @classmethod
    def for_tables(cls, tables: Mapping[str, pd.DataFrame], public: bool,
                   lang: str = "en") -> Privacy:
        if not public:
            return cls(False, lang)
        persons, titles = person_names(tables)
        privacy = cls(True, lang, persons, titles, protected_names(tables))
        for table in ("visits", "agreements", "grants"):  # where each id sits, to label ids met in lists
            frame = tables.get(table)
            key = TABLES[table].key if table in TABLES else None
            if frame is not None and key in frame.columns and ROW in frame.columns:
                privacy.rows_of[table] = dict(zip(frame[key].astype(str), frame[ROW], strict=False))
        return privacy

    # ------------------------------------------------------------------ text

    def text(self, value: object) -> str:
        """A text cell as it may be shown (names and titles replaced when public)."""
        if is_missing(value):
            return ""
        text = str(value)
        if self._matcher is None:
            return text
        done = self._cache.get(text)
        if done is None:  # the same sources and titles repeat on many rows
            spans = self._matcher.spans(text)
            done = text
            for start, end in reversed(spans):
                done = done[:start] + self._mark + done[end:]
            if len(self._cache) < 200_000:
                self._cache[text] = done
        return done

    def author(self, value: object) -> str:
        """A document's author as it may be shown: an organisation (a partner's or an
        institution's name, or words such as "Ministry", "University") stays, names out
        of it; a person ("Guldona Anvarbekovna Mamasolieva") is the mark when public."""
        text = self.text(value)
        if self._matcher is None or not text:
            return text
        words = [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(text)]
        if self._matcher._guarded(text, words) or any(_institution_word(w) for _, _, w in words) \
                or any(_is_acronym(w) for _, _, w in words):
            return text
        return self._mark

    def source(self, value: object) -> str:
        """A row's source: the whole citation, or in public its document only."""
        if not isinstance(value, str):
            return ""
        return self.text(source_document(value)) if self.public else value

    def row_id(self, table: str, row_id: object, row: object) -> str:
        """The id to show for a row: itself, or in public a neutral row id when the
        table describes people or the id holds a name."""
        text = "" if is_missing(row_id) else str(row_id)
        if not self.public:
            return text
        if table in PERSON_TABLES or not text or self.id_holds_name(text):
            return row_label(table, row)
        return text

    def id_holds_name(self, text: str) -> bool:
        assert self._matcher is not None
        return self.text(text) != text or self._matcher.id_holds_name(text)

    def any_id(self, row_id: str) -> str:
        """An id met without its table (a list of evidence ids): a visit's id, or an
        agreement's or grant's id made from a name, becomes its row id in the public edition."""
        if not self.public:
            return row_id
        for table, rows in self.rows_of.items():
            if row_id in rows:
                return self.row_id(table, row_id, rows[row_id])
        return row_id  # a partner's id, a country code, students:<row>: never a person

    def ids(self, table: str, ids: Iterable[object], rows: Iterable[object]) -> list[str]:
        """``row_id`` of each (id, row) pair."""
        return [self.row_id(table, i, r) for i, r in zip(ids, rows, strict=False)]

    # ------------------------------------------------------------------ tables

    def table(self, name: str, frame: pd.DataFrame, keep_columns: Iterable[str] = ()) -> pd.DataFrame:
        """A table as a public surface may carry it: contract columns only (and
        ``keep_columns`` a page derived), the id neutral where it must be, free text
        scrubbed, sources cited by document. Unchanged in the normal edition."""
        if not self.public or frame is None:
            return frame
        extra = [c for c in keep_columns if c in frame.columns and not is_personal_column(name, c)]
        keep = [c for c in public_columns(name) if c in frame.columns]
        keep += [c for c in extra if c not in keep]
        out = frame[keep].copy()
        for column in free_text_columns(name):
            if column not in out.columns:
                continue
            if column == "source":
                out[column] = _mapped(out[column], lambda v: self.source(v) or None)
            elif (name, column) in AUTHOR_COLUMNS:
                out[column] = _mapped(out[column], lambda v: self.author(v) or None)
            else:
                out[column] = _mapped(out[column], self._cell)
        spec = TABLES.get(name)
        key = spec.key if spec is not None else None
        if key and key in out.columns:
            rows = out[ROW] if ROW in out.columns else pd.Series([None] * len(out), index=out.index)
            out[key] = self.ids(name, out[key].astype(object).tolist(), rows.tolist())
        return out

    def evidence(self, kind: str, frame: pd.DataFrame, table_columns: Iterable[str] = ()) -> pd.DataFrame:
        """The rows behind a figure (``metrics.evidence_frame``) as a public surface shows
        them. ``kind``: the KPI's ``evidence_of``; ``table_columns``: the columns of the
        loaded table (a column the figure added, such as ``status_at_as_of``, is kept;
        an extra column of the user's file is not). Unchanged in the normal edition."""
        if not self.public or frame is None:
            return frame
        if kind == "country":
            out = frame.copy()
            if "ids" in out.columns:
                out["ids"] = _mapped(out["ids"], lambda v: "; ".join(
                    self.any_id(x.strip()) for x in str(v).split(";") if x.strip()) if isinstance(v, str) else v)
            if "sources" in out.columns:
                out["sources"] = _mapped(out["sources"], lambda v: " | ".join(dict.fromkeys(
                    self.source(x) for x in str(v).split(" | ") if x.strip())) if isinstance(v, str) else v)
            return out
        table = EVIDENCE_TABLE.get(kind, kind)
        known = set(table_columns)
        added = [c for c in frame.columns if c not in known and not is_personal_column(table, c)]
        return self.table(table, frame, keep_columns=added)

    def problem_value(self, table: str | None, column: object, value: object) -> str:
        """A loader problem's cell as a public surface shows it: a person column's
        cell never (the mark), any other with its names hidden."""
        text = "" if is_missing(value) else str(value)
        if not self.public or not text:
            return text
        if is_personal_column(table, column):
            return self._mark
        return self.text(text)

    def problem_message(self, table: str | None, column: object, value: object, message: str) -> str:
        """A loader problem's message (which may quote its cell) as a public surface shows it."""
        if not self.public:
            return message
        raw = "" if is_missing(value) else str(value)
        if raw and is_personal_column(table, column):
            message = message.replace(raw, self._mark)
        return self.text(message)

    def _cell(self, value: object) -> object:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.text(v) if isinstance(v, str) else v for v in value]
        return value


def _mapped(values: pd.Series, function) -> pd.Series:
    """``values.map(function)``, calling ``function`` once per distinct value (the same
    sources, titles and lists repeat on many rows); empty cells stay empty."""
    cells = values.astype(object).tolist()
    done: dict[object, object] = {}
    out = []
    for cell in cells:
        key = tuple(cell) if isinstance(cell, list) else cell
        try:
            hit = done.get(key, _NOT_DONE)
        except TypeError:  # an unhashable cell: one by one
            out.append(function(cell))
            continue
        if hit is _NOT_DONE:
            hit = done[key] = function(cell) if not is_missing(cell) else cell
        out.append(hit)
    return pd.Series(out, index=values.index, dtype=object, name=values.name)


_NOT_DONE = object()


def row_label(table: str, row: Any) -> str:  # a row number as any type, or no number
    """A neutral id that finds the row in the user's file: ``visits:14``."""
    try:
        return f"{table}:{int(row)}"
    except (TypeError, ValueError):
        return table

