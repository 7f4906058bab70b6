"""Read publication exports (Scopus CSV, Web of Science plain text or tab-delimited,
OpenAlex works JSON) into one table of papers and one of their affiliations.

    >>> pubs = read_publications(["scopus.csv", "savedrecs.txt", "works.json"])
    >>> pubs.papers, pubs.affiliations, pubs.problems

Bad input never stops reading: a record without a usable year or without any identifier
is left out and listed (an error), a paper without affiliations or an affiliation whose
country is unknown is kept and listed (a warning); a file that is not one of the formats
is listed as one error. Problems have the loaders' shape (``loaders.Problem``): ``table``
is ``publications/<file name>``, ``row`` the spreadsheet row (CSV and tab-delimited,
header = row 1), the line of the record's ``PT`` tag (WoS plain text) or the position of
the work in ``results`` (OpenAlex, from 1).

Papers found in several files are merged by DOI, else by the source's own id (Scopus
EID, WoS UT, OpenAlex id). A merged paper keeps the affiliations of one record: the first
that has any, in the order OpenAlex (ROR ids, country codes), Scopus, Web of Science.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from i18n import t
from loaders.schema import HasProblems, Problem
from places.countries import index_codes
from research import address as addr

SOURCES = ("openalex", "scopus", "wos")  # merge priority for affiliations
PAPER_COLUMNS = ["paper_id", "doi", "source_ids", "sources", "title", "year", "files"]
AFFILIATION_COLUMNS = ["paper_id", "org", "country", "city", "ror", "address", "source"]
_DOI_PREFIX_RE = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_EID_RE = re.compile(r"2-s2\.0-\d+")
_YEAR_RE = re.compile(r"^\s*(\d{4})\s*$")
_WOS_TAG_RE = re.compile(r"^([A-Z][A-Z0-9]) (.*)$")


@dataclass
class Publications(HasProblems):
    """Papers (one row per merged paper), their affiliations, and every problem found."""

    papers: pd.DataFrame
    affiliations: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)



def normalize_doi(value: object) -> str:
    """``https://doi.org/10.1/AB`` and ``10.1/ab`` are one DOI (lower case, no prefix)."""
    if not isinstance(value, str):
        return ""
    return _DOI_PREFIX_RE.sub("", value.strip()).strip().lower()


class _Reader:
    """Collects the records of one file and the problems found in them."""

    def __init__(self, path: Path, problems: list[Problem]):
        self.path = path
        self.table = f"publications/{path.name}"
        self.problems = problems
        self.records: list[dict] = []

    def problem(self, severity: str, row: int | None, column: str | None, value: object, code: str, **params) -> None:
        value = "" if value is None else str(value).strip()
        p = {"column": column, "value": value, "file": self.path.name, **params}
        self.problems.append(Problem(severity, self.table, row, column, value,
                                     t(f"problem.{code}", "en", **p), code, p))

    def add(self, row: int, source: str, source_id: str, doi: str, title: str, year: object,
            affiliations: list[dict], *, id_column: str, year_column: str, aff_column: str) -> None:
        doi = normalize_doi(doi)
        source_id = (source_id or "").strip()
        if not doi and not source_id:
            self.problem("error", row, id_column, title, "pub_no_id")
            return
        text = "" if year is None else str(year)
        match = _YEAR_RE.match(text)
        if not match:
            code = "pub_no_year" if not text.strip() else "pub_bad_year"
            self.problem("error", row, year_column, text, code)
            return
        if not affiliations:
            self.problem("warning", row, aff_column, doi or source_id, "pub_no_affiliation")
        for aff in affiliations:
            if not aff["country"]:
                self.problem("warning", row, aff_column, aff["address"] or aff["org"], "pub_unknown_country")
        self.records.append({
            "source": source, "source_id": f"{source}:{source_id}" if source_id else "", "doi": doi,
            "title": (title or "").strip(), "year": int(match.group(1)), "file": self.path.name,
            "row": row, "affiliations": affiliations,
        })


def _affiliation(org: str, country: str | None, city: str, ror: str, address: str, source: str) -> dict:
    return {"org": org.strip(), "country": country, "city": city, "ror": ror, "address": address.strip(),
            "source": source}


# -- Scopus -------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _scopus_parts(text: str) -> tuple[str, str | None, str]:
    return addr.organisation(text), addr.scopus_country(text), addr.city(text)


@lru_cache(maxsize=65536)
def _wos_parts(text: str) -> tuple[str, str | None, str]:
    return addr.organisation(text, org_first=True), addr.wos_country(text), addr.city(text)


def _scopus_affiliations(cell: str) -> list[dict]:
    out, seen = [], set()
    for text in (cell or "").split(";"):
        text = text.strip()
        if not text or text in seen or text.casefold() == "no affiliation available":
            continue
        seen.add(text)
        out.append(_affiliation(*_scopus_parts(text), "", text, "scopus"))
    return out


