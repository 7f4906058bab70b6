"""Chart builders, frame reshapes, formatting and the query string, on hand-made frames."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from charts import bar_chart, country_map, partner_map, visit_spans, visit_timeline
from charts.bars import Axis, Groups
from charts.frames import count_by, explode_list, partner_activity, top_n
from charts.map_layers import shade
from charts.theme import DIRECTION_COLORS, NO_DATA_RGB, SEQUENTIAL_RGB
from ui.format import format_delta, format_value
from ui.panels import csv_bytes, escape_cell
from ui.state import ViewState, parse_query, to_query
from ui.tables import date_text, display_frame


def visit(vid, start=None, start_p=None, end=None, end_p=None, direction="incoming", mode="in_person", label="A"):
    return {
        "visit_id": vid, "label": label, "direction": direction, "mode": mode,
        "start_date": pd.Timestamp(start) if start else pd.NaT, "start_date_precision": start_p,
        "end_date": pd.Timestamp(end) if end else pd.NaT, "end_date_precision": end_p,
    }


# ------------------------------------------------------------------------- frames


def test_count_by_drops_unknown_and_sorts():
    df = pd.DataFrame({"k": ["a", "b", "a", None], "w": [1, 5, 2, 9]})
    assert count_by(df, ["k"]).to_dict("records") == [{"k": "a", "count": 2}, {"k": "b", "count": 1}]
    assert count_by(df, ["k"], weight="w").to_dict("records") == [{"k": "b", "count": 5}, {"k": "a", "count": 3}]
    assert count_by(df.iloc[0:0], ["k"]).empty


def test_count_by_categorical_keeps_category_order_and_dtype():
    # direction is categorical (the app's compact tables): groupby orders keys by the
    # categories (outgoing before incoming here), not alphabetically, and keeps the
    # dtype; ties keep that order. By hand: (outgoing, x) 2, (incoming, y) 2, (incoming, x) 1;
    # the row with an unknown mode and the row with an unknown direction are left out.
    direction = pd.Categorical(
        ["incoming", "outgoing", "outgoing", "incoming", "incoming", None, "incoming"],
        categories=["outgoing", "incoming", "unused"],
    )
    df = pd.DataFrame({"direction": direction, "mode": ["y", "x", "x", "y", "x", "x", None], "w": [1, 2, 3, 4, 5, 6, 7]})
    out = count_by(df, ["direction", "mode"])
    assert out.to_dict("records") == [
        {"direction": "outgoing", "mode": "x", "count": 2},
        {"direction": "incoming", "mode": "y", "count": 2},
        {"direction": "incoming", "mode": "x", "count": 1},
    ]
    assert isinstance(out["direction"].dtype, pd.CategoricalDtype)
    assert list(out["direction"].cat.categories) == ["outgoing", "incoming", "unused"]
    # weights: (outgoing, x) 2+3 = 5, (incoming, y) 1+4 = 5, (incoming, x) 5
    weighted = count_by(df, ["direction", "mode"], weight="w")
    assert weighted["count"].tolist() == [5, 5, 5]
    assert weighted["direction"].astype(str).tolist() == ["outgoing", "incoming", "incoming"]


def test_figure_to_dict_is_plotlys_own():
    # The project's Figure copies without deepcopy and skips the template in the
    # typed-array walk: the dict must still be what plotly's go.Figure gives.
    import numpy as np
    import plotly.graph_objects as go

    from charts.theme import make_figure

    fig = make_figure([{"type": "bar", "x": ["a", "b"], "y": np.array([1.5, 2.5])}], {"title": {"text": "T"}})
    ours = fig.to_dict()
    theirs = go.Figure(fig).to_dict()
    assert ours == theirs
    assert ours["data"][0]["y"] == {"dtype": "f8", "bdata": "AAAAAAAA+D8AAAAAAAAEQA=="}
    assert ours["layout"]["template"]["layout"]["plot_bgcolor"] == "white"


def test_explode_list_and_top_n():
    df = pd.DataFrame({"faculty": [["A", "B"], [], None]})
    assert explode_list(df, "faculty")["faculty"].tolist() == ["A", "B"]
    assert explode_list(df, "faculty", "none")["faculty"].tolist() == ["A", "B", "none", "none"]
    counts = pd.DataFrame({"c": ["x", "y", "z"], "count": [5, 3, 1]})
    assert top_n(counts, "c", 2, "Other").to_dict("records") == [
        {"c": "x", "count": 5}, {"c": "y", "count": 3}, {"c": "Other", "count": 1},
    ]


def test_partner_activity_counts_links():
    partners = pd.DataFrame({"partner_id": ["p1", "p2"], "name": ["One", "Two"]})
    agreements = pd.DataFrame({"partner_id": ["p1"], "institution_id": ["i"]})
    visits = pd.DataFrame({"partner_id": ["p2", "p2", None], "institution_id": ["i"] * 3})
    grants = pd.DataFrame({"partner_ids": [["p1", "p2"]], "institution_id": ["i"]})
    out = partner_activity(partners, agreements, visits, grants)
    assert out[["partner_id", "agreements", "visits", "grants", "activity"]].to_dict("records") == [
        {"partner_id": "p2", "agreements": 0, "visits": 2, "grants": 1, "activity": 3},
        {"partner_id": "p1", "agreements": 1, "visits": 0, "grants": 1, "activity": 2},
    ]


# ------------------------------------------------------------------------- bars


def test_bar_chart_orders_and_colours():
    df = pd.DataFrame({"year": ["2024", "2023", "2024"], "direction": ["incoming", "incoming", "outgoing"], "count": [2, 1, 4]})
    fig = bar_chart(df, "year", "count", axis=Axis(order=["2023", "2024"]),
                    groups=Groups("direction", {"incoming": "In"}, DIRECTION_COLORS, ["incoming", "outgoing"]))
    assert [t.name for t in fig.data] == ["In", "outgoing"]
    assert list(fig.data[0].x) == ["2024", "2023"] and list(fig.data[0].y) == [2.0, 1.0]
    assert fig.data[0].marker.color == DIRECTION_COLORS["incoming"]
    assert list(fig.layout.xaxis.categoryarray) == ["2023", "2024"]


def test_horizontal_bar_chart_puts_first_category_on_top():
    df = pd.DataFrame({"c": ["big", "small"], "count": [9, 1]})
    fig = bar_chart(df, "c", "count", horizontal=True)
    assert fig.data[0].orientation == "h"
    assert list(fig.layout.yaxis.categoryarray) == ["small", "big"]


# ------------------------------------------------------------------------- timeline


def test_visit_spans_follow_precision():
    visits = pd.DataFrame([
        visit("day", "2024-03-04", "day", "2024-03-15", "day"),
        visit("month", "2024-09-01", "month"),
        visit("year", None, None, "2023-01-01", "year"),
        visit("none"),
    ])
    spans = visit_spans(visits).set_index("visit_id")
    assert list(spans.index) == ["day", "month", "year"]  # the undated one is left out
    assert spans.loc["day", "_end"] == pd.Timestamp("2024-03-16")  # the end day included
    assert spans.loc["month", "_end"] == pd.Timestamp("2024-10-01")
    assert spans.loc["year", "_start"] == pd.Timestamp("2023-01-01")
    assert spans.loc["year", "_end"] == pd.Timestamp("2024-01-01")
    assert spans["_approx"].to_dict() == {"day": False, "month": True, "year": True}


def test_visit_timeline_folds_rows_beyond_the_cap():
    visits = pd.DataFrame([visit(f"v{i}", f"2024-01-{i + 1:02d}", "day", label=f"P{i}") for i in range(5)]
                          + [visit("v9", "2024-02-01", "day", label="P0")])
    fig = visit_timeline(visits, "label", max_rows=3)
    rows = list(fig.layout.yaxis.categoryarray)
    # P0 has two visits and stays; P1 is the earliest of the rest; 3 others fold.
    assert rows[0] == "Other rows (3 visits)"
    assert set(rows) == {"P0", "P1", "Other rows (3 visits)"}
    drawn = [t for t in fig.data if t.y and t.y[0] is not None]
    assert sum(len(t.y) for t in drawn) == 6


def test_visit_timeline_colours_direction_and_mode():
    visits = pd.DataFrame([visit("a", "2024-01-01", "day"), visit("b", "2024-02-01", "day", direction="outgoing", mode="remote")])
    fig = visit_timeline(visits, "label")
    legend = {t.name: t.marker.color for t in fig.data if t.showlegend is not False}
    assert legend == {"Incoming · In person": "#1f5fa8", "Outgoing · Remote": "#f3bd80"}


# ------------------------------------------------------------------------- maps


def test_shade_scale():
    assert shade(0, 10) == [*NO_DATA_RGB, 255]
    assert shade(10, 10)[:3] == list(SEQUENTIAL_RGB[-1])
    assert shade(1, 100)[:3] == list(SEQUENTIAL_RGB[0])


def test_partner_map_is_offline_with_points_arcs_and_tooltips():
    partners = pd.DataFrame([
        {"partner_id": "p1", "name": "SNU", "type": "university", "city": "Seoul", "country": "KOR",
         "lat": 37.5, "lon": 127.0, "activity": 4, "agreements": 1},
        {"partner_id": "p2", "name": "Nowhere", "type": "hospital", "city": None, "country": "DEU",
         "lat": None, "lon": None, "activity": 1, "agreements": 0},
    ])
    homes = pd.DataFrame([{"institution_id": "s", "short_name": "SamSMU", "name": "Samarkand SMU",
                           "city": "Samarkand", "country": "UZB", "lat": 39.65, "lon": 66.96}])
    links = pd.DataFrame({"institution_id": ["s", "s"], "partner_id": ["p1", "p2"]})
    deck = partner_map(partners, homes, links, country_names={"KOR": "South Korea"})
    assert deck.map_provider is None
    spec = json.loads(deck.to_json())
    layers = {layer["id"]: layer for layer in spec["layers"]}
    assert list(layers) == ["ocean", "countries", "arcs", "partners", "institutions", "institution-labels"]
    point = layers["partners"]["data"][0]
    assert layers["partners"]["radiusUnits"] == "pixels"  # a literal, not an accessor
    assert point["radius"] == pytest.approx(17)  # the most active partner
    assert (point["name"], point["kind"], point["place"]) == ("SNU", "University", "Seoul, South Korea")
    assert len(layers["arcs"]["data"]) == 1  # the unplaced partner gets no arc
    countries = {f["properties"]["iso_a3"]: f["properties"] for f in layers["countries"]["data"]["features"]}
    assert countries["KOR"]["kind"] == "1 partner"
    assert countries["DEU"]["kind"] == "1 partner"
    assert countries["FRA"]["fill"] == [*NO_DATA_RGB, 255]


def test_country_map_shades_counts():
    spec = json.loads(country_map({"IND": 120, "KOR": 30}, noun_key="page.students.map_tip").to_json())
    features = {f["properties"]["iso_a3"]: f["properties"] for f in spec["layers"][1]["data"]["features"]}
    assert features["IND"]["fill"][:3] == list(SEQUENTIAL_RGB[-1])
    assert features["IND"]["kind"] == "120 students"


# ------------------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [(None, "count", "—"), (float("nan"), "share", "—"), (0, "count", "0"), (1234, "count", "1,234"),
     (0.4, "share", "40.0%"), (2.8853, "index", "2.9"), (162100.0, "usd", "$162,100")],
)
def test_format_value(value, unit, text):
    assert format_value(value, unit) == text


def test_format_delta():
    assert format_delta(None, "count") is None
    assert format_delta(-3, "count") == "-3"
    assert format_delta(0.05, "share") == "+5.0 pp"
    assert format_delta(-1500.0, "usd") == "-$1,500"


@pytest.mark.parametrize(("cell", "safe"), [("=1+1", "'=1+1"), ("+7", "'+7"), ("-x", "'-x"), ("@a", "'@a"), ("ok", "ok"), (5, 5)])
def test_escape_cell(cell, safe):
    assert escape_cell(cell) == safe


def test_csv_bytes_has_bom_and_escapes():
    data = csv_bytes(pd.DataFrame({"name": ["=cmd()", "Самарканд"], "n": [1, -2]}))
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines() == ["name,n", "'=cmd(),1", "Самарканд,-2"]


def test_date_text_and_display_frame():
    assert date_text(pd.Timestamp("2024-09-01"), "month") == "2024-09"
    assert date_text(pd.NaT, "day") == ""
    frame = pd.DataFrame({"signed_on": [pd.Timestamp("2022-01-01")], "signed_on_precision": ["year"],
                          "kind": ["mou"], "faculty": [["A", "B"]], "country": ["KOR"]})
    shown = display_frame(frame, [("signed_on", "common.col.signed_on", "date"),
                                  ("kind", "common.col.kind", "enum:agreement_kind"),
                                  ("faculty", "common.col.faculty", "list"),
                                  ("country", "common.col.country", "country")],
                          "en", lookups={"country": lambda c: {"KOR": "South Korea"}[c]})
    assert shown.to_dict("records") == [{"Signed on": "2022", "Kind": "Memorandum of understanding",
                                         "Faculty": "A; B", "Country": "South Korea"}]


# ------------------------------------------------------------------------- query string


def test_query_round_trip():
    state = ViewState(institutions=("samsmu",), year_from=2023, year_to=2024, countries=("KOR", "DEU"),
                      partner_types=("university",), as_of=date(2025, 6, 30), lang="ru", presenting=True)
    query = to_query(state)
    assert query == {"inst": ["samsmu"], "from": ["2023"], "to": ["2024"], "country": ["KOR", "DEU"],
                     "ptype": ["university"], "as_of": ["2025-06-30"], "lang": ["ru"], "present": ["1"]}
    assert parse_query(query) == state
    assert to_query(ViewState()) == {}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"country": ["kor,deu"]}, ViewState(countries=("KOR", "DEU"))),
        # a range that ends before it starts is dropped, as any bad parameter, with the
        # sidebar's notice (ui.state.unreadable; issue 24): never silently swapped
        ({"from": ["2025"], "to": ["2020"]}, ViewState()),
        ({"as_of": ["0001-01-01"]}, ViewState()),
        ({"from": ["soon"], "as_of": ["yesterday"], "lang": ["fr"]}, ViewState()),
        ({"present": ["0"]}, ViewState(presenting=False)),
    ],
)
def test_parse_query_is_forgiving(query, expected):
    assert parse_query(query) == expected


def test_display_frame_labels_each_distinct_value_once():
    # Three rows, two distinct countries and one unknown: the lookup runs twice, the
    # unknown cell is blank; a categorical enum column reads the same as text.
    calls = []

    def country(code):
        calls.append(code)
        return {"DEU": "Germany", "KOR": "Korea"}[code]

    frame = pd.DataFrame({
        "country": ["DEU", "KOR", "DEU", None],
        "direction": pd.Categorical(["incoming", None, "outgoing", "incoming"]),
    })
    shown = display_frame(frame, [("country", "common.col.country", "country"),
                                  ("direction", "common.col.direction", "enum:direction")], "en",
                          lookups={"country": country})
    assert shown.iloc[:, 0].tolist() == ["Germany", "Korea", "Germany", ""]
    assert shown.iloc[:, 1].tolist() == ["Incoming", "", "Outgoing", "Incoming"]
    assert sorted(calls) == ["DEU", "KOR"]


def test_exploded_column_gives_explode_list_of_a_part():
    # The whole table: r0 [A, B], r1 [] (-> "none"), r2 [C], r3 None (-> "none").
    # Part = rows r0, r2, r3 (the table's order): A, B (r0), C (r2), none (r3).
    from charts.frames import ExplodedColumn

    table = pd.DataFrame({"faculty": [["A", "B"], [], ["C"], None], "direction": ["in", "out", "in", "out"]})
    exploded = ExplodedColumn(table, "faculty", "none")
    part = table.iloc[[0, 2, 3]]
    got = exploded.of(part, ["faculty", "direction"])
    assert got.to_dict("records") == [
        {"faculty": "A", "direction": "in"}, {"faculty": "B", "direction": "in"},
        {"faculty": "C", "direction": "in"}, {"faculty": "none", "direction": "out"},
    ]
    assert got.equals(explode_list(part[["faculty", "direction"]], "faculty", "none"))
    # rows in another order, or not the table's own: the caller explodes them itself
    assert exploded.of(table.iloc[[2, 0]], ["faculty", "direction"]) is None
    assert exploded.of(table.set_axis([7, 8, 9, 10]), ["faculty", "direction"]) is None


def test_visit_timeline_lanes_per_direction():
    """One bar per visit: incoming and outgoing in lanes of their own, never drawn over each other."""
    visits = pd.DataFrame([visit("a", "2024-01-01", "day", "2024-03-01", "day"),
                           visit("b", "2024-02-01", "day", direction="outgoing")])
    fig = visit_timeline(visits, "label")
    assert fig.layout.barmode == "group"
    assert {t.name: t.offsetgroup for t in fig.data if t.y and t.y[0] is not None} == {
        "Incoming · In person": "incoming", "Outgoing · In person": "outgoing"}


def test_visit_timeline_counts_per_period_when_a_row_is_busy():
    """issue 24 defect 10: above ``max_row_visits`` in a row, counts per month, stacked."""
    visits = pd.DataFrame([
        visit("a", "2024-01-05", "day"), visit("b", "2024-01-20", "day", direction="outgoing"),
        visit("c", "2024-02-03", "day"), visit("d", "2024-02-10", "day", mode="remote", label="B"),
    ])
    info: dict = {}
    fig = visit_timeline(visits, "label", max_row_visits=2, info=info)
    assert info == {"visits": 4, "bars": 4, "months": 1}  # (A, Jan, in), (A, Jan, out), (A, Feb, in), (B, Feb, remote)
    assert fig.layout.barmode == "stack"
    drawn = [(t.name, t.yaxis, list(t.x), list(t.y)) for t in fig.data]
    assert drawn == [
        # A: rows by first visit, so A is the top band (y), B the second (y2); x = mid-month.
        ("Incoming · In person", "y", ["2024-01-16T12:00:00", "2024-02-15T12:00:00"], [1, 1]),
        ("Outgoing · In person", "y", ["2024-01-16T12:00:00"], [1]),
        ("Incoming · Remote", "y2", ["2024-02-15T12:00:00"], [1]),
    ]
    assert [a.text for a in fig.layout.annotations] == ["<b>A</b> · 3", "<b>B</b> · 1"]
    assert fig.layout.yaxis.tickvals == (0, 2) and fig.layout.yaxis2.tickvals == (0, 1)  # each row's peak
    assert fig.layout.xaxis.anchor == "y2"


def test_visit_timeline_count_periods_grow_to_fit():
    """Ten years of visits: quarters would be 44 periods, over the 12 allowed; years are 10."""
    visits = pd.DataFrame([visit(f"v{y}", f"{y}-06-01", "day") for y in range(2015, 2025)])
    info: dict = {}
    fig = visit_timeline(visits, "label", max_row_visits=1, max_periods=12, info=info)
    assert info["months"] == 12
    (bars,) = fig.data
    # Mid-year: 2015 + 182.5 days, leap 2016 + 183 days.
    assert list(bars.x)[:2] == ["2015-07-02T12:00:00", "2016-07-02T00:00:00"]
    assert list(bars.y) == [1] * 10
