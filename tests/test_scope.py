"""Scope rules of docs/metrics.md on a hand-made dataset; expected ids worked out by hand."""

from __future__ import annotations

import pytest
from metrics_fixtures import tables

from metrics import REGIONS, DatasetCache, Scope, ScopeIndex, apply_scope, region_countries
from metrics.scope import scoped_partner_links


@pytest.fixture(params=["general", "indexed"])
def scope_of(request):
    """``apply_scope`` the general way, and through the dataset's ScopeIndex (its
    ``DatasetCache``): both must give the rows worked out by hand."""
    if request.param == "general":
        return lambda data, scope: apply_scope(data, scope)
    caches: list[DatasetCache] = []
    def indexed(data, scope):
        if not caches or not caches[0].matches(data):
            caches[:] = [DatasetCache(data)]
        return apply_scope(data, scope, caches[0])
    return indexed

PARTNERS = [
    {"partner_id": "kr1", "type": "university", "country": "KOR"},
    {"partner_id": "de1", "type": "university", "country": "DEU"},
    {"partner_id": "kr2", "type": "hospital", "country": "KOR"},
    {"partner_id": "tr1", "type": "research_center", "country": "TUR"},
    {"partner_id": "uz1", "type": "university", "country": "UZB"},  # linked to nothing
]
AGREEMENTS = [
    # a1: 2019..2021; a2: open start..2023; a3: 2024..open end; a4: fully open
    {
        "agreement_id": "a1",
        "institution_id": "sam",
        "partner_id": "kr1",
        "faculty": ["Medicine"],
        "signed_on": "2019-03-01",
        "expires_on": "2021-12-31",
    },
    {
        "agreement_id": "a2",
        "institution_id": "sam",
        "partner_id": "de1",
        "faculty": [],
        "expires_on": "2023-06-30",
    },
    {
        "agreement_id": "a3",
        "institution_id": "adm",
        "partner_id": "kr2",
        "faculty": ["Pediatrics", "Medicine"],
        "signed_on": "2024-01-10",
    },
    {"agreement_id": "a4", "institution_id": "adm", "partner_id": "tr1", "faculty": ["Dentistry"]},
]
VISITS = [
    {
        "visit_id": "v1",
        "institution_id": "sam",
        "partner_id": "kr1",
        "country": "KOR",
        "faculty": ["Medicine"],
        "start_date": "2022-05-01",
        "end_date": "2022-05-10",
    },
    # no partner, no start: counts at its end date's year (2023)
    {
        "visit_id": "v2",
        "institution_id": "sam",
        "country": "KAZ",
        "direction": "outgoing",
        "end_date": "2023-01-15",
    },
    # undated
    {
        "visit_id": "v3",
        "institution_id": "adm",
        "partner_id": "de1",
        "country": "DEU",
        "faculty": ["Surgery"],
    },
    # starts 2021, ends 2022: an event of 2021
    {
        "visit_id": "v4",
        "institution_id": "adm",
        "partner_id": "kr2",
        "country": "KOR",
        "faculty": ["Medicine"],
        "start_date": "2021-12-30",
        "end_date": "2022-01-05",
    },
]
GRANTS = [
    {
        "grant_id": "g1",
        "institution_id": "sam",
        "partner_ids": ["kr1", "de1"],
        "faculty": ["Medicine"],
        "start_date": "2020-01-01",
        "end_date": "2022-12-31",
    },
    {"grant_id": "g2", "institution_id": "adm", "partner_ids": [], "start_date": "2023-03-01"},
    {"grant_id": "g3", "institution_id": "adm", "partner_ids": ["tr1"], "faculty": ["Dentistry"]},
]
STUDENTS = [
    {
        "institution_id": "sam",
        "academic_year": "2023/2024",
        "year_start": 2023,
        "country": "IND",
        "count": 40,
        "faculty": ["Medicine"],
    },
    {
        "institution_id": "sam",
        "academic_year": "2024/2025",
        "year_start": 2024,
        "country": "IND",
        "count": 50,
    },
    {
        "institution_id": "adm",
        "academic_year": "2024/2025",
        "year_start": 2024,
        "country": "PAK",
        "count": 30,
        "faculty": ["Medicine"],
    },
]


@pytest.fixture(scope="module")
def data():
    return tables(
        partners=PARTNERS, agreements=AGREEMENTS, visits=VISITS, grants=GRANTS, students=STUDENTS
    )


