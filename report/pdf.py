"""The evidence pack as a printable A4 PDF (fpdf2): the same model as the slides.

Each section keeps its charts and the start of its table on one page; headings and text
wrap at word boundaries (never justified), table columns are at least as wide as their
longest word, long cells end with an ellipsis. DejaVu Sans is embedded (Cyrillic, the
Uzbek ʻ ʼ); when the pack holds Korean, Chinese or Japanese text, Noto Sans CJK from
Debian's fonts-noto-cjk is embedded as a per-glyph fallback. Example::

    write_pdf("pack.pdf", build_pack(dataset, scope, "uz"))
"""

from __future__ import annotations

import io
import re
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, cast

import matplotlib
from cachetools import LRUCache, cached

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from fpdf import FPDF  # noqa: E402
from fpdf.enums import TableCellFillMode  # noqa: E402
from fpdf.fonts import FontFace  # noqa: E402
from matplotlib.axis import Axis  # noqa: E402
from matplotlib.container import BarContainer  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from i18n import fmt  # noqa: E402
from report import palette  # noqa: E402
from report.absent import absent_line, kept  # noqa: E402
from report.model import Chart, Pack, Section, Table, map_png, summary_scope, summary_table  # noqa: E402

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"  # DejaVu ships with matplotlib
FONT, CJK = "DejaVu", "NotoCJK"
CJK_FILES = (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
             Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"))
CJK_INDEX = 1  # the KR face of the collection; it has the Han characters too
_CJK = re.compile("[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
GREY = (89, 89, 89)
HEADER_FILL = (222, 232, 243)
CHART_DPI = 180
BAR_CATEGORIES = 15
MAX_CELL = 400  # characters of one table cell; the rest is an ellipsis
MIN_TABLE_ROWS = 5  # rows of a table that must fit under its chart


def has_cjk(pack: Pack) -> bool:
    def cells() -> Iterator[str]:
        yield pack.title
        yield from pack.institutions
        for section in [pack.agreements, *pack.sections]:
            if section.table is not None:
                for row in section.table.rows:
                    yield from row
            for chart in section.charts:
                yield from chart.categories
        for entry in pack.appendix:
            for doc, _, ids in entry.by_document:
                yield doc
                yield ids
    return any(_CJK.search(str(c)) for c in cells())


class PackPdf(FPDF):
    """A4 portrait, footer line: institutions, as-of date, page number."""

    def __init__(self, pack: Pack) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.pack = pack
        self.fresh_page = 0  # the empty page the contents leave open (_contents)
        self.colour = pack.branding.rgb if pack.branding else (31, 78, 121)
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.cjk = has_cjk(pack) and all(p.exists() for p in CJK_FILES)
        if self.cjk:
            self.add_font(CJK, "", str(CJK_FILES[0]), collection_font_number=CJK_INDEX)
            self.add_font(CJK, "B", str(CJK_FILES[1]), collection_font_number=CJK_INDEX)
            self.set_fallback_fonts([CJK], exact_match=False)
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=18)
        self.set_title(pack.title)
        self.set_lang(pack.lang)
        self.set_creator("International cooperation dashboard")
        self.set_author("")
        self.set_subject(pack.scope_words)
        # The documents behind what a page shows: the part being laid out, and every number
        # cited on the current page (printed in its footer; a part going on keeps its own).
        self.part_cites: list[int] = []
        self.page_cites: set[int] = set()

    def cite(self, part: str) -> None:
        """From here on the page shows pack part ``part`` (called once its page is begun)."""
        self.part_cites = list(self.pack.cites.get(part, [])) if part else []
        self.page_cites.update(self.part_cites)

    def header(self) -> None:
        self.page_cites = set(self.part_cites)

    def footer(self) -> None:
        pack = self.pack
        self.set_y(-12)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*GREY)
        parts = [pack.branding.footer] if pack.branding and pack.branding.footer else []
        parts += [" · ".join(pack.institution_short),
                  f"{pack.label('export.as_of')} {pack.as_of}"]
        if pack.public:
            parts.append(pack.label("pack.public_short"))
        if pack.register is not None:
            parts.append(pack.register.cites_line(self.page_cites, limit=60))
        self.cell(self.epw - 20, 5, _fit(self, " · ".join(p for p in parts if p), self.epw - 22), align="L")
        self.cell(20, 5, pack.label("export.page", n=self.page_no()), align="R")

    @property
    def room(self) -> float:
        return self.page_break_trigger - self.get_y()


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """text cut with an ellipsis so it fits width at the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _heading(pdf: PackPdf, text: str, size: float = 15, outline: bool = True) -> None:
    """A section's title; ``outline``: also a bookmark and a line of the contents."""
    if outline and text:
        pdf.start_section(text, level=0)
    pdf.set_font(FONT, "B", size)
    pdf.set_text_color(*pdf.colour)
    pdf.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.set_text_color(0, 0, 0)