def _scopus_eid(row: dict) -> str:
    """The EID: its column, else the ``eid=`` of the link, else a cell past the header
    (some real exports have one cell more than their header, the EID last)."""
    eid = (row.get("EID") or "").strip()
    if _EID_RE.fullmatch(eid):
        return eid
    link = _EID_RE.search(row.get("Link") or "")
    if link:
        return link.group(0)
    extra = row.get(None) or []
    return next((c.strip() for c in extra if _EID_RE.fullmatch(c.strip())), eid)


def read_scopus(reader: _Reader, text: str) -> None:
    rows = csv.DictReader(io.StringIO(text))
    for number, raw in enumerate(rows, start=2):
        row = {k.strip(): (v or "") for k, v in raw.items() if isinstance(k, str)}
        row[None] = raw.get(None) or []
        reader.add(number, "scopus", _scopus_eid(row), row.get("DOI", ""), row.get("Title", ""),
                   row.get("Year", ""), _scopus_affiliations(row.get("Affiliations", "")),
                   id_column="EID", year_column="Year", aff_column="Affiliations")


# -- Web of Science -----------------------------------------------------------------


def _split_outside_brackets(text: str) -> list[str]:
    """``[A; B] Univ X, ...; [C] Univ Y, ...`` -> the two addresses (``;`` inside [] kept)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth = max(0, depth - 1)
        elif ch == ";" and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _wos_affiliations(addresses: list[str]) -> list[dict]:
    out, seen = [], set()
    for text in addresses:
        text = re.sub(r"^\[[^\]]*\]\s*", "", text.strip()).strip()
        if not text or text in seen:
            continue
        seen.add(text)
        out.append(_affiliation(*_wos_parts(text), "", text, "wos"))
    return out


def read_wos_plain(reader: _Reader, text: str) -> None:
    record: dict[str, list[str]] = {}
    start_line, tag = 0, None

    def flush() -> None:
        if not record:
            return
        c1 = record.get("C1", [])
        reader.add(start_line, "wos", " ".join(record.get("UT", [])), " ".join(record.get("DI", [])),
                   " ".join(record.get("TI", [])), " ".join(record.get("PY", [])), _wos_affiliations(c1),
                   id_column="UT", year_column="PY", aff_column="C1")

    for number, line in enumerate(text.splitlines(), start=1):
        line = line.rstrip("\r\n")
        if not line.strip():
            continue
        match = _WOS_TAG_RE.match(line) if not line.startswith("   ") else None
        if line.strip() in ("ER", "EF") or (match is None and line[:2] in ("ER", "EF") and len(line.strip()) == 2):
            flush()
            record, tag = {}, None
            continue
        if match:
            tag, value = match.group(1), match.group(2)
            if tag in ("FN", "VR"):
                tag = None
                continue
            if tag == "PT":
                flush()
                record, start_line = {}, number
            record.setdefault(tag, []).append(value.strip())
        elif line.startswith("   ") and tag:
            record[tag].append(line.strip())
    flush()


def read_wos_tab(reader: _Reader, text: str) -> None:
    rows = csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    for number, row in enumerate(rows, start=2):
        row = {(k or "").strip(): (v or "") for k, v in row.items()}
        if not any(v.strip() for v in row.values()):
            continue
        reader.add(number, "wos", row.get("UT", ""), row.get("DI", ""), row.get("TI", ""), row.get("PY", ""),
                   _wos_affiliations(_split_outside_brackets(row.get("C1", ""))),
                   id_column="UT", year_column="PY", aff_column="C1")


# -- OpenAlex -----------------------------------------------------------------------


def read_openalex(reader: _Reader, data: object) -> None:
    works = data.get("results") if isinstance(data, dict) else data
    if isinstance(data, dict) and works is None and "authorships" in data:
        works = [data]  # one saved work
    if not isinstance(works, list):
        reader.problem("error", None, None, reader.path.name, "pub_unknown_format")
        return
    codes = index_codes()
    for number, work in enumerate(works, start=1):
        if not isinstance(work, dict):
            reader.problem("error", number, None, str(work)[:60], "pub_no_id")
            continue
        affiliations, seen = [], set()
        for authorship in work.get("authorships") or []:
            for inst in (authorship or {}).get("institutions") or []:
                key = inst.get("id") or inst.get("display_name")
                if not key or key in seen:
                    continue
                seen.add(key)
                code = (inst.get("country_code") or "").upper()
                affiliations.append(_affiliation(inst.get("display_name") or "", codes.get(code), "",
                                                 (inst.get("ror") or "").strip(), inst.get("display_name") or "",
                                                 "openalex"))
        source_id = str(work.get("id") or "").rsplit("/", 1)[-1]
        reader.add(number, "openalex", source_id, work.get("doi") or "", work.get("display_name") or work.get("title") or "",
                   work.get("publication_year"), affiliations,
                   id_column="id", year_column="publication_year", aff_column="authorships")


# -- files --------------------------------------------------------------------------


def _decode(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def detect_format(text: str) -> str | None:
    """``scopus``, ``wos_plain``, ``wos_tab``, ``openalex`` or None, from the content."""
    head = text.lstrip()[:4000]
    if head.startswith(("{", "[")):
        return "openalex"
    first = head.splitlines()[0] if head else ""
    if re.match(r"^(FN |PT )", first):
        return "wos_plain"
    cells = first.split("\t")
    if len(cells) > 3 and "PT" in cells and ("UT" in cells or "C1" in cells):
        return "wos_tab"
    if "," in first and ("EID" in first or "Affiliations" in first) and "Title" in first:
        return "scopus"
    return None


def read_file(path: Path, problems: list[Problem]) -> list[dict]:
    """The records of one export file (its problems appended to ``problems``)."""
    reader = _Reader(Path(path), problems)
    try:
        text = _decode(Path(path).read_bytes())
    except OSError as exc:
        reader.problem("error", None, None, Path(path).name, "pub_unreadable", reason=str(exc))
        return []
    kind = detect_format(text)
    if kind is None:
        reader.problem("error", None, None, Path(path).name, "pub_unknown_format")
        return []
    try:
        if kind == "openalex":
            read_openalex(reader, json.loads(text))
        elif kind == "scopus":
            read_scopus(reader, text)
        elif kind == "wos_plain":
            read_wos_plain(reader, text)
        else:
            read_wos_tab(reader, text)
    except (ValueError, csv.Error) as exc:
        reader.problem("error", None, None, Path(path).name, "pub_unreadable", reason=str(exc)[:200])
    return reader.records


def read_publications(paths, owners: dict[str, str] | None = None) -> Publications:
    """Read and merge every export in ``paths``; ``owners`` maps a file path to the
    institution_id whose export it is (``files`` of the result lists them)."""
    problems: list[Problem] = []
    records: list[dict] = []
    files = []
    for path in paths:
        found = read_file(Path(path), problems)
        owner = (owners or {}).get(str(path), "")
        for rec in found:
            rec["owner"] = owner
        records.extend(found)
        files.append(str(path))
    return _merge(records, problems, files)


def _merge(records: list[dict], problems: list[Problem], files: list[str]) -> Publications:
    by_key: dict[str, dict] = {}
    alias: dict[str, str] = {}  # any doi/source id -> the merged paper's key
    for rec in records:
        keys = [k for k in (rec["doi"] and f"doi:{rec['doi']}", rec["source_id"]) if k]
        key = next((alias[k] for k in keys if k in alias), None)
        if key is None:
            key = keys[0]
            by_key[key] = {"paper_id": rec["doi"] or rec["source_id"], "doi": rec["doi"], "records": []}
        paper = by_key[key]
        same_file = [r for r in paper["records"] if r["file"] == rec["file"]]
        if same_file:
            first = same_file[0]
            p = {"column": None, "value": rec["doi"] or rec["source_id"], "file": rec["file"],
                 "first_row": first["row"]}
            problems.append(Problem("warning", f"publications/{rec['file']}", rec["row"], None, p["value"],
                                    t("problem.pub_duplicate", "en", **p), "pub_duplicate", p))
        paper["records"].append(rec)
        if rec["doi"] and not paper["doi"]:
            paper["doi"] = rec["doi"]
        for k in keys:
            alias.setdefault(k, key)
    papers, affiliations = [], []
    for paper in by_key.values():
        recs = paper["records"]
        chosen = next((r for s in SOURCES for r in recs if r["source"] == s and r["affiliations"]), recs[0])
        years = {r["year"] for r in recs}
        if len(years) > 1:
            p = {"column": "year", "value": ", ".join(str(y) for y in sorted(years)), "file": chosen["file"],
                 "kept": chosen["year"]}
            problems.append(Problem("warning", f"publications/{chosen['file']}", chosen["row"], "year", p["value"],
                                    t("problem.pub_year_conflict", "en", **p), "pub_year_conflict", p))
        paper_id = paper["doi"] or paper["paper_id"]
        papers.append({
            "paper_id": paper_id, "doi": paper["doi"],
            "source_ids": sorted({r["source_id"] for r in recs if r["source_id"]}),
            "sources": sorted({r["source"] for r in recs}), "title": chosen["title"] or recs[0]["title"],
            "year": chosen["year"], "files": sorted({f"{r['file']}:{r['row']}" for r in recs}),
            "owners": sorted({r["owner"] for r in recs if r.get("owner")}),
        })
        for aff in chosen["affiliations"]:
            affiliations.append({"paper_id": paper_id, **aff})
    paper_frame = pd.DataFrame(papers, columns=[*PAPER_COLUMNS, "owners"])
    aff_frame = pd.DataFrame(affiliations, columns=AFFILIATION_COLUMNS)
    problems.sort(key=lambda p: (p.severity != "error", p.table, p.row or 0))
    return Publications(paper_frame, aff_frame, problems, files)