def ids(frame, column):
    return sorted(frame[column])


def student_ids(frame):
    return sorted(f"{r.institution_id}:{r.year_start}:{r.country}" for r in frame.itertuples())


ALL_STUDENTS = ["adm:2024:PAK", "sam:2023:IND", "sam:2024:IND"]


@pytest.mark.parametrize(
    ("scope", "agreements", "visits", "grants", "students"),
    [
        # everything, undated visit v3 included
        (
            Scope(),
            ["a1", "a2", "a3", "a4"],
            ["v1", "v2", "v3", "v4"],
            ["g1", "g2", "g3"],
            ALL_STUDENTS,
        ),
        (Scope(institutions={"adm"}), ["a3", "a4"], ["v3", "v4"], ["g2", "g3"], ["adm:2024:PAK"]),
        # 2022: a1 ends 2021 (out), a2 open start..2023 (in), a3 starts 2024 (out), a4 open;
        # visits: only v1 (v2 counts in 2023, v3 undated, v4 in 2021); g2 starts 2023
        (Scope(year_from=2022, year_to=2022), ["a2", "a4"], ["v1"], ["g1", "g3"], []),
        # from 2024 on (to open): a3, a4; v2 is 2023; undated v3 out as years != all
        (Scope(year_from=2024), ["a3", "a4"], [], ["g2", "g3"], ["adm:2024:PAK", "sam:2024:IND"]),
        # up to 2021: a1 (from 2019), a2, a4; v4 (start 2021)
        (Scope(year_to=2021), ["a1", "a2", "a4"], ["v4"], ["g1", "g3"], []),
        (Scope(year_from=2023, year_to=2023), ["a2", "a4"], ["v2"], ["g2", "g3"], ["sam:2023:IND"]),
        # KOR: agreements by partner country; g1 has a Korean and a German partner -> in
        (Scope(countries={"KOR"}), ["a1", "a3"], ["v1", "v4"], ["g1"], []),
        (Scope(countries={"DEU"}), ["a2"], ["v3"], ["g1"], []),
        (Scope(countries={"IND"}), [], [], [], ["sam:2023:IND", "sam:2024:IND"]),
        # a region expands to its countries: Central Asia holds KAZ (v2)
        (Scope(regions={"Central Asia"}), [], ["v2"], [], []),
        # regions and countries: the union (Eastern Asia = KOR, plus TUR)
        (
            Scope(regions={"Eastern Asia"}, countries={"TUR"}),
            ["a1", "a3", "a4"],
            ["v1", "v4"],
            ["g1", "g3"],
            [],
        ),
        # faculty list intersection; rows with no faculty out
        (
            Scope(faculties={"Medicine"}),
            ["a1", "a3"],
            ["v1", "v4"],
            ["g1"],
            ["adm:2024:PAK", "sam:2023:IND"],
        ),
        (Scope(faculties={"Dentistry", "Surgery"}), ["a4"], ["v3"], ["g3"], []),
        # partner type: v2 has no partner (out), v4's partner is a hospital; students kept
        (Scope(partner_types={"university"}), ["a1", "a2"], ["v1", "v3"], ["g1"], ALL_STUDENTS),
        (Scope(partner_types={"research_center"}), ["a4"], [], ["g3"], ALL_STUDENTS),
        (Scope(partner_types={"hospital"}), ["a3"], ["v4"], [], ALL_STUDENTS),
        # filters combine with AND
        (
            Scope(institutions={"sam"}, countries={"KOR"}, year_from=2022, year_to=2022),
            [],
            ["v1"],
            ["g1"],
            [],
        ),
    ],
)
def test_apply_scope_rows(data, scope_of, scope, agreements, visits, grants, students):
    scoped = scope_of(data, scope)
    assert ids(scoped["agreements"], "agreement_id") == agreements
    assert ids(scoped["visits"], "visit_id") == visits
    assert ids(scoped["grants"], "grant_id") == grants
    assert student_ids(scoped["students"]) == students


@pytest.mark.parametrize(
    ("scope", "partners"),
    [
        # uz1 is linked to nothing: never in scope
        (Scope(), ["de1", "kr1", "kr2", "tr1"]),
        # g1 is in (it has a Korean partner) but adds only kr1, not de1
        (Scope(countries={"KOR"}), ["kr1", "kr2"]),
        (Scope(countries={"DEU"}), ["de1"]),
        (Scope(partner_types={"university"}), ["de1", "kr1"]),
        (Scope(institutions={"adm"}), ["de1", "kr2", "tr1"]),
    ],
)
def test_scoped_partners(data, scope_of, scope, partners):
    assert ids(scope_of(data, scope)["partners"], "partner_id") == partners


