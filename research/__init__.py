"""Research collaboration: co-publications from Scopus, Web of Science and OpenAlex exports.

    from loaders import load_dataset
    from research import load_research, publication_files
    ds = load_dataset("mydata")
    files, problems = publication_files("mydata", ds.tables)   # mydata/publications/...
    research = load_research(ds.tables, files, problems)
    research.papers, research.affiliations, research.uncertain, research.problems

Where the exports live: a ``publications/`` folder inside the dataset folder (beside a
workbook for an ``.xlsx`` dataset). A file directly in it belongs to whichever of the
dataset's institutions its affiliations name; a file in ``publications/<institution_id>/``
is that institution's own export, so all its papers count for it. The figures are in
``research.figures`` (definitions: docs/research.md).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd

from i18n import t
from loaders.schema import Problem
from research.figures import Research
from research.match import match_affiliations, name_key, ror_key
from research.read import Publications, read_publications

PUBLICATIONS_DIR = "publications"
# Scopus: .csv; Web of Science: .txt (plain text or tab-delimited), .isi and .ciw (its own
# names for the plain-text export), .tab, .tsv; OpenAlex: .json. The content decides.
EXPORT_SUFFIXES = (".csv", ".txt", ".isi", ".ciw", ".tsv", ".json", ".tab")


def publications_dir(dataset_path: str | Path) -> Path:
    path = Path(dataset_path)
    return path / PUBLICATIONS_DIR if path.is_dir() else path.parent / PUBLICATIONS_DIR


def publication_files(dataset_path: str | Path, tables: dict[str, pd.DataFrame]) -> tuple[list[tuple[str, str]], list[Problem]]:
    """(path, owner institution_id or "") of every export of the dataset, and a problem
    for each sub-folder that names no institution of the dataset."""
    folder = publications_dir(dataset_path)
    if not folder.is_dir():
        return [], []
    known = set(tables["institutions"]["institution_id"].astype(str))
    files: list[tuple[str, str]] = []
    problems: list[Problem] = []
    for entry in sorted(folder.iterdir()):
        if entry.is_file():
            files += _taken(entry, "", f"{PUBLICATIONS_DIR}/{entry.name}", problems)
        elif entry.is_dir():
            owner = entry.name if entry.name in known else ""
            if not owner:
                p = {"column": None, "value": entry.name}
                problems.append(Problem("warning", f"{PUBLICATIONS_DIR}/{entry.name}", None, None, entry.name,
                                        t("problem.pub_unknown_institution", "en", **p), "pub_unknown_institution", p))
            for f in sorted(entry.iterdir()):
                if f.is_file():
                    files += _taken(f, owner, f"{PUBLICATIONS_DIR}/{entry.name}/{f.name}", problems)
    return files, problems


def _taken(file: Path, owner: str, shown: str, problems: list[Problem]) -> list[tuple[str, str]]:
    """``[(file, owner)]`` when a reader takes the file by its name; otherwise a warning
    naming it (hidden files such as .DS_Store aside) and ``[]``."""
    if file.suffix.lower() in EXPORT_SUFFIXES:
        return [(str(file), owner)]
    if not file.name.startswith("."):
        p = {"column": None, "value": file.name}
        problems.append(Problem("warning", shown, None, None, file.name,
                                t("problem.pub_not_an_export", "en", **p), "pub_not_an_export", p))
    return []


def files_stamp(files: list[tuple[str, str]]) -> tuple:
    """(path, owner, mtime, size) of each export: a cache key that changes with the files."""
    out = []
    for path, owner in files:
        try:
            stat = Path(path).stat()
            out.append((path, owner, stat.st_mtime_ns, stat.st_size))
        except OSError:
            out.append((path, owner, 0, 0))
    return tuple(out)


def _org_keys(aff: pd.DataFrame, partners: pd.DataFrame) -> tuple[list[str], list[str]]:
    """One key per distinct foreign institution: its partner, else its ROR id, else its
    compared name and country; and the name shown (the partner's, else the commonest spelling)."""
    partner_names = dict(zip(partners["partner_id"], partners["name"], strict=True))
    keys = []
    seen: dict[tuple, str] = {}
    for row in zip(*(aff[c].tolist() for c in ("org", "country", "ror", "partner_id")), strict=True):
        if row not in seen:
            org, country, ror, pid = row
            if isinstance(pid, str):
                seen[row] = f"partner:{pid}"
            elif ror_key(ror):
                seen[row] = f"ror:{ror_key(ror)}"
            else:
                seen[row] = f"name:{name_key(org)}|{country if isinstance(country, str) else ''}"
        keys.append(seen[row])
    spellings: dict[str, Counter] = {}
    for key, org in zip(keys, aff["org"].tolist(), strict=True):
        spellings.setdefault(key, Counter())[org] += 1
    names = {k: c.most_common(1)[0][0] for k, c in spellings.items()}
    shown = [partner_names.get(k[8:], names[k]) if k.startswith("partner:") else names[k] for k in keys]
    return keys, shown


def build_research(pubs: Publications, tables: dict[str, pd.DataFrame], extra_problems: list[Problem] | None = None) -> Research:
    """Match the affiliations of ``pubs`` and attribute every paper to its institutions."""
    aff, uncertain = match_affiliations(pubs.affiliations, tables["partners"], tables["institutions"])
    keys, shown = _org_keys(aff, tables["partners"]) if len(aff) else ([], [])
    aff["org_key"], aff["org_name"] = keys, shown
    homes: dict[str, set[str]] = {}
    for pid, hid in zip(aff["paper_id"].tolist(), aff["home_id"].tolist(), strict=True):
        if isinstance(hid, str):
            homes.setdefault(pid, set()).add(hid)
    papers = pubs.papers.copy()
    papers["home_ids"] = [
        sorted(set(owners) | homes.get(pid, set()))
        for pid, owners in zip(papers["paper_id"].tolist(), papers["owners"].tolist(), strict=True)
    ]
    unattributed = papers[papers["home_ids"].map(len) == 0].reset_index(drop=True)
    problems = sorted([*(extra_problems or []), *pubs.problems],
                      key=lambda p: (p.severity != "error", p.table, p.row or 0))
    return Research(papers, aff, uncertain, unattributed, problems, pubs.files)


def dataset_research(dataset_path: str | Path, tables: dict[str, pd.DataFrame]) -> Research | None:
    """The research view of the exports in the dataset's ``publications/`` folder, or None
    when it has none (no file and no folder problem)."""
    files, problems = publication_files(dataset_path, tables)
    if not files and not problems:
        return None
    return load_research(tables, files, problems)


def load_research(tables: dict[str, pd.DataFrame], files: list[tuple[str, str]] | list[str],
                  extra_problems: list[Problem] | None = None) -> Research:
    """Read the exports (``(path, owner)`` pairs or plain paths) and build the research view."""
    pairs = [(f, "") if isinstance(f, str | Path) else f for f in files]
    pubs = read_publications([str(p) for p, _ in pairs], {str(p): o for p, o in pairs if o})
    return build_research(pubs, tables, extra_problems)


__all__ = ["PUBLICATIONS_DIR", "Research", "build_research", "dataset_research", "files_stamp", "load_research",
           "publication_files", "publications_dir", "read_publications"]
