"""Match affiliations to the dataset's partners and to its own institutions.

A match is **certain** (used in the figures) when:
- the affiliation's ROR id equals the partner's ``ror`` column (optional in the dataset), or
- its name equals the partner's name or one of its ``aliases`` (optional column, names
  separated by ``;``) under the comparison the loaders use for duplicate partners
  (``loaders.types.fold_name``: case, accents, apostrophes, spacing), or under that
  comparison with punctuation and little words (of, the, de, ...) dropped and Web of
  Science's abbreviations read (``Univ`` = University, ``Med`` = Medical, ...), and the
  countries agree.

A match is **uncertain** (listed for confirmation, never counted) when the names agree
but the countries differ or one is unknown; or, in the same country, when every word of
the shorter name is in the longer (``University of Illinois`` in ``University of
Illinois at Urbana-Champaign``); or when the affiliation lies in the partner's city and
shares a distinctive word of its name. To confirm one, add the affiliation's name to the
partner's ``aliases``. Institutions (the home side) are matched the same way, by name,
short name and ``aliases``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

import pandas as pd

from loaders.types import fold_name

# Full words read as the abbreviation Web of Science writes (both sides are reduced).
_ABBREVIATIONS = {
    "university": "univ", "universite": "univ", "universitat": "univ", "universitaet": "univ",
    "universidad": "univ", "universita": "univ", "universiteit": "univ", "universidade": "univ",
    "institute": "inst", "institut": "inst", "instituto": "inst", "istituto": "inst",
    "medical": "med", "medicine": "med", "hospital": "hosp", "national": "natl",
    "science": "sci", "sciences": "sci", "technology": "technol", "technological": "technol",
    "center": "ctr", "centre": "ctr", "college": "coll", "school": "sch", "research": "res",
    "academy": "acad", "engineering": "engn", "health": "hlth", "federal": "fed",
    "republic": "rep", "international": "int", "central": "cent", "clinical": "clin",
    "pharmaceutical": "pharmaceut", "department": "dept", "saint": "st", "sankt": "st",
    "polytechnic": "polytech", "agricultural": "agr", "state": "state",
}
_STOPWORDS = frozenset("of the and at de la le der die fur for in di del des du do da y e et named after".split())
# Words too common to make two names alike on their own.
_GENERIC = frozenset(
    "univ inst med hosp natl sci technol ctr coll sch res acad engn hlth fed rep int cent clin state st "
    "city general public private first second medical new north south east west".split()
)
_WORD_RE = re.compile(r"\w+")


@lru_cache(maxsize=65536)
def _name_key(text: str) -> str:
    words = _WORD_RE.findall(fold_name(text))
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words if w not in _STOPWORDS)


def name_key(text: object) -> str:
    """Name as compared beyond ``fold_name``: no punctuation or little words, WoS
    abbreviations read. ``name_key("Univ Oxford") == name_key("University of Oxford")``."""
    return _name_key(text) if isinstance(text, str) else ""


@lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    return fold_name(text)


def ror_key(value: object) -> str:
    """``https://ror.org/05b5a6q69`` and ``05b5a6q69`` are one ROR id."""
    if not isinstance(value, str) or not value.strip():
        return ""
    return value.strip().rstrip("/").rsplit("/", 1)[-1].lower()


def _aliases(value: object) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(v) for v in value if str(v).strip()]
    if not isinstance(value, str):
        return []
    return [v.strip() for v in value.split(";") if v.strip()]