@pytest.mark.parametrize(
    "scope",
    [Scope(), Scope(institutions={"adm"}), Scope(year_from=2022, year_to=2022), Scope(year_from=2024)],
)
def test_index_answers_institution_and_year_scopes(data, scope):
    """The index answers a scope of institutions and years itself (no silent fallback),
    and its partner links are the general ones, row for row."""
    index = ScopeIndex(data)
    fast = index.apply(data, scope)
    assert fast is not None
    links = index.partner_links(fast, scope)
    assert links is not None
    assert links.values.tolist() == scoped_partner_links(fast, data["partners"], scope).values.tolist()


def test_index_links_by_hand(data):
    index = ScopeIndex(data)
    scope = Scope(institutions={"sam"})
    fast = index.apply(data, scope)
    # sam: agreements a1 (kr1), a2 (de1); visits v1 (kr1, again), v2 (no partner); grant g1 (kr1, de1)
    assert index.partner_links(fast, scope).values.tolist() == [["sam", "kr1"], ["sam", "de1"]]


def test_index_leaves_other_filters_to_the_general_way(data):
    index = ScopeIndex(data)
    for scope in (Scope(countries={"KOR"}), Scope(faculties={"Medicine"}), Scope(partner_types={"hospital"}),
                  Scope(regions={"Central Asia"})):
        assert index.apply(data, scope) is None
    assert index.apply({**data, "visits": data["visits"].copy()}, Scope()) is None  # other frames


def test_apply_scope_keeps_columns_and_does_not_touch_input(data):
    before = {name: frame.copy() for name, frame in data.items()}
    scoped = apply_scope(data, Scope(countries={"KOR"}, faculties={"Medicine"}))
    for name, frame in data.items():
        assert list(scoped[name].columns) == list(frame.columns)
        assert frame.equals(before[name])


def test_institution_and_target_tables_follow_scope(scope_of):
    data = tables(
        targets=[
            {"institution_id": "sam", "year": 2024, "metric": "partners", "target": 5},
            {"institution_id": "adm", "year": 2024, "metric": "partners", "target": 5},
            {"institution_id": "sam", "year": 2023, "metric": "partners", "target": 5},
        ]
    )
    scoped = scope_of(data, Scope(institutions={"sam"}, year_from=2024))
    assert ids(scoped["institutions"], "institution_id") == ["sam"]
    assert scoped["targets"][["institution_id", "year"]].values.tolist() == [["sam", 2024]]


def test_empty_tables_pass():
    scoped = apply_scope(
        tables(),
        Scope(countries={"KOR"}, faculties={"x"}, year_from=2020, partner_types={"university"}),
    )
    assert all(len(frame) == 0 for name, frame in scoped.items() if name != "institutions")


def test_scope_accepts_lists_and_hashes():
    scope = Scope(institutions=["sam"], countries=["KOR"])
    assert scope.institutions == frozenset({"sam"})
    assert hash(scope) == hash(Scope(institutions={"sam"}, countries={"KOR"}, as_of=scope.as_of))


@pytest.mark.parametrize(
    ("region", "member", "not_member"),
    [
        ("Central Asia", "UZB", "KOR"),
        ("Eastern Asia", "KOR", "UZB"),
        ("Europe", "DEU", "KOR"),
        ("Asia", "UZB", "DEU"),
        ("central asia", "KAZ", "TUR"),
    ],
)
def test_regions(region, member, not_member):
    assert member in region_countries(region)
    assert not_member not in region_countries(region)


def test_region_names():
    assert {"Central Asia", "Europe", "Asia", "Africa", "Eastern Asia"} <= set(REGIONS)
    # Central Asia by the UN M49 list: five countries
    assert region_countries("Central Asia") == {"KAZ", "KGZ", "TJK", "TKM", "UZB"}
    with pytest.raises(KeyError):
        region_countries("Atlantis")


def test_region_names_are_translated():
    from i18n import strings
    from metrics import region_label_key

    assert region_label_key("South-eastern Asia") == "kpi.region.south_eastern_asia"
    for lang in ("en", "ru", "uz"):
        for region in REGIONS:
            assert region_label_key(region) in strings(lang), (lang, region)
