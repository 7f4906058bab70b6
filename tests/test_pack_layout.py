"""The pack's layout never hides a row (issue 29, defect 1 and item 5).

Built once per module for ``python -m loaders synth --visits 3000 --seed 5``: its partner
lists wrap to four to seven lines, its agreement list runs over many slides. The slides are
checked twice: by their geometry (python-pptx) and as LibreOffice draws them (soffice to
PDF, then pdftotext with word boxes); the PDF pack page by page with pdftotext.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from loaders import load_dataset
from loaders.synth import write_synth
from metrics.scope import Scope
from report.model import build_pack

AS_OF = date(2025, 6, 30)
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
POPPLER = shutil.which("pdftotext")
needs_soffice = pytest.mark.skipif(
    SOFFICE is None or POPPLER is None,
    reason="LibreOffice (soffice) and poppler-utils are needed to draw the slides: "
           "`make chromium` installs Debian's libreoffice-impress and poppler-utils")
needs_poppler = pytest.mark.skipif(POPPLER is None, reason="pdftotext (poppler-utils) missing")


@pytest.fixture(scope="module")
def synth_dataset(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synth3k")
    write_synth(folder, visits=3000, seed=5)
    return load_dataset(folder)


@pytest.fixture(scope="module")
def pack3k(synth_dataset):
    return build_pack(synth_dataset, Scope(as_of=AS_OF), "en", False)


@pytest.fixture(scope="module")
def curated():
    return load_dataset(Path(__file__).resolve().parent.parent / "data")


@pytest.fixture(scope="module")
def admi_pack(curated):
    """The curated data, ADMI alone: no grant, no dated row but one academic year."""
    return build_pack(curated, Scope(as_of=AS_OF, institutions={"admi"}), "en", False)


@pytest.fixture(scope="module")
def admi_pdf(admi_pack, tmp_path_factory):
    """(its rankings note once spilled onto a page of its own)"""
    from report.pdf import write_pdf

    return write_pdf(tmp_path_factory.mktemp("admi") / "pack.pdf", admi_pack)


@pytest.fixture(scope="module")
def deck3k(pack3k, tmp_path_factory):
    from report.pptx import write_pptx

    return write_pptx(tmp_path_factory.mktemp("deck") / "pack.pptx", pack3k)


@pytest.fixture(scope="module")
def pdf3k(pack3k, tmp_path_factory):
    from report.pdf import write_pdf

    return write_pdf(tmp_path_factory.mktemp("pdf") / "pack.pdf", pack3k)


@pytest.fixture(scope="module")
def drawn3k(deck3k):
    """The deck as LibreOffice draws it (a PDF, one page per slide)."""
    if SOFFICE is None:
        pytest.skip("soffice missing")
    out = deck3k.parent / "lo"
    subprocess.run([SOFFICE, "--headless", "--convert-to", "pdf", "--outdir", str(out),
                    str(deck3k)], check=True, capture_output=True, timeout=180)
    return out / "pack.pdf"


def _words(pdf: Path, page: int) -> list[tuple[float, float, float, float, str]]:
    """(xMin, yMin, xMax, yMax, word) of one page, in points from the top left."""
    html = subprocess.run([POPPLER or "pdftotext", "-bbox", "-f", str(page), "-l", str(page),
                           str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    pattern = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                         r'yMax="([\d.]+)">(.*?)</word>')
    return [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in pattern.findall(html)]


def _pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


def _page_text(pdf: Path, page: int, layout: bool = False) -> str:
    args = [POPPLER or "pdftotext", "-f", str(page), "-l", str(page)]
    return subprocess.run(args + (["-layout"] if layout else []) + [str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout


# ---------------------------------------------------------------- slides: geometry


def test_every_table_row_is_measured_and_ends_above_the_footer(deck3k):
    from pptx import Presentation
    from pptx.util import Emu

    from report.parts import Table
    from report.pptx import FOOTER_TOP, row_heights

    deck = Presentation(deck3k)
    tables = 0
    for number, slide in enumerate(deck.slides, start=1):
        for shape in slide.shapes:
            if not shape.has_table:
                continue
            tables += 1
            grid = shape.table
            cells = [[grid.cell(r, c).text for c in range(len(grid.columns))]
                     for r in range(len(grid.rows))]
            size = grid.cell(0, 0).text_frame.paragraphs[0].font.size.pt
            widths = [int(c.width) for c in grid.columns]
            measured = row_heights(Table(cells[0], cells[1:]), widths, size, 0)
            # every row is at least as high as its wrapped text (LibreOffice grows a row
            # that is too low; PowerPoint too: below the footer)
            shown = [int(r.height) for r in grid.rows]
            assert all(s >= m for s, m in zip(shown, measured, strict=True)), number
            bottom = shape.top + sum(max(s, m) for s, m in zip(shown, measured, strict=True))
            assert bottom <= FOOTER_TOP, (number, Emu(bottom).inches, Emu(FOOTER_TOP).inches)
    assert tables > 20


def test_a_row_of_many_lines_starts_a_new_slide():
    from report.pptx import paginate

    # header 10, room 100: rows of 30, 30, 20 fit (90), the 40 needs a second page; the
    # two pages share the rows: 10 + 30 + 30 = 70 and 10 + 20 + 40 + 5 = 75
    assert paginate([10, 30, 30, 20, 40, 5], 100) == [[0, 1], [2, 3, 4]]
    # pages share the rows evenly: never three rows and a lone one, but two and two
    assert paginate([10, 30, 30, 30, 30], 100) == [[0, 1], [2, 3]]
    # twelve rows of 10 under a header of 10 in a room of 100: 9 and 3 fit, 6 and 6 shown
    assert paginate([10] + [10] * 12, 100) == [list(range(6)), list(range(6, 12))]
    # a row taller than the room still gets its own page (never lost)
    assert paginate([10, 200, 10], 100) == [[0], [1]]


def test_the_wrapped_lines_of_a_cell():
    from report.pptx import wrapped_lines

    # DejaVu Sans at 10 pt: "Demo" is 29.7 pt wide, a space 3.2 pt: 70 pt holds two
    # words a line (62.6 pt), 60 pt one
    assert wrapped_lines("Demo", 600_000, 10) == 1
    assert wrapped_lines("Demo Demo Demo Demo", 12_700 * 70, 10) == 2
    assert wrapped_lines("Demo Demo Demo Demo", 12_700 * 60, 10) == 4
    assert wrapped_lines("Demo\nDemo", 600_000, 10) == 2
    # a no-break space holds a figure together: one word of 75.2 pt, run over two lines
    assert wrapped_lines("3\u00a0435\u00a0239\u00a0RUB", 12_700 * 70, 10) == 2


# ---------------------------------------------------------------- slides: as drawn


@needs_soffice
def test_libreoffice_shows_every_grant_and_agreement_above_the_footer(drawn3k, pack3k):
    from pptx.util import Emu

    from report.pptx import FOOTER_TOP

    footer_top = Emu(FOOTER_TOP).pt
    text = subprocess.run([POPPLER or "pdftotext", str(drawn3k), "-"], check=True,
                          capture_output=True, text=True).stdout
    grants = {f"g{n:05d}" for n in range(1, 16)}
    assert grants <= set(re.findall(r"g\d{5}", text))  # g00001..g00015: none falls off
    agreement_ids = {str(row[0]) for row in pack3k.agreements.table.rows}
    # the slides list the active agreements (issue 29: the full registry is in the annex)
    assert len(agreement_ids) == pack3k.figures["agreements_active"].value == 63
    assert agreement_ids <= set(re.findall(r"a\d{5}", text))
    for page in range(1, _pages(drawn3k) + 1):
        words = _words(drawn3k, page)
        number = [w for w in words if w[4] == str(page) and w[1] >= footer_top]
        assert number, f"slide {page}: no slide number under the footer line"
        line = number[-1][1]
        # the footer line's words start where the slide number does; nothing else reaches it
        covering = [w[4] for w in words if w[3] > footer_top and abs(w[1] - line) > 1.5]
        assert not covering, f"slide {page}: {covering[:5]} reach the footer"


# ---------------------------------------------------------------- the PDF


def _body_lines(pdf: Path, page: int) -> list[str]:
    lines = [line for line in _page_text(pdf, page, layout=True).splitlines() if line.strip()]
    return lines[:-1]  # the last line is the footer


@needs_poppler
@pytest.mark.parametrize("which", ["pdf3k", "admi_pdf"])
def test_no_pdf_page_holds_a_lone_row_or_line(which, request):
    pdf = request.getfixturevalue(which)
    for page in range(1, _pages(pdf) + 1):
        assert len(_body_lines(pdf, page)) >= 3, (page, _body_lines(pdf, page))


@needs_poppler
def test_a_continued_pdf_table_repeats_its_header(pdf3k, pack3k):
    headers = pack3k.agreements.table.headers
    seen: set[str] = set()
    for page in range(1, _pages(pdf3k) + 1):
        lines = _body_lines(pdf3k, page)
        ids = [line for line in lines if re.match(r"\s*a\d{5}\s", line)]
        if not ids:
            continue
        seen.update(line.split()[0] for line in ids)
        above = lines[:lines.index(ids[0])]
        assert any(headers[0] in line and headers[2] in line for line in above), page
    assert {str(row[0]) for row in pack3k.agreements.table.rows} <= seen


def _images(pdf: Path) -> list[tuple[int, float, float, float, float]]:
    """(page, x, y, width, height) in points of every picture placed on the pages."""
    from pypdf import PdfReader

    placed = []
    for n, page in enumerate(PdfReader(pdf).pages, start=1):
        content = page.get_contents()
        data = content.get_data().decode("latin-1") if content is not None else ""
        for w, _b, _c, h, x, y in re.findall(
                r"([\d.]+) ([\d.-]+) ([\d.-]+) ([\d.]+) ([\d.-]+) ([\d.-]+) cm\s*/I\w+ Do", data):
            placed.append((n, float(x), float(y), float(w), float(h)))
    return placed


@needs_poppler
def test_the_pdf_map_and_charts_stay_inside_the_margins(pdf3k):
    margin = 15 / 25.4 * 72  # 15 mm
    width = 210 / 25.4 * 72
    placed = _images(pdf3k)
    assert len(placed) > 5
    for page, x, _y, w, _h in placed:
        assert x >= margin - 0.5 and x + w <= width - margin + 0.5, (page, x, w)


def test_a_pdf_table_starts_with_two_rows_and_ends_without_a_lone_one():
    from report.pdf import _table_pages

    # header 10 mm; 25 mm left on this page: the header and two rows of 10 do not fit (30):
    # the table starts on the next page (the empty first list)
    assert _table_pages([10, 10, 10, 10], 25, 100, 0) == [[], [0, 1, 2]]
    # 45 mm left: three rows fit, the fourth would be alone on the next page: two and two
    assert _table_pages([10, 10, 10, 10, 10], 45, 100, 0) == [[0, 1], [2, 3]]
    # 35 mm left: two rows fit, the third alone: all three on the next page
    assert _table_pages([10, 10, 10, 10], 35, 100, 0) == [[], [0, 1, 2]]
    # the note (tail, 8 mm) stays with the last rows
    assert _table_pages([10, 10, 10], 100, 100, 8) == [[0, 1]]
    assert _table_pages([10, 10, 10, 10, 10, 10], 52, 100, 8) == [[0, 1, 2], [3, 4]]


# ---------------------------------------------------------------- sections without data


def test_a_section_without_data_is_left_out_and_a_one_bar_trend_is_no_trend():
    from report.absent import kept
    from report.parts import Chart, Section, Series, Table

    one_bar = Chart("column", "Per year", ["2023", "2024"], [Series("n", [0, 5], "x")])
    two_bars = Chart("column", "Per year", ["2023", "2024"], [Series("n", [3, 5], "x")])
    empty = Chart("bar", "By status", [], [])
    trends = Section("trends", "Trends", "", [one_bar, two_bars])
    assert kept(trends).charts == [two_bars]
    assert kept(Section("trends", "Trends", "", [one_bar])) is None
    # outside the trends a single bar is data; an empty chart beside it is dropped
    assert kept(Section("grants", "Grants", "", [one_bar, empty])).charts == [one_bar]
    assert kept(Section("grants", "Grants", "", [empty], Table(["Id"], []))) is None
    assert kept(Section("x", "X", "", [empty], Table(["Id"], [["g1"]]))).charts == []
    assert kept(None) is None


def _slide_texts(path) -> list[str]:
    from pptx import Presentation

    texts = []
    for slide in Presentation(path).slides:
        words = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                words.append(shape.text_frame.text)
        texts.append("\n".join(words))
    return texts


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_admi_pack_leaves_out_grants_and_trends_and_says_so(curated, tmp_path, lang):
    from pypdf import PdfReader

    from report.pdf import write_pdf
    from report.pptx import write_pptx
    from tests.i18n_files import text

    pack = build_pack(curated, Scope(as_of=AS_OF, institutions={"admi"}), lang, False)
    # ADMI has no grant; its only dated rows are students of one academic year (one bar)
    line = text("pack.absent", lang, sections=", ".join(
        [text("pack.trend.title", lang), text("pack.section.grants", lang)]))
    slides = _slide_texts(write_pptx(tmp_path / "p.pptx", pack))
    titles = [s.splitlines()[0] for s in slides]
    assert line in slides[1]  # the summary slide
    assert not any(t.startswith(text("pack.section.grants", lang)) for t in titles)
    assert not any(t.startswith(text("pack.grants.list", lang)) for t in titles)
    assert not any(t.startswith(text("pack.trend.title", lang)) for t in titles)
    assert not any(text("export.no_data", lang) in s for s in slides)
    reader = PdfReader(write_pdf(tmp_path / "p.pdf", pack))
    summary = " ".join(reader.pages[1].extract_text().split())
    assert line in summary
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert text("pack.section.grants", lang) not in outline
    assert text("pack.trend.title", lang) not in outline


# ---------------------------------------------------------------- up to eight institutions


def test_map_labels_take_the_first_free_place():
    from report.mapimage import label_offsets

    # stars of radius 5 at x 100, 104 and 102; labels 40 x 10; gap 3: above is 5 + 5 + 3
    # = 13 px off, beside 5 + 20 + 3 = 28 px
    points = [(100.0, 100.0), (104.0, 100.0), (102.0, 100.0)]
    offsets = label_offsets(points, [(40, 10)] * 3, 5, (0, 0, 400, 400))
    assert offsets == [(0, 13), (0, -13), (28, 0)]
    # at the top edge a label goes below
    assert label_offsets([(100.0, 395.0)], [(40, 10)], 5, (0, 0, 400, 400)) == [(0, -13)]


def test_eight_institutions_close_together_get_labels_that_do_not_overlap():
    from report.mapimage import label_offsets

    # eight stars within 60 px (one country on a world map), labels 50 x 14 px
    points = [(200.0 + 8 * i, 200.0 + (i % 3) * 6) for i in range(8)]
    sizes = [(50.0, 14.0)] * 8
    offsets = label_offsets(points, sizes, 6, (0, 0, 600, 400))
    boxes = [(x + dx - 25, y + dy - 7, x + dx + 25, y + dy + 7)
             for (x, y), (dx, dy) in zip(points, offsets, strict=True)]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)
        for x, y in points:  # no label covers a star
            assert not (a[0] < x + 6 and x - 6 < a[2] and a[1] < y + 6 and y - 6 < a[3])


def test_eight_institutions_are_readable_on_the_cover(pack3k, tmp_path):
    from dataclasses import replace

    from pptx import Presentation
    from pptx.util import Inches, Pt

    from report.pptx import write_pptx

    names = [f"Fergana Valley Demo Medical Institute No. {n} (fictional)" for n in range(1, 9)]
    deck = Presentation(write_pptx(tmp_path / "c.pptx", replace(pack3k, institutions=names)))
    cover = deck.slides[0]
    found = {}
    for shape in cover.shapes:
        if not shape.has_text_frame:
            continue
        for paragraph in shape.text_frame.paragraphs:
            if paragraph.text in names:
                found[paragraph.text] = (shape, paragraph)
    assert set(found) == set(names)
    for shape, paragraph in found.values():
        assert paragraph.font.size >= Pt(14)  # not the tiny 12 pt of before
        assert str(paragraph.font.color.rgb) not in ("595959",)  # not grey
        # the names end above the scope lines (4.6 in)
        assert shape.top + shape.height <= Inches(4.6)
    # two columns of four
    assert len({shape.left for shape, _ in found.values()}) == 2


# ---------------------------------------------------------------- numbers on the charts


@pytest.mark.parametrize("lang, thousand, minus", [
    ("en", "1,000", "\u221265"), ("ru", "1\u00a0000", "\u221265"), ("uz", "1\u00a0000", "\u221265")])
def test_chart_numbers_have_group_separators_and_the_minus_sign(lang, thousand, minus):
    from report.pdf import bar_label, chart_number

    assert chart_number(1000, lang) == thousand
    assert chart_number(-65, lang) == minus  # U+2212, not the hyphen of "-65"
    assert bar_label(0, lang) == ""  # a zero-width segment has no "0"
    assert bar_label(1000, lang) == thousand


def test_native_chart_formats_carry_the_language_and_white_labels_sit_on_navy(pack3k, tmp_path):
    from dataclasses import replace

    from pptx import Presentation

    from report.pptx import number_format, write_pptx

    # by hand: the Russian locale (LCID 0x419), a true minus, zero shown on an axis only
    assert number_format("ru") == '[$-419]#,##0;"\u2212"#,##0;0'
    assert number_format("en", zero=False) == '[$-409]#,##0;"\u2212"#,##0;'
    deck = Presentation(write_pptx(tmp_path / "ru.pptx", replace(pack3k, lang="ru")))
    ns = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
          "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
    axes = labels = white = 0
    for slide in deck.slides:
        for shape in slide.shapes:
            if not shape.has_chart:
                continue
            space = shape.chart._chartSpace
            for num in space.findall(".//c:valAx/c:numFmt", ns):
                assert num.get("formatCode") == '[$-419]#,##0;"\u2212"#,##0;0'
                axes += 1
            for num in space.findall(".//c:dLbls/c:numFmt", ns):
                assert num.get("formatCode").startswith("[$-419]")
                assert num.get("formatCode").endswith(";")  # zero: no label
                labels += 1
            if "Stacked" in str(shape.chart.chart_type) or "STACKED" in str(shape.chart.chart_type):
                for ser in space.findall(".//c:ser", ns):
                    fill = ser.find("c:spPr/a:solidFill/a:srgbClr", ns).get("val")
                    colour = ser.find("c:dLbls/c:txPr//a:solidFill/a:srgbClr", ns).get("val")
                    if fill == "1F4E79":  # the navy of the counts and incoming visits
                        assert colour == "FFFFFF"
                        white += 1
    assert axes > 5 and labels > 5 and white >= 1


@needs_poppler
@pytest.mark.parametrize("which", ["pdf3k", "admi_pdf"])
def test_no_pdf_heading_is_left_alone_at_a_page_foot(which, request):
    from pypdf import PdfReader

    pdf = request.getfixturevalue(which)
    reader = PdfReader(pdf)
    for item in reader.outline:
        if isinstance(item, list):
            continue
        page = reader.get_destination_page_number(item) + 1
        lines = [line.strip() for line in _body_lines(pdf, page)]
        words = item.title.split()
        at = next(i for i, line in enumerate(lines) if line.startswith(" ".join(words[:2])))
        # under the heading: its lead or table, and at least two more lines of it
        assert len(lines) - at >= 3, (item.title, page, lines[at:])


def test_a_chart_is_drawn_once_for_every_file_that_shows_it():
    from report.parts import Chart, Series
    from report.pdf import chart_png

    def visits(*values):
        return Chart("column", "Visits by year", ["2023", "2024"], [Series("Visits", list(values), "count")])

    first = chart_png(visits(3, 5), 6.0, 2.7, lang="en")
    assert first.startswith(b"\x89PNG")
    assert chart_png(visits(3, 5), 6.0, 2.7, lang="en") is first  # an equal chart: the kept picture
    assert chart_png(visits(3, 6), 6.0, 2.7, lang="en") != first  # one value changed: drawn anew
    assert chart_png(visits(3, 5), 6.0, 2.7, lang="ru") is not first
    assert chart_png(visits(3, 5), 6.0, 3.0, lang="en") is not first