def _paragraph(pdf: PackPdf, text: str, size: float = 9.5,
               colour: tuple[int, int, int] = GREY) -> None:
    if not text:
        return
    pdf.set_font(FONT, "", size)
    pdf.set_text_color(*colour)
    pdf.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)
    pdf.set_text_color(0, 0, 0)


_BREAKING = re.compile(r"[ \t\r\n\f\v\u2028\u2029]+")  # not the no-break space of "3 435 239 RUB"


def _cell_text(text: object) -> str:
    text = _BREAKING.sub(" ", str(text)).strip()
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1].rstrip() + "…"


def _needs(pdf: PackPdf, table: Table, size: float) -> list[float]:
    """Per column, the width (mm) of its longest word at size, plus the cell padding."""
    pdf.set_font(FONT, "B", size)
    need = []
    for c in range(len(table.headers)):
        words = {w for cell in [table.headers[c]] + [r[c] for r in table.rows[:300]]
                 for w in _cell_text(cell).split(" ")}  # a word: what a line never breaks
        longest = max((pdf.get_string_width(w) for w in words), default=0)
        need.append(min(longest + 3, pdf.epw * 0.45))
    return need


def _layout(pdf: PackPdf, table: Table, size: float) -> tuple[list[float], float]:
    """Column widths (mm) from the table's weights, widened so no word is broken, and
    the font size (smaller, down to 6.5 pt, when the longest words need it)."""
    columns = len(table.headers)
    weights = list(table.widths or (1,) * columns)
    need = _needs(pdf, table, size)
    while sum(need) > pdf.epw and size > 6.5:
        size -= 0.5
        need = _needs(pdf, table, size)
    widths = [pdf.epw * w / sum(weights) for w in weights]
    for _ in range(columns):  # move width from roomy columns to tight ones
        short = sum(max(0.0, n - w) for n, w in zip(need, widths, strict=True))
        if short <= 0.01:
            break
        spare = [max(0.0, w - n) for n, w in zip(need, widths, strict=True)]
        room = sum(spare)
        if room <= 0:
            break
        take = min(short, room)
        widths = [max(w, n) if n > w else w - s / room * take
                  for n, w, s in zip(need, widths, spare, strict=True)]
    scale = pdf.epw / sum(widths)
    return [w * scale for w in widths], size


PADDING = 1.0  # mm around a cell's text
MIN_ROWS_WITH_HEADER = 2  # a table (or its rest) starts on a page only with this many rows


def _row_heights(pdf: PackPdf, table: Table, widths: list[float], size: float) -> list[float]:
    """The height (mm) of the header and each row as fpdf2 lays it out: the cell with the
    most wrapped lines decides."""
    line = size * 0.48
    heights = []
    margin, pdf.c_margin = pdf.c_margin, 0  # a table cell has its padding, not the margin
    try:
        for r, cells in enumerate([table.headers] + table.rows):
            pdf.set_font(FONT, "B" if r == 0 else "", size)
            lines = max((len(cast(list[str], pdf.multi_cell(
                w - 2 * PADDING, line, _cell_text(text) or " ", dry_run=True, output="LINES")))
                for text, w in zip(cells, widths, strict=False)), default=1)
            heights.append(lines * line + 2 * PADDING)
    finally:
        pdf.c_margin = margin
    return heights


