"""charts.compare: institutions as sortable rows, a column of bars per figure; an unknown
cell is its word, never a bar of 0 (issue 24, build item 5). Hand-made cells."""

from __future__ import annotations

from charts.compare import Cell, institution_bars, sort_rows

ROWS = ["SamSMU", "ADMI", "TMA"]
CELLS = {
    ("SamSMU", "visits"): Cell(12, True, "12"), ("ADMI", "visits"): Cell(30, True, "30"),
    ("TMA", "visits"): Cell(12, True, "12"),
    ("SamSMU", "usd"): Cell(None, False, "unknown"), ("ADMI", "usd"): Cell(9600, True, "≥ $9,600"),
    ("TMA", "usd"): Cell(0, True, "$0"),
}


def test_sort_rows_largest_first_unknown_last():
    assert sort_rows(ROWS, CELLS, "visits") == ["ADMI", "SamSMU", "TMA"]  # tie: given order
    assert sort_rows(ROWS, CELLS, "visits", descending=False) == ["SamSMU", "TMA", "ADMI"]
    assert sort_rows(ROWS, CELLS, "usd") == ["ADMI", "TMA", "SamSMU"]  # unknown last, a known 0 before it
    assert sort_rows(ROWS, CELLS, None) == ROWS


def test_institution_bars_exact_traces():
    rows = sort_rows(ROWS, CELLS, "visits")
    fig = institution_bars(rows, ["visits", "usd"], CELLS, labels={"visits": "Visits", "usd": "Funding (USD)"})
    drawn = [(t.type, t.xaxis, list(t.y), list(t.x), list(t.text)) for t in fig.data]
    assert drawn == [
        ("bar", "x", ["ADMI", "SamSMU", "TMA"], [30.0, 12.0, 12.0], ["30", "12", "12"]),
        ("bar", "x2", ["ADMI", "TMA"], [9600.0, 0.0], ["≥ $9,600", "$0"]),
        # SamSMU's funding is unknown: its word at the axis, no bar.
        ("scatter", "x2", ["SamSMU"], [0], ["unknown"]),
    ]
    assert list(fig.layout.yaxis.categoryarray) == ["TMA", "SamSMU", "ADMI"]  # first row on top
    assert [a.text for a in fig.layout.annotations] == ["<b>Visits</b>", "<b>Funding (USD)</b>"]
    assert fig.layout.xaxis.domain == (0.02, 0.48) and fig.layout.xaxis2.domain == (0.52, 0.98)


def test_forty_rows_fit():
    rows = [f"I{k}" for k in range(40)]
    cells = {(r, "v"): Cell(k, True, str(k)) for k, r in enumerate(rows)}
    fig = institution_bars(sort_rows(rows, cells, "v"), ["v"], cells)
    assert fig.layout.height == 24 * 40 + 90 + 18  # a row each, one line of column titles
    assert list(fig.data[0].y)[:2] == ["I39", "I38"]


def test_column_titles_wrap_to_their_column():
    """Six columns: titles wrap at 18 letters, so "Grant funding (USD)" and its neighbour never touch."""
    cells = {("A", f): Cell(1, True, "1") for f in "abcdef"}
    labels = dict(zip("abcdef", ["Grant funding (USD)", "Иностранные студенты", "c", "d", "e", "f"], strict=True))
    fig = institution_bars(["A"], list("abcdef"), cells, labels=labels)
    assert [a.text for a in fig.layout.annotations][:2] == ["<b>Grant funding<br>(USD)</b>",
                                                            "<b>Иностранные<br>студенты</b>"]
    assert fig.layout.margin.t == 24 + 18 * 2