class Matcher:
    """Candidates (partners or institutions) indexed by ROR, folded name, key and word."""

    def __init__(self, frame: pd.DataFrame, id_column: str, name_columns: tuple[str, ...]):
        self.by_ror: dict[str, str] = {}
        self.by_fold: dict[str, list[tuple[str, str]]] = defaultdict(list)  # -> (id, how)
        self.by_key: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.by_word: dict[tuple[str, str], set[str]] = defaultdict(set)  # (country, word) -> ids
        self.words: dict[str, list[frozenset[str]]] = defaultdict(list)
        self.country: dict[str, str | None] = {}
        self.city: dict[str, str] = {}
        self.name: dict[str, str] = {}
        for rec in frame.to_dict("records"):
            cid = str(rec[id_column])
            country = rec.get("country") if isinstance(rec.get("country"), str) else None
            self.country[cid] = country
            self.city[cid] = fold_name(rec.get("city")) if isinstance(rec.get("city"), str) else ""
            self.name[cid] = str(rec.get("name") or cid)
            ror = ror_key(rec.get("ror"))
            if ror:
                self.by_ror.setdefault(ror, cid)
            names = [(rec.get(c), "name") for c in name_columns] + [(a, "alias") for a in _aliases(rec.get("aliases"))]
            for name, how in names:
                if not isinstance(name, str) or not name.strip():
                    continue
                self.by_fold[fold_name(name)].append((cid, how))
                key = name_key(name)
                if not key:
                    continue
                self.by_key[key].append((cid, how))
                words = frozenset(key.split())
                self.words[cid].append(words)
                for word in words - _GENERIC:
                    self.by_word[(country or "", word)].add(cid)

    def match(self, org: str, country: str | None, city: str, ror: str) -> tuple[str | None, str, list[tuple[str, str]]]:
        """(certain id or None, how, uncertain [(id, reason)]) for one affiliation."""
        ror = ror_key(ror)
        if ror and ror in self.by_ror:
            return self.by_ror[ror], "ror", []
        uncertain: dict[str, str] = {}
        key = name_key(org)
        for hits, how_equal in ((self.by_fold.get(_fold(org), []), "name"), (self.by_key.get(key, []), "key")):
            for cid, how in hits:
                if country and self.country[cid] == country:
                    return cid, how if how_equal == "name" else f"{how}_key", []
                uncertain.setdefault(cid, "country_differs" if country and self.country[cid] else "country_unknown")
        if not key or not country:
            return None, "", list(uncertain.items())
        words = frozenset(key.split())
        folded_city = _fold(city)
        candidates: set[str] = set()
        for word in words - _GENERIC:
            candidates |= self.by_word.get((country, word), set())
        for cid in sorted(candidates):
            if cid in uncertain:
                continue
            for other in self.words[cid]:
                small, large = (other, words) if len(other) <= len(words) else (words, other)
                if len(small) >= 2 and small <= large:
                    uncertain[cid] = "name_within"
                    break
            else:
                if self.city[cid] and folded_city and self.city[cid] == folded_city:
                    uncertain[cid] = "same_city"
        return None, "", list(uncertain.items())


def match_affiliations(affiliations: pd.DataFrame, partners: pd.DataFrame, institutions: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Affiliations with ``home_id``, ``partner_id`` and ``match`` (how) added; and the
    uncertain matches: one row per affiliation name and candidate (kind ``partner`` or
    ``institution``, reason, the papers it appears on)."""
    home = Matcher(institutions, "institution_id", ("name", "short_name"))
    other = Matcher(partners, "partner_id", ("name",))
    out = affiliations.copy()
    home_ids, partner_ids, hows = [], [], []
    doubts: dict[tuple, dict] = {}
    cache: dict[tuple, tuple] = {}
    cols = ["org", "country", "city", "ror"]
    for paper_id, *values in zip(*(out[c].tolist() for c in ["paper_id", *cols]), strict=True):
        org, country, city, ror = (v if isinstance(v, str) else "" for v in values)
        key = (org, country, city, ror)
        if key not in cache:
            hid, how, home_doubt = home.match(org, country or None, city, ror)
            pid, phow, partner_doubt = (None, "", []) if hid else other.match(org, country or None, city, ror)
            cache[key] = (hid, pid, f"home_{how}" if hid else phow,
                          [("institution", c, r, home.name[c]) for c, r in home_doubt]
                          + [("partner", c, r, other.name[c]) for c, r in partner_doubt])
        hid, pid, how, doubt = cache[key]
        home_ids.append(hid)
        partner_ids.append(pid)
        hows.append(how)
        for kind, cid, reason, cname in doubt:
            entry = doubts.setdefault((org, country, kind, cid), {
                "org": org, "country": country or None, "city": city, "kind": kind, "candidate_id": cid,
                "candidate_name": cname, "reason": reason, "paper_ids": set()})
            entry["paper_ids"].add(paper_id)
    out["home_id"] = pd.array(home_ids, dtype=object)
    out["partner_id"] = pd.array(partner_ids, dtype=object)
    out["match"] = hows
    rows = []
    for entry in doubts.values():
        ids = sorted(entry.pop("paper_ids"))
        rows.append({**entry, "papers": len(ids), "paper_ids": ids})
    columns = ["org", "country", "city", "kind", "candidate_id", "candidate_name", "reason", "papers", "paper_ids"]
    uncertain = pd.DataFrame(rows, columns=columns)
    if len(uncertain):
        uncertain = uncertain.sort_values(["papers", "org"], ascending=[False, True], kind="stable").reset_index(drop=True)
    return out, uncertain
