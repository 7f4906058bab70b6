"""``python -m bench``'s target table and what it prints for a target not met (hand-made figures)."""

from __future__ import annotations

from bench.__main__ import left_over, memory_breakdown, target_table


def test_memory_breakdown_shows_each_page_rise_and_the_tables():
    server = {"pages": {"overview": {"VmRSS": 900.0, "VmHWM": 1000.0},
                        "partners": {"VmRSS": 950.0, "VmHWM": 1100.0}}}
    results = [{"visits": 1000, "tables_mb": {"visits": 1.0}},
               {"visits": 1_000_000, "tables_mb": {"visits": 310.4, "grants": 40.0, "fx_rates": 0.1}}]
    lines = memory_breakdown(server, results)
    assert lines[0] == "  after overview    rss    900 MB, peak   1000 MB"
    assert lines[1] == "  after partners    rss    950 MB, peak   1100 MB (+100 MB peak)"  # 1100 - 1000
    # the largest size's tables, largest first, under 1 MB left out
    assert lines[2].startswith("  the tables at 1,000,000 visits: visits 310 MB, grants 40 MB (")


def test_target_table_marks_what_is_not_met_and_left_over_explains_memory():
    now = {"page_1000": {"overview": 40.0, "mobility": 60.0}, "memory": 1200.0}
    table, missed = target_table(now, None)
    assert missed == ["page_1000", "memory"]
    assert "| page run after a filter change, 1k visits | 110-210 ms | 40 ms-60 ms | <= 50 ms every page | **no** |" in table
    text = left_over(["memory"], now, {"server_memory": {"pages": {"overview": {"VmRSS": 1.0, "VmHWM": 2.0}}}},
                     [{"visits": 1_000_000, "tables_mb": {"visits": 5.0}}])
    assert "memory: not met (1.17 GB); where it goes:" in text  # 1200 / 1024 = 1.17
    assert "after overview" in text and "visits 5 MB" in text


def test_cold_start_not_met_is_set_beside_the_floor_app():
    now = {"cold": 5000.0}
    extra = {"browser": [{"floor_cold_start_ms": 3200.0}]}
    text = left_over(["cold"], now, extra, [])
    # 5000 - 3200 = 1800 ms left to the dashboard's own imports, first run and drawing
    assert "cold: not met (5.00 s); the one-chart floor app, timed the same way: 3.20 s" in text
    assert "the rest, 1.80 s, is the dashboard's imports" in text


def test_click_not_met_names_the_pages_still_drawing():
    now = {"click": {"median": 320.0, "worst": 900.0, "pages": {"Partners": 400.0, "Mobility": 900.0}}}
    extra = {"browser": [{"settled_ms": {"Partners": 5000.0, "Mobility": 950.0}}]}
    text = left_over(["click"], now, extra, [])
    assert "click: slowest pages Mobility 900 ms, Partners 400 ms" in text
    # Partners settles after 5 s > 2 x 400 ms; Mobility's 950 ms is not twice its 900 ms
    assert "Partners settles after 5.00 s" in text and "Mobility settles" not in text