def _note_height(pdf: PackPdf, note: str, size: float = 8) -> float:
    if not note:
        return 0.0
    pdf.set_font(FONT, "", size)
    lines = pdf.multi_cell(0, size * 0.5, note, dry_run=True, output="LINES")
    return len(cast(list[str], lines)) * size * 0.5 + 1.5


def _table_pages(heights: list[float], room: float, full: float, tail: float) -> list[list[int]]:
    """Rows (indices of heights[1:]) per page: the first page has ``room`` (mm) left, the
    others ``full``. The table starts on this page only when its header and first
    MIN_ROWS_WITH_HEADER rows fit (else the first list is empty: a new page); the last
    page also holds ``tail`` (the note) and never a lone row."""
    header, rows = heights[0], heights[1:]
    first = min(MIN_ROWS_WITH_HEADER, len(rows))
    here = header + sum(rows[:first]) + (tail if first == len(rows) else 0.0) <= room
    pages: list[list[int]] = [] if here else [[]]
    space = room if here else full
    current: list[int] = []
    used = header
    for i, height in enumerate(rows):
        need = height + (tail if i == len(rows) - 1 else 0.0)
        if current and used + need > space:
            pages.append(current)
            current, used, space = [], header, full
        current.append(i)
        used += height
    pages.append(current)
    if len(pages) > 1 and len(pages[-1]) == 1:  # a lone last row
        if len(pages[-2]) > 2:
            pages[-1].insert(0, pages[-2].pop())
        elif len(pages) == 2 and here and header + sum(rows) + tail <= full:
            pages = [[], pages[0] + pages[1]]  # the whole table on the next page
    return pages


CAPTION_H = 7.0  # mm: the line naming what a continued page continues, and its air


