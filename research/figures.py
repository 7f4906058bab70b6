"""The co-publication figures (defined in docs/research.md), each with its evidence rows.

Every function takes a :class:`research.Research` (papers with their home institutions,
matched affiliations), the dataset's clean tables and a ``metrics.Scope``; the paper ids
behind every number are returned beside it (``paper_ids`` columns / ``evidence`` lists).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

import metrics
from metrics.scope import Scope
from places.centroids import country_centroid
from places.locate import locate

IRN_MIN_PAPERS = 3  # QS: sustained = 3 or more joint papers
IRN_YEARS = 5  # in the 5 years up to the as-of date


@dataclass
class Research:
    """Papers (``home_ids``: institutions they are attributed to) and their affiliations
    (``home_id``, ``partner_id``, ``org_key``, ``org_name`` added), uncertain matches,
    papers attributed to no institution, and the problems of reading the exports."""

    papers: pd.DataFrame
    affiliations: pd.DataFrame
    uncertain: pd.DataFrame
    unattributed: pd.DataFrame
    problems: list
    files: list


def irn_window(scope: Scope) -> tuple[int, int]:
    """Publication years counted by the QS IRN: the as-of year and the 4 before it."""
    return scope.as_of.year - IRN_YEARS + 1, scope.as_of.year


def _home_country(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    inst = tables["institutions"].drop_duplicates("institution_id")
    return dict(zip(inst["institution_id"], inst["country"], strict=True))


def _papers_for(research: Research, scope: Scope, *, years: tuple[int | None, int | None] | None = None) -> pd.DataFrame:
    """Papers attributed to an institution in scope, in the year range (scope's by default)."""
    papers = research.papers
    wanted = scope.institutions
    keep = papers["home_ids"].map(lambda ids: bool(ids) and (not wanted or bool(set(ids) & wanted)))
    year_from, year_to = years if years is not None else (scope.year_from, scope.year_to)
    if year_from is not None:
        keep &= papers["year"] >= year_from
    if year_to is not None:
        keep &= papers["year"] <= year_to
    return papers[keep.to_numpy(dtype=bool)]


def foreign_affiliations(research: Research, tables: dict[str, pd.DataFrame], papers: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """Affiliations of ``papers`` outside the home country of the paper's institutions
    (in scope), the home institutions themselves excluded; the country, region and
    partner-type filters applied to the co-author."""
    countries = _home_country(tables)
    wanted = scope.institutions
    home_countries = papers.set_index("paper_id")["home_ids"].map(
        lambda ids: {countries.get(i) for i in ids if not wanted or i in wanted})
    aff = research.affiliations
    aff = aff[aff["paper_id"].isin(home_countries.index).to_numpy() & aff["home_id"].isna().to_numpy()
              & aff["country"].notna().to_numpy()]
    homes = aff["paper_id"].map(home_countries)
    foreign = [c not in h for c, h in zip(aff["country"], homes, strict=True)]
    aff = aff[foreign]
    return _filter_coauthors(aff, tables, scope)


def _filter_coauthors(aff: pd.DataFrame, tables: dict[str, pd.DataFrame], scope: Scope) -> pd.DataFrame:
    country_set = scope.country_set
    if country_set:
        aff = aff[aff["country"].isin(country_set).to_numpy()]
    if scope.partner_types:
        types = tables["partners"].drop_duplicates("partner_id").set_index("partner_id")["type"]
        aff = aff[aff["partner_id"].map(types).isin(scope.partner_types).to_numpy()]
    return aff


def _filtered_papers(research: Research, tables, scope: Scope, papers: pd.DataFrame) -> pd.DataFrame:
    """With a country, region or partner-type filter: only papers with such a co-author."""
    if not scope.country_set and not scope.partner_types:
        return papers
    aff = research.affiliations
    aff = _filter_coauthors(aff[aff["paper_id"].isin(papers["paper_id"]).to_numpy() & aff["home_id"].isna().to_numpy()],
                            tables, scope)
    return papers[papers["paper_id"].isin(set(aff["paper_id"])).to_numpy()]


def _countries_of(research: Research, paper_ids) -> pd.Series:
    """paper_id -> set of the known countries of its affiliations."""
    aff = research.affiliations
    aff = aff[aff["paper_id"].isin(set(paper_ids)).to_numpy() & aff["country"].notna().to_numpy()]
    return aff.groupby("paper_id")["country"].agg(lambda s: frozenset(s))


def summary(research: Research, tables, scope: Scope) -> dict:
    """papers, with_affiliations, international (affiliations in 2+ countries), its
    share, and papers per country of any author; each with its paper ids."""
    papers = _filtered_papers(research, tables, scope, _papers_for(research, scope))
    ids = sorted(papers["paper_id"])
    with_aff = sorted(set(research.affiliations["paper_id"]) & set(ids))
    countries = _countries_of(research, ids)
    international = sorted(pid for pid, found in countries.items() if len(found) >= 2)
    per_country: dict[str, list[str]] = {}
    for pid, found in countries.items():
        for country in found:
            per_country.setdefault(country, []).append(pid)
    return {
        "papers": len(ids), "with_affiliations": len(with_aff), "international": len(international),
        "international_share": len(international) / len(ids) if ids else None,
        "countries": {c: len(v) for c, v in sorted(per_country.items())},
        "evidence": {"papers": ids, "with_affiliations": with_aff, "international": international,
                     "countries": {c: sorted(v) for c, v in sorted(per_country.items())}},
    }


def per_year(research: Research, tables, scope: Scope) -> pd.DataFrame:
    """year, papers, international, share, paper_ids, international_ids (years with papers)."""
    papers = _filtered_papers(research, tables, scope, _papers_for(research, scope))
    countries = _countries_of(research, papers["paper_id"])
    intl = {pid for pid, found in countries.items() if len(found) >= 2}
    rows = []
    for year, group in papers.groupby("year", sort=True):
        ids = sorted(group["paper_id"])
        hits = [p for p in ids if p in intl]
        rows.append({"year": int(year), "papers": len(ids), "international": len(hits),
                     "share": len(hits) / len(ids), "paper_ids": ids, "international_ids": hits})
    return pd.DataFrame(rows, columns=["year", "papers", "international", "share", "paper_ids", "international_ids"])


def _by(aff: pd.DataFrame, key: str, extra: list[str]) -> pd.DataFrame:
    if aff.empty:
        return pd.DataFrame(columns=[key, *extra, "papers", "paper_ids"])
    grouped = aff.groupby(key, sort=False)
    out = grouped[extra].first() if extra else pd.DataFrame(index=grouped.size().index)
    out["paper_ids"] = grouped["paper_id"].agg(lambda s: sorted(set(s)))
    out["papers"] = out["paper_ids"].map(len)
    out = out.reset_index()[[key, *extra, "papers", "paper_ids"]]
    return out.sort_values(["papers", key], ascending=[False, True], kind="stable").reset_index(drop=True)


def foreign_institutions(research: Research, tables, scope: Scope, *, years=None) -> pd.DataFrame:
    """Co-authoring foreign institutions: org_key, org_name, country, partner_id, papers, paper_ids."""
    papers = _papers_for(research, scope, years=years)
    aff = foreign_affiliations(research, tables, papers, scope)
    return _by(aff, "org_key", ["org_name", "country", "partner_id", "ror"])


def foreign_countries(research: Research, tables, scope: Scope) -> pd.DataFrame:
    """Co-authoring foreign countries: country, papers, paper_ids."""
    aff = foreign_affiliations(research, tables, _papers_for(research, scope), scope)
    return _by(aff, "country", [])


def irn(research: Research, tables, scope: Scope) -> dict:
    """The QS International Research Network index.

    P = foreign institutions with at least 3 joint papers published in the 5 years up to
    the as-of year; L = their distinct countries; IRN = L / ln(P), None when P < 2. The
    scope's institutions count; its year, country, region and partner-type filters do
    not (QS counts every foreign co-author in that window).
    """
    whole = scope.replace(year_from=None, year_to=None, countries=frozenset(), regions=frozenset(),
                          partner_types=frozenset())
    table = foreign_institutions(research, tables, whole, years=irn_window(scope))
    sustained = table[table["papers"] >= IRN_MIN_PAPERS].reset_index(drop=True)
    p = len(sustained)
    countries = sorted(set(sustained["country"]))
    value = len(countries) / math.log(p) if p >= 2 else None
    return {"irn": value, "p": p, "l": len(countries), "institutions": sustained, "countries": countries,
            "window": irn_window(scope)}


def _joint_by_pair(research: Research, tables, scope: Scope, years) -> dict[tuple[str, str], set[str]]:
    """(institution_id, partner_id) -> papers of that institution with that partner."""
    whole = scope.replace(year_from=None, year_to=None, countries=frozenset(), regions=frozenset(),
                          partner_types=frozenset())
    papers = _papers_for(research, whole, years=years)
    homes = papers.set_index("paper_id")["home_ids"]
    aff = research.affiliations
    aff = aff[aff["paper_id"].isin(homes.index).to_numpy() & aff["partner_id"].notna().to_numpy()]
    pairs: dict[tuple[str, str], set[str]] = {}
    for pid, partner in zip(aff["paper_id"], aff["partner_id"], strict=True):
        for inst in homes[pid]:
            if not scope.institutions or inst in scope.institutions:
                pairs.setdefault((inst, partner), set()).add(pid)
    return pairs


def joint_papers_by_pair(research: Research, tables, scope: Scope) -> dict[tuple[str, str], set[str]]:
    """(institution_id, partner_id) -> the ids of that institution's joint papers with that
    partner, published in the scope's years (every year when it has none): an agreement's
    joint papers in the pack's agreement outcomes."""
    return _joint_by_pair(research, tables, scope, (scope.year_from, scope.year_to))


def agreements_without_papers(research: Research, tables, scope: Scope) -> pd.DataFrame:
    """Active agreements (in scope, on the as-of date) whose institution has no joint
    paper with the partner in the IRN window: agreement_id, institution_id, partner_id, kind."""
    agreements = metrics.apply_scope(tables, scope)["agreements"]
    status = metrics.agreement_status(agreements, scope.as_of)
    active = agreements[(status == "active").to_numpy()]
    pairs = _joint_by_pair(research, tables, scope, irn_window(scope))
    keep = [(i, p) not in pairs for i, p in zip(active["institution_id"], active["partner_id"], strict=True)]
    cols = ["agreement_id", "institution_id", "partner_id", "kind", "signed_on", "signed_on_precision"]
    return active.loc[keep, cols].sort_values(["institution_id", "partner_id"]).reset_index(drop=True)


def sustained_without_agreement(research: Research, tables, scope: Scope, irn_result: dict | None = None) -> pd.DataFrame:
    """The institutions behind the IRN's P that have no agreement (any status) with an
    institution in scope: candidates for an MoU (``irn_result``: ``irn()`` of this scope,
    when the caller has it already)."""
    table = (irn_result or irn(research, tables, scope))["institutions"]
    agreements = tables["agreements"]
    if scope.institutions:
        agreements = agreements[agreements["institution_id"].isin(scope.institutions).to_numpy()]
    with_agreement = set(agreements["partner_id"].dropna())
    keep = ~table["partner_id"].isin(with_agreement).to_numpy()
    return table[keep].reset_index(drop=True)


def partner_side_by_side(research: Research, tables, scope: Scope) -> pd.DataFrame:
    """Per partner in scope or co-authoring: agreements, visits, grants (in scope) and
    joint papers (the scope's years), with the ids behind each."""
    scoped = metrics.apply_scope(tables, scope)
    rows: dict[str, dict] = {}

    def entry(pid: str) -> dict:
        return rows.setdefault(pid, {"partner_id": pid, "agreement_ids": set(), "visit_ids": set(),
                                     "grant_ids": set(), "paper_ids": set()})

    for aid, pid in zip(scoped["agreements"]["agreement_id"], scoped["agreements"]["partner_id"], strict=True):
        entry(pid)["agreement_ids"].add(aid)
    visits = scoped["visits"].dropna(subset=["partner_id"])
    for vid, pid in zip(visits["visit_id"], visits["partner_id"], strict=True):
        entry(pid)["visit_ids"].add(vid)
    for gid, pids in zip(scoped["grants"]["grant_id"], scoped["grants"]["partner_ids"], strict=True):
        for pid in pids:
            entry(pid)["grant_ids"].add(gid)
    for (_inst, pid), papers in _joint_by_pair(research, tables, scope, (scope.year_from, scope.year_to)).items():
        entry(pid)["paper_ids"] |= papers
    partners = tables["partners"].drop_duplicates("partner_id").set_index("partner_id")
    if scope.country_set:
        rows = {k: v for k, v in rows.items() if partners["country"].get(k) in scope.country_set}
    if scope.partner_types:
        rows = {k: v for k, v in rows.items() if partners["type"].get(k) in scope.partner_types}
    out = []
    for pid, rec in rows.items():
        lists = {k: sorted(v) for k, v in rec.items() if k != "partner_id"}
        out.append({"partner_id": pid, "country": partners["country"].get(pid),
                    "agreements": len(lists["agreement_ids"]), "visits": len(lists["visit_ids"]),
                    "grants": len(lists["grant_ids"]), "papers": len(lists["paper_ids"]), **lists})
    cols = ["partner_id", "country", "agreements", "visits", "grants", "papers",
            "agreement_ids", "visit_ids", "grant_ids", "paper_ids"]
    frame = pd.DataFrame(out, columns=cols)
    return frame.sort_values(["papers", "agreements", "partner_id"], ascending=[False, False, True],
                             kind="stable").reset_index(drop=True)


POINT_COLUMNS = ["partner_id", "name", "type", "city", "country", "lat", "lon", "activity", "agreements"]


def institution_points(research: Research, tables: dict[str, pd.DataFrame],
                       institutions: pd.DataFrame) -> pd.DataFrame:
    """Where to draw each co-authoring institution of ``foreign_institutions``: at its
    partner's place when it is a partner with coordinates, else at the first city its
    affiliations name (``places.locate``), else at its country's centre; ``activity`` is
    its joint papers. The columns of ``charts.partner_map``'s partner points."""
    partners = tables["partners"].drop_duplicates("partner_id").set_index("partner_id")
    cities = research.affiliations.groupby("org_key", sort=False)["city"].agg(
        lambda s: next((c for c in s if isinstance(c, str) and c), None)) if len(research.affiliations) else {}
    points = []
    for rec in institutions.to_dict("records"):
        pid = rec["partner_id"] if isinstance(rec["partner_id"], str) and rec["partner_id"] in partners.index else None
        if pid and pd.notna(partners.at[pid, "lat"]):
            lat, lon = partners.at[pid, "lat"], partners.at[pid, "lon"]
        else:
            place = locate(cities.get(rec["org_key"]), rec["country"])
            lat, lon = ((place.lat, place.lon) if place and place.lat is not None
                        else (country_centroid(rec["country"]) or (None, None)))
        points.append({"partner_id": rec["org_key"], "name": rec["org_name"],
                       "type": partners.at[pid, "type"] if pid else "other", "city": None,
                       "country": rec["country"], "lat": lat, "lon": lon, "activity": rec["papers"],
                       "agreements": 0})
    return pd.DataFrame(points, columns=POINT_COLUMNS)
