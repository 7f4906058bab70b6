"""A table that runs onto the next slide or page says what it continues (issue 29, defect
6: continued evidence rows lost their KPI name)."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.util import Inches

from loaders import load_dataset
from metrics.scope import Scope
from report.model import build_pack
from report.parts import Table
from report.pptx import table_pages, write_pptx

AS_OF = date(2025, 6, 30)


def test_a_continued_slide_writes_its_group_again_marked():
    rows = [["Partners", "3", "a"], ["", "", "b"], ["", "", "c"], ["Visits", "2", "d"], ["", "", "e"],
            ["", "", "f"]]
    table = Table(["KPI", "Value", "Document"], rows, widths=(40, 20, 40), carry=1,
                  continued="(continued)")
    # room for the header and two one-line rows
    _, pages = table_pages(table, Inches(8), 11, Inches(0.95), Inches(0.3))
    firsts = [page.rows[0][0] for page in pages]
    assert len(pages) == 3
    # pages: a b | c d | e f
    assert firsts == ["Partners", "Partners (continued)", "Visits (continued)"]
    # nothing lost, nothing repeated: the third column in order
    assert [r[2] for page in pages for r in page.rows] == ["a", "b", "c", "d", "e", "f"]
    # only the first row of a continued page is written again; a group's own row as it is
    assert pages[1].rows[1][0] == "Visits"
    assert pages[2].rows[1][0] == ""


def test_a_table_without_groups_is_cut_as_it_is():
    table = Table(["A"], [["x"], [""], ["y"]], widths=(100,))
    _, pages = table_pages(table, Inches(8), 11, Inches(10), Inches(0.3))
    assert [p.rows for p in pages] == [[["x"], [""], ["y"]]]


@pytest.fixture(scope="module")
def curated_pack():
    data = load_dataset(Path(__file__).resolve().parent.parent / "data")
    return build_pack(data, Scope(as_of=AS_OF), "ru", False)


def test_every_appendix_slide_names_its_first_kpi(curated_pack, tmp_path):
    deck = Presentation(str(write_pptx(tmp_path / "pack.pptx", curated_pack)))
    title = "Откуда берётся каждый показатель"  # pack.appendix.title in ru.json
    slides = [s for s in deck.slides if s.shapes.title is not None
              and s.shapes.title.text_frame.text.startswith(title)]
    assert len(slides) >= 2  # the appendix runs over several slides
    for slide in slides:
        grid = next(sh.table for sh in slide.shapes if sh.has_table)
        first = grid.cell(1, 0).text_frame.text
        assert first, slide.shapes.title.text_frame.text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) missing")
def test_a_continued_pdf_table_names_what_it_continues(curated_pack, tmp_path):
    from report.pdf import PackPdf, _table

    pdf = PackPdf(curated_pack)
    pdf.add_page()
    rows = [[f"doc {n}", str(n), f"v{n:03d}"] for n in range(120)]
    _table(pdf, Table(["Документ", "Строк", "Строки"], rows, (False, True, False), (40, 20, 40),
                      caption="Партнёры: 28", continued="(продолжение)"))
    path = tmp_path / "table.pdf"
    pdf.output(str(path))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = [[line.strip() for line in page.splitlines() if line.strip()]
             for page in text.split("\f") if page.strip()]
    assert len(pages) >= 3
    assert "Партнёры: 28" not in pages[0][0]  # the first page: the table as it starts
    for page in pages[1:]:
        assert "Партнёры: 28 (продолжение)" in page[:3], page[:3]
    # every row once, in order
    found = [w for page in pages for line in page for w in line.split() if re.fullmatch(r"v\d{3}", w)]
    assert found == [f"v{n:03d}" for n in range(120)]


def test_a_long_lead_is_set_smaller_and_ends_above_the_table(curated_pack, tmp_path):
    """The Russian curated pack's visits-by-country lead ran three lines under its table."""
    from pptx.util import Emu, Pt

    from report.pptx import BODY_TOP, LEAD_TOP, LINE_SPACING, wrapped_lines

    deck = Presentation(str(write_pptx(tmp_path / "pack.pptx", curated_pack)))
    leads = [shape for slide in deck.slides for shape in slide.shapes
             if shape.has_text_frame and shape.top == LEAD_TOP and shape.text_frame.text]
    assert len(leads) > 10
    sizes = set()
    for shape in leads:
        paragraph = shape.text_frame.paragraphs[0]
        size = paragraph.font.size.pt
        sizes.add(size)
        lines = wrapped_lines(shape.text_frame.text, shape.width - Emu(Inches(0.2)), size)
        assert lines * Pt(size * LINE_SPACING) <= BODY_TOP - LEAD_TOP, shape.text_frame.text
    assert 13 in sizes and min(sizes) < 13  # most leads as before; the long one smaller


def test_an_agreement_without_dates_says_so_in_every_pack_table(curated_pack):
    """a-admi-acn gives no signing or expiry date: its cells said nothing (blank)."""
    tables = [curated_pack.agreements.table, curated_pack.dormant.table]
    seen = 0
    for table in tables:
        signed = table.headers.index("Подписано")
        expires = table.headers.index("Действует до")
        for row in table.rows:
            if row[0] == "a-admi-acn":
                seen += 1
                assert row[signed] == "не указано" and row[expires] == "не указано"
    assert seen == 2


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) missing")
def test_the_agreements_start_under_the_partners_table_when_they_fit(curated_pack, tmp_path):
    """The partners-by-country table's rest sat alone on a page (a third of it used)."""
    from report.pdf import write_pdf

    path = write_pdf(tmp_path / "pack.pdf", curated_pack)
    pages = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                           text=True, check=True).stdout.split("\f")
    last_row = next(i for i, page in enumerate(pages) if "Узбекистан (внутри страны)" in page)
    assert re.search(r"^\s*Соглашения\s*$", pages[last_row], re.M), pages[last_row][:400]


@pytest.mark.parametrize("lang, expected", [("en", "30 Jun"), ("ru", "30 июн.")])
def test_a_day_and_month_put_the_day_first_as_the_packs_dates_do(lang, expected):
    """The by-year table headed its last column "2025 (to Jun 30)" beside "30 Jun 2025"."""
    from i18n import fmt

    assert fmt.day_month(date(2025, 6, 30), lang) == expected