def _table(pdf: PackPdf, table: Table, size: float = 8.5) -> None:
    """The table in its own pages' chunks, measured: the header on every page, a page's
    first rows always under their header, no page holding a lone row or a lone note."""
    if not table.rows:
        _paragraph(pdf, table.note or pdf.pack.no_data)
        return
    widths, size = _layout(pdf, table, size)
    heights = _row_heights(pdf, table, widths, size)
    full = pdf.page_break_trigger - pdf.t_margin - 1 - (CAPTION_H if table.caption else 0.0)
    pages = _table_pages(heights, pdf.room - 1, full, _note_height(pdf, table.note) + 1.5)
    align = tuple("RIGHT" if table.numeric and i < len(table.numeric) and table.numeric[i]
                  else "LEFT" for i in range(len(table.headers)))
    for n, page in enumerate(pages):
        if n:
            pdf.add_page()
        if not page:
            continue
        if n and table.caption:  # what this page continues (a KPI's name in the appendix)
            pdf.set_font(FONT, "B", 10)
            mark = f" {table.continued}" if any(pages[:n]) else ""
            pdf.multi_cell(0, 5, f"{table.caption}{mark}", align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(CAPTION_H - 5)
        pdf.set_font(FONT, "", size)
        with pdf.table(
            col_widths=widths, width=pdf.epw, text_align=align, line_height=size * 0.48,
            headings_style=FontFace(emphasis="BOLD", fill_color=HEADER_FILL),
            borders_layout="HORIZONTAL_LINES", padding=PADDING, first_row_as_headings=True,
            cell_fill_color=(247, 249, 252), cell_fill_mode=TableCellFillMode.ROWS,
            repeat_headings=1,
        ) as grid:
            for cells in [table.headers] + [table.rows[i] for i in page]:
                row = grid.row()
                for text in cells:
                    row.cell(_cell_text(text))
    pdf.ln(1.5)
    if table.note:
        _paragraph(pdf, table.note, 8)


def _table_start(pdf: PackPdf, table: Table | None, size: float = 8.5) -> float:
    """The measured height (mm) of the table's header and first MIN_ROWS_WITH_HEADER rows:
    a heading stays on its page only when they fit under it."""
    if table is None or not table.rows:
        return 0.0
    first = Table(table.headers, table.rows[:MIN_ROWS_WITH_HEADER], table.numeric, table.widths)
    widths, size = _layout(pdf, table, size)
    return sum(_row_heights(pdf, first, widths, size)) + 2


def _table_height(table: Table | None, rows: int, size: float = 8.5) -> float:
    if table is None:
        return 0.0
    return (min(rows, len(table.rows)) + 1) * (size * 0.48 * 1.6 + 2)


# ---------------------------------------------------------------- charts


def _integer_ticks(axis: Axis) -> None:
    """Whole-number ticks on a count axis (matplotlib's automatic locator, kept)."""
    locator = axis.get_major_locator()
    if isinstance(locator, MaxNLocator):  # the default AutoLocator is one
        locator.set_params(integer=True)


MINUS = "\u2212"


def chart_number(value: float, lang: str, percent: bool = False) -> str:
    """A chart's number in the pack's language: group separators ("1,000", "1 000"), the
    minus sign (U+2212, never a hyphen), a share as a percentage."""
    if percent:
        text = fmt.percent(value, lang, 0)
    else:
        text = fmt.number(round(value, 2) if isinstance(value, float) else value, lang)
    return MINUS + text[1:] if text.startswith("-") else text


def bar_label(value: float, lang: str, percent: bool = False) -> str:
    """A bar's label: the number, or nothing for an empty (zero) bar or segment."""
    return chart_number(value, lang, percent) if value else ""


def _wrap(label: str, width: int) -> str:
    return "\n".join(textwrap.wrap(str(label), width, break_long_words=False)[:3]) or str(label)


def _chart_key(chart: Chart, width_in: float, height_in: float, cjk: bool = False,
               title: bool = False, lang: str = "en") -> tuple:
    # The chart's every word and value (a frozen dataclass of lists: its repr, not a hash).
    return repr(chart), width_in, height_in, cjk, title, lang


# A chart drawn once is drawn again for the next file of the same pack (the public edition,
# the other format, the export page's next build): the picture is kept, 64 at most.
@cached(cache=LRUCache(maxsize=64), key=_chart_key, lock=threading.Lock())
def chart_png(chart: Chart, width_in: float, height_in: float, cjk: bool = False,
              title: bool = False, lang: str = "en") -> bytes:
    """The chart drawn with matplotlib: titles and legends inside the picture, labels
    wrapped at word boundaries, categories as bars (never a line). The same chart at the
    same size and language is drawn once (the picture kept: ``_chart_key``)."""
    categories, series = list(chart.categories), list(chart.series)
    horizontal = chart.kind in ("bar", "stacked_bar")
    stacked = chart.kind.startswith("stacked")
    if horizontal and len(categories) > BAR_CATEGORIES:
        categories = categories[:BAR_CATEGORIES]
        series = [type(s)(s.name, s.values[:BAR_CATEGORIES], s.colour) for s in series]
    family = ["DejaVu Sans"] + (["Noto Sans CJK JP"] if cjk else [])
    with plt.rc_context({"font.family": family, "font.size": 8}):
        fig, ax = plt.subplots(figsize=(width_in, height_in), dpi=CHART_DPI,
                               layout="constrained")
        try:
            positions = list(range(len(categories)))
            width = 0.8 if stacked or len(series) == 1 else 0.8 / len(series)
            base = [0.0] * len(categories)
            for i, s in enumerate(series):
                offsets = positions if stacked or len(series) == 1 else [
                    p - 0.4 + width * (i + 0.5) for p in positions]
                start = base if stacked else None  # None: from zero, matplotlib's default
                if horizontal:
                    bars = ax.barh(offsets, s.values, width, left=start,
                                   color=palette.colour(s.colour, i), label=s.name)
                else:
                    bars = ax.bar(offsets, s.values, width, bottom=start,
                                  color=palette.colour(s.colour, i), label=s.name)
                if not stacked:
                    ax.bar_label(bars, labels=[bar_label(v, lang, chart.percent) for v in s.values],
                                 fontsize=7.5, padding=2)
                base = [b + v for b, v in zip(base, s.values, strict=True)]
            if stacked:
                ax.bar_label(cast(BarContainer, ax.containers[-1]),
                             labels=[bar_label(v, lang, chart.percent) for v in base],
                             fontsize=7.5, padding=2)
            ticks = FuncFormatter(lambda v, _: chart_number(v, lang, chart.percent))
            spare = max(0, 4 - len(categories)) / 2  # one bar is not a slab
            limits = (-0.5 - spare, len(categories) - 0.5 + spare)
            top = max(base, default=0) or 1
            if horizontal:
                ax.set_yticks(positions, [_wrap(c, 28) for c in categories], fontsize=7.5)
                ax.set_ylim(limits[1], limits[0])  # largest first, as in the tables
                ax.set_xlim(0, top * 1.15)
                _integer_ticks(ax.xaxis)
                ax.xaxis.set_major_formatter(ticks)
            else:
                # Labels wrap at word boundaries to the room a category has; rotated only
                # when a single word is still too long for it.
                room = max(4, int(width_in * 15 / max(len(categories), 1)))
                longest = max((len(w) for c in categories for w in str(c).split()), default=0)
                rotate = longest > room
                labels = [_wrap(c, 18 if rotate else room) for c in categories]
                ax.set_xticks(positions, labels, fontsize=7.5, rotation=35 if rotate else 0,
                              ha="right" if rotate else "center",
                              rotation_mode="anchor" if rotate else "default")
                ax.set_xlim(*limits)
                ax.set_ylim(0, top * 1.18)
                _integer_ticks(ax.yaxis)
                ax.yaxis.set_major_formatter(ticks)
            ax.spines[["top", "right"]].set_visible(False)
            if len(series) > 1:
                # Below the axis labels, centred: never over a bar, never cut.
                fig.legend(fontsize=7.5, frameon=False, ncol=min(len(series), 3),
                           loc="outside lower center")
            if title:
                ax.set_title(_wrap(chart.title, int(width_in * 11)), fontsize=9.5,
                             fontweight="bold", loc="left")
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", bbox_inches="tight", pad_inches=0.08)
            return buffer.getvalue()
        finally:
            plt.close(fig)


def _chart_height(chart: Chart) -> float:
    """Inches of a full-width chart."""
    if chart.kind in ("bar", "stacked_bar"):
        return max(2.0, min(BAR_CATEGORIES, len(chart.categories)) * 0.28 + 1.0)
    return 2.7


def _charts(pdf: PackPdf, charts: list[Chart]) -> None:
    """Charts two by two when they are small, else one per row; an empty chart says so."""
    small = all(c.kind in ("column", "stacked_column") or len(c.categories) <= BAR_CATEGORIES
                for c in charts)
    per_row = 2 if small and len(charts) > 1 else 1
    for i in range(0, len(charts), per_row):
        group = charts[i:i + per_row]
        gap = 5
        width_mm = (pdf.epw - gap * (per_row - 1)) / per_row
        pictures: list[bytes | None] = []
        for chart in group:
            if chart.empty:
                pictures.append(None)
                continue
            height = max(2.9, _chart_height(chart) * 0.9) if per_row == 2 else _chart_height(chart)
            pictures.append(chart_png(chart, width_mm / 25.4, height, pdf.cjk, lang=pdf.pack.lang))
        # Titles are text (searchable, never cut by the picture), wrapped to the column.
        pdf.set_font(FONT, "B", 9.5)
        title_h = max(len(cast(list[str], pdf.multi_cell(width_mm, 4.6, c.title, dry_run=True,
                                                         output="LINES"))) for c in group) * 4.6 + 1
        heights = [_picture_height(p, width_mm) if p else 10 for p in pictures]
        if title_h + max(heights) > pdf.room:
            pdf.add_page()
        top = pdf.get_y()
        for n, (chart, picture) in enumerate(zip(group, pictures, strict=True)):
            x = pdf.l_margin + n * (width_mm + gap)
            pdf.set_xy(x, top)
            pdf.set_font(FONT, "B", 9.5)
            pdf.set_text_color(0, 0, 0)
            pdf.multi_cell(width_mm, 4.6, chart.title, align="L")
            if picture is None:
                pdf.set_xy(x, top + title_h)
                pdf.set_font(FONT, "", 9)
                pdf.set_text_color(*GREY)
                pdf.multi_cell(width_mm, 5, pdf.pack.no_data, align="L")
                pdf.set_text_color(0, 0, 0)
            else:
                pdf.image(io.BytesIO(picture), x=x, y=top + title_h, w=width_mm)
        pdf.set_xy(pdf.l_margin, top + title_h + max(heights) + 2)


def _picture_height(png: bytes, width_mm: float) -> float:
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    return width_mm * height / width


def _estimate_charts(charts: list[Chart]) -> float:
    if not charts:
        return 0.0
    small = all(c.kind in ("column", "stacked_column") or len(c.categories) <= BAR_CATEGORIES
                for c in charts)
    if small and len(charts) > 1:
        return ((len(charts) + 1) // 2) * max(75.0, max(_chart_height(c) for c in charts) * 22)
    return sum(_chart_height(c) * 25.4 * 0.85 for c in charts)


def _section(pdf: PackPdf, section: Section, table: Table | None = None,
             new_page: bool = False, part: str | None = None) -> None:
    """Heading, lead, charts and table; a new page when the charts and the first rows
    of the table would not fit on this one (the chart stays beside its table)."""
    table = section.table if table is None else table
    start = max(_table_height(table, MIN_TABLE_ROWS), _table_start(pdf, table))
    need = 20 + _estimate_charts(section.charts) + start
    if new_page or need > pdf.room:
        pdf.add_page()
    else:
        pdf.ln(3)
    pdf.cite(section.key if part is None else part)
    _heading(pdf, section.title)
    _paragraph(pdf, section.lead)
    _charts(pdf, section.charts)
    if table is not None:
        if start > pdf.room:
            pdf.add_page()
        _table(pdf, table)


# ---------------------------------------------------------------- pages


def _cover(pdf: PackPdf, pack: Pack) -> None:
    pdf.add_page()
    if pack.branding and pack.branding.logo:
        pdf.image(io.BytesIO(pack.branding.logo), x=pdf.w - pdf.r_margin - 30, y=12, h=22)
    pdf.set_y(40)
    _heading(pdf, pack.title, 22, outline=False)
    pdf.set_font(FONT, "B", 13 if len(pack.institutions) <= 3 else 12 if len(pack.institutions) <= 8 else 10.5)
    for name in pack.institutions or [pack.label("export.scope.all")]:
        pdf.multi_cell(0, 6.5, name, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    as_of = pack.as_of + (" " + pack.label("pack.as_of_default") if pack.as_of_default else "")
    rows = [[pack.label("export.as_of"), as_of], [pack.label("export.generated"), pack.generated],
            [pack.label("pack.language"), pack.language]] + [list(r) for r in pack.scope_lines]
    _table(pdf, Table([pack.label("export.scope"), ""], rows, (), (30, 70)), 9.5)
    if pack.public:
        _paragraph(pdf, pack.label("export.public_note"), 9.5)


def _summary(pdf: PackPdf, pack: Pack) -> None:
    """The page a panel reads first: the scope, the headline figures, the sentences."""
    pdf.add_page()
    pdf.cite("kpis")
    _heading(pdf, pack.label("pack.summary.title"))
    _paragraph(pdf, summary_scope(pack))
    _table(pdf, summary_table(pack), 9)
    pdf.ln(2)
    if pack.targets_met:  # "18 of 30 targets for 2024 met." says what it is
        _paragraph(pdf, pack.targets_met, 10.5, (0, 0, 0))
    for sentence in pack.summary:
        _paragraph(pdf, f"• {sentence}", 10.5, (0, 0, 0))
    _paragraph(pdf, absent_line(pack), 9.5)  # what the pack leaves out for want of data


def _contents(pdf: PackPdf, pack: Pack) -> None:
    """A page of contents after the cover, filled in once every section has its page (the
    same sections are the PDF's bookmarks)."""
    def render(doc: Any, outline: list) -> None:
        doc.set_xy(doc.l_margin, doc.t_margin)
        _heading(doc, pack.label("pack.toc.title"), outline=False)
        doc.set_font(FONT, "", 10)
        for entry in outline:
            if entry.level:
                continue
            width = doc.w - doc.l_margin - doc.r_margin
            doc.cell(width - 15, 6.2, entry.name, new_x="RIGHT", new_y="TOP", link=doc.add_link(page=entry.page_number))
            doc.cell(15, 6.2, str(entry.page_number), align="R", new_x="LMARGIN", new_y="NEXT")

    sections = 8 + len(pack.sections) + len(pack.research)
    pdf.add_page()
    pdf.insert_toc_placeholder(render, pages=1 + sections // 38)
    pdf.fresh_page = pdf.page_no()  # the placeholder leaves a new, empty page open


def _key_figures(pdf: PackPdf, pack: Pack) -> None:
    if pdf.page_no() != pdf.fresh_page:
        pdf.add_page()
    pdf.cite("kpis")
    _heading(pdf, pack.label("export.kpis.title"))
    _paragraph(pdf, pack.comparison_note)
    columns, gap = 4, 4
    width = (pdf.epw - gap * (columns - 1)) / columns
    height = 40
    top = pdf.get_y()
    for i, number in enumerate(pack.big_numbers):
        x = pdf.l_margin + (i % columns) * (width + gap)
        y = top + (i // columns) * (height + gap)
        pdf.set_fill_color(242, 245, 249)
        pdf.rect(x, y, width, height, style="F")
        pdf.set_xy(x + 2, y + 2)
        # a headline figure never truncates: the font shrinks until it fits
        size = 17.0
        pdf.set_font(FONT, "B", size)
        while size > 7 and pdf.get_string_width(number.value) > width - 4:
            size -= 0.5
            pdf.set_font(FONT, "B", size)
        pdf.set_text_color(*pdf.colour)
        pdf.cell(width - 4, 9, number.value)
        pdf.set_text_color(0, 0, 0)
        pdf.set_xy(x + 2, y + 12)
        pdf.set_font(FONT, "B", 8.5)
        pdf.multi_cell(width - 4, 3.8, number.label, align="L", max_line_height=3.8)
        pdf.set_font(FONT, "", 7.5)
        pdf.set_text_color(*GREY)
        lines = [line for line in (number.note, number.change) if line]
        pdf.set_xy(x + 2, y + height - 3.6 * (len(lines) + 1) - 1)
        pdf.multi_cell(width - 4, 3.6, "\n".join(lines), align="L")
        pdf.set_text_color(0, 0, 0)
    rows = (len(pack.big_numbers) + columns - 1) // columns
    pdf.set_xy(pdf.l_margin, top + rows * (height + gap) + 2)
    _heading(pdf, pack.label("pack.all_figures"), 12)
    _paragraph(pdf, pack.label("export.kpis.lead"), 8.5)
    _table(pdf, pack.kpi_table, 8)
    if pack.by_institution is not None:
        if _table_height(pack.by_institution, 6) > pdf.room:
            pdf.add_page()
        _heading(pdf, pack.label("export.kpis.by_institution"), 12)
        _table(pdf, pack.by_institution, 8)


def _map(pdf: PackPdf, pack: Pack) -> None:
    if not pack.map_counts:
        return  # left out: the summary says so (report.absent)
    pdf.add_page()
    pdf.cite("map")
    _heading(pdf, pack.map.title)
    _paragraph(pdf, pack.map.lead)
    png = map_png(pack, 2400)
    height = _picture_height(png, pdf.epw)
    width = pdf.epw if height <= pdf.room else pdf.epw * pdf.room / height
    x = pdf.l_margin + (pdf.epw - width) / 2
    y = pdf.get_y()
    pdf.image(io.BytesIO(png), x=x, w=width)
    pdf.set_draw_color(191, 191, 191)
    pdf.rect(x, y, width, _picture_height(png, width))
    pdf.ln(3)


def _appendix(pdf: PackPdf, pack: Pack) -> None:
    pdf.add_page()
    pdf.cite("appendix")
    _heading(pdf, pack.label("pack.appendix.title"))
    _paragraph(pdf, pack.label("pack.appendix.lead"))
    for entry in pack.appendix:
        rows = [[doc, pack.label("pack.appendix.rows_of", n=pack.count(n), total=pack.count(entry.rows)), ids]
                for doc, n, ids in entry.by_document]
        table = Table([pack.label("pack.col.document"), pack.label("pack.col.rows"),
                       pack.label("pack.col.ids")], rows, (False, True, False), (28, 12, 60),
                      "" if rows else pack.label("pack.appendix.no_rows"),
                      caption=f"{entry.label}: {entry.value}", continued=pack.label("pack.continued"))
        if 18 + _table_height(table, 2) > pdf.room:
            pdf.add_page()
        pdf.set_font(FONT, "B", 10)
        pdf.multi_cell(0, 5, f"{entry.label}: {entry.value}", align="L", new_x="LMARGIN",
                       new_y="NEXT")
        _paragraph(pdf, entry.definition, 8)
        _table(pdf, table, 7.5)


def write_pdf(path: str | Path | IO[bytes], pack: Pack) -> Path | IO[bytes]:
    """Write the pack as an A4 PDF to path (or a binary file object)."""
    pdf = PackPdf(pack)
    _cover(pdf, pack)
    _summary(pdf, pack)
    _contents(pdf, pack)
    _key_figures(pdf, pack)
    trends = kept(pack.trends)
    if trends is not None:
        _section(pdf, trends, new_page=True)
    _map(pdf, pack)
    for whole in pack.sections:
        section = kept(whole)  # None: no data, left out (the summary names it)
        if section is not None:
            _section(pdf, section)
        agreements = kept(pack.agreements) if whole.key == "partners" else None
        if agreements is not None:
            _section(pdf, agreements)  # on this page when its chart and first rows fit
            renewals = Section("renewals", pack.label("export.renewals.title"),
                               pack.renewals.note if pack.renewals.rows else "")
            _section(pdf, renewals, pack.renewals)
            dormant = kept(pack.dormant)
            if dormant is not None:
                _section(pdf, dormant)
    research = [s for s in map(kept, pack.research) if s is not None]
    for n, section in enumerate(research):
        _section(pdf, section, new_page=n == 0, part="")
    _appendix(pdf, pack)
    _section(pdf, Section("sources", pack.label("pack.sources.title"),
                          pack.label("pack.sources.lead"), table=pack.sources), new_page=True)
    if isinstance(path, str | Path):
        path = Path(path)
        pdf.output(str(path))
        return path
    path.write(bytes(pdf.output()))  # a binary file object
    return path

