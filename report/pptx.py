"""The evidence pack as PowerPoint: every slide has a real title placeholder (outline,
accessibility check, "reuse slides" and re-theming work), charts are native and
editable, definitions are in the speaker notes. Example::

    pack = build_pack(dataset, scope, "ru")
    write_pptx("pack.pptx", pack)
"""

from __future__ import annotations

import functools
import io
from dataclasses import replace
from pathlib import Path
from typing import IO

import matplotlib
from PIL import ImageFont
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.shapes.autoshape import Shape
from pptx.shapes.graphfrm import GraphicFrame
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from report import palette
from report.absent import absent_line, kept
from report.model import Chart, Pack, Section, Table, map_png, summary_scope, summary_table

SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)  # 16:9
MARGIN = Inches(0.5)
BODY_TOP = Inches(1.55)
FOOTER_H = Inches(0.35)
GREY = RGBColor(0x59, 0x59, 0x59)
CHART_TYPES = {
    "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "stacked_column": XL_CHART_TYPE.COLUMN_STACKED,
    "bar": XL_CHART_TYPE.BAR_CLUSTERED,
    "stacked_bar": XL_CHART_TYPE.BAR_STACKED,
    "pie": XL_CHART_TYPE.PIE,
}
BAR_CATEGORIES = 15  # a bar chart shows the top 15; the annex has the rest
LAYOUT_TITLE, LAYOUT_TITLE_ONLY = 0, 5


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


class Deck:
    """The presentation plus the pack's look (brand colour, footer)."""

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = SLIDE_W, SLIDE_H
        brand = pack.branding
        self.colour = _rgb(brand.colour) if brand else _rgb("#1f4e79")
        self.part = ""  # the pack part being laid out: its footer names its documents' numbers
        core = self.prs.core_properties
        core.title = pack.title
        core.author = ""
        core.last_modified_by = ""
        core.subject = pack.scope_words
        core.language = pack.lang
        core.keywords = ""
        core.comments = ""

    # ------------------------------------------------------------ building blocks

    def slide(self, title: str, lead: str = "", notes: str = "") -> Slide:
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[LAYOUT_TITLE_ONLY])
        shape = slide.shapes.title
        shape.left, shape.top = MARGIN, Inches(0.25)
        shape.width, shape.height = SLIDE_W - 2 * MARGIN, Inches(0.8)
        frame = shape.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        frame.text = title
        paragraph = frame.paragraphs[0]
        paragraph.alignment = PP_ALIGN.LEFT
        paragraph.font.size = Pt(28 if len(title) < 60 else 22)
        paragraph.font.bold = True
        paragraph.font.color.rgb = self.colour
        if lead:
            width = SLIDE_W - 2 * MARGIN
            text_box(slide, MARGIN, LEAD_TOP, width, BODY_TOP - LEAD_TOP, lead,
                     lead_size(lead, width), colour=GREY)
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
        self._footer(slide)
        return slide

    def _footer(self, slide: Slide) -> None:
        pack = self.pack
        parts = [pack.branding.footer] if pack.branding and pack.branding.footer else []
        parts += [" · ".join(pack.institution_short),
                  f"{pack.label('export.as_of')} {pack.as_of}"]
        if pack.public:
            parts.append(pack.label("pack.public_short"))
        parts.append(pack.cites_line(self.part))
        number = len(self.prs.slides)
        text_box(slide, MARGIN, SLIDE_H - FOOTER_H - Inches(0.05), SLIDE_W - 2 * MARGIN - Inches(1),
                 FOOTER_H, " · ".join(p for p in parts if p), 9, colour=GREY)
        text_box(slide, SLIDE_W - MARGIN - Inches(1), SLIDE_H - FOOTER_H - Inches(0.05),
                 Inches(1), FOOTER_H, str(number), 9, colour=GREY, align=PP_ALIGN.RIGHT)

    def save(self, path: str | Path | IO[bytes]) -> Path | IO[bytes]:
        """Save to a path (returned as a Path) or a binary file object."""
        if isinstance(path, str | Path):
            path = Path(path)
            self.prs.save(path)
            return path
        self.prs.save(path)  # a binary file object
        return path


LEAD_TOP = Inches(1.0)  # the lead line between the title and the body (BODY_TOP)
LEAD_SIZES = (13, 12, 11, 10, 9)


def lead_size(lead: str, width: int) -> float:
    """The largest size at which the lead's wrapped lines end above the body: a long lead
    is set smaller rather than run under the table (the text frame's insets included)."""
    room = BODY_TOP - LEAD_TOP - Inches(0.1)
    for size in LEAD_SIZES:
        if wrapped_lines(lead, width - Inches(0.2), size) * Pt(size * LINE_SPACING) <= room:
            return size
    return LEAD_SIZES[-1]


def text_box(slide: Slide, left: int, top: int, width: int, height: int, text: str | list[str],
             size: float = 14, bold: bool = False, colour: RGBColor | None = None,
             align: PP_ALIGN | None = None) -> Shape:
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(text if isinstance(text, list) else [text]):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.text = line
        paragraph.font.size = Pt(size)
        paragraph.font.bold = bold
        if colour is not None:
            paragraph.font.color.rgb = colour
        if align is not None:
            paragraph.alignment = align
    return box


# Number formats carry the language's locale (an LCID, honoured by PowerPoint and
# LibreOffice: "1,000" in English, "1 000" in Russian and Uzbek), a true minus sign, and an
# empty zero section for data labels (a zero-width stacked segment shows no "0").
LCID = {"en": "[$-409]", "ru": "[$-419]", "uz": "[$-443]"}


def number_format(lang: str, percent: bool = False, zero: bool = True) -> str:
    """An Excel number format: ``number_format("ru") == '[$-419]#,##0;"−"#,##0;0'``."""
    body = "0%" if percent else "#,##0"
    return f'{LCID.get(lang, "")}{body};"\u2212"{body};' + (body.replace("#,##", "") if zero else "")


def add_chart(slide: Slide, chart: Chart, left: int, top: int, width: int, height: int,
              no_data: str, lang: str = "en") -> GraphicFrame | None:
    """A native chart, or the chart's title and the no-data sentence when it is empty."""
    if chart.empty:
        text_box(slide, left, top, width, Inches(0.5), chart.title, 14, True)
        text_box(slide, left, top + Inches(0.7), width, Inches(1), no_data, 16, colour=GREY,
                 align=PP_ALIGN.CENTER)
        return None
    categories, series = list(chart.categories), list(chart.series)
    horizontal = chart.kind in ("bar", "stacked_bar")
    if horizontal and len(categories) > BAR_CATEGORIES:
        categories = categories[:BAR_CATEGORIES]
        series = [type(s)(s.name, s.values[:BAR_CATEGORIES], s.colour) for s in series]
    if horizontal:  # PowerPoint draws the first category at the bottom: largest first
        categories = categories[::-1]
        series = [type(s)(s.name, s.values[::-1], s.colour) for s in series]
    data = CategoryChartData()
    data.categories = categories
    for s in series:
        data.add_series(s.name, s.values)
    graphic = slide.shapes.add_chart(CHART_TYPES[chart.kind], left, top, width, height, data)
    native = graphic.chart
    native.has_title = True
    native.chart_title.text_frame.text = chart.title
    native.chart_title.text_frame.paragraphs[0].font.size = Pt(14)
    native.chart_title.text_frame.paragraphs[0].font.bold = True
    native.font.size = Pt(11)
    plot = native.plots[0]
    plot.has_data_labels = True
    plot.data_labels.number_format = number_format(lang, chart.percent, zero=False)
    plot.data_labels.number_format_is_linked = False
    if chart.kind == "pie":
        native.has_legend = True
        native.legend.position = XL_LEGEND_POSITION.BOTTOM
        native.legend.include_in_layout = False
        plot.data_labels.position = XL_LABEL_POSITION.OUTSIDE_END  # on white, never on a slice
        for i, point in enumerate(plot.series[0].points):
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = _rgb(palette.colour(series[0].colour, i))
        return graphic
    native.has_legend = len(series) > 1
    if native.has_legend:
        native.legend.position = XL_LEGEND_POSITION.BOTTOM
        native.legend.include_in_layout = False
    if chart.kind in ("column", "bar"):
        plot.data_labels.position = XL_LABEL_POSITION.OUTSIDE_END
    plot.gap_width = 60
    if chart.kind.startswith("stacked"):
        plot.overlap = 100
    axis = native.value_axis
    axis.has_major_gridlines = True
    axis.tick_labels.number_format = number_format(lang)
    axis.tick_labels.number_format_is_linked = False
    axis.minimum_scale = 0
    for i, (plot_series, s) in enumerate(zip(plot.series, series, strict=True)):
        fill = palette.colour(s.colour, i)
        plot_series.format.fill.solid()
        plot_series.format.fill.fore_color.rgb = _rgb(fill)
        if chart.kind.startswith("stacked"):  # labels inside the bars: white on navy
            labels = plot_series.data_labels
            labels.number_format = number_format(lang, chart.percent, zero=False)
            labels.number_format_is_linked = False
            labels.show_value = True
            labels.font.size = Pt(11)
            labels.font.color.rgb = _rgb(palette.label_colour(fill))
    return graphic


CELL_MARGIN = Inches(0.1)  # python-pptx's default left and right cell margin
SMALLEST = 8  # points: a table's font shrinks no further to keep its words whole
_BOLD_FONT = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans-Bold.ttf"


@functools.lru_cache(maxsize=1)
def _ruler() -> ImageFont.FreeTypeFont:
    """DejaVu Sans Bold at 100 pt: wider than Calibri or Carlito, so a word measured with it
    fits in PowerPoint and LibreOffice alike."""
    return ImageFont.truetype(str(_BOLD_FONT), 100)


def _word_need(table: Table, size: float) -> list[int]:
    """Per column, the width (EMU) of its widest unbreakable run at ``size`` pt (split at
    breaking spaces only: "3 435 239 RUB" keeps its no-break spaces), with the margins."""
    ruler = _ruler()
    need = []
    for c in range(len(table.headers)):
        words = {w for cells in [table.headers] + table.rows for w in str(cells[c]).split(" ")}
        longest = max((ruler.getlength(w) for w in words), default=0.0) * size / 100
        need.append(int(Pt(longest * 1.04 + 1)) + 2 * CELL_MARGIN)
    return need


def column_widths(table: Table, width: int, font_size: float) -> tuple[list[int], float]:
    """Column widths (EMU) from the table's weights, widened so no word breaks mid-word,
    and the font size (smaller, down to 8 pt, when the widest words need it)."""
    columns = len(table.headers)
    weights = list(table.widths or (1,) * columns)
    size = font_size
    need = _word_need(table, size)
    while sum(need) > width and size > SMALLEST:
        size -= 0.5
        need = _word_need(table, size)
    widths = [width * w / sum(weights) for w in weights]
    for _ in range(columns):  # move width from roomy columns to tight ones
        short = sum(max(0.0, n - w) for n, w in zip(need, widths, strict=True))
        spare = [max(0.0, w - n) for n, w in zip(need, widths, strict=True)]
        if short <= 1 or sum(spare) <= 0:
            break
        take = min(short, sum(spare))
        room = sum(spare)
        widths = [max(w, n) if n > w else w - s / room * take
                  for n, w, s in zip(need, widths, spare, strict=True)]
    scale = width / sum(widths)
    return [int(w * scale) for w in widths], size


# A table's rows are measured before they are laid out: each cell's text wrapped at its
# column's width with DejaVu Sans (what LibreOffice draws when Calibri is missing; wider
# than Calibri, so PowerPoint never needs more lines), one line LINE_SPACING em high.
LINE_SPACING = 1.22
CELL_PAD = Pt(2)  # top and bottom margin of a cell
MIN_ROW = Inches(0.3)  # a one-line row still gets some air
_REGULAR_FONT = _BOLD_FONT.with_name("DejaVuSans.ttf")


@functools.lru_cache(maxsize=2)
def _face(bold: bool) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(_BOLD_FONT if bold else _REGULAR_FONT), 100)


def wrapped_lines(text: str, width: int, size: float, bold: bool = False) -> int:
    """Lines ``text`` takes in a column ``width`` EMU wide at ``size`` pt: words wrap at
    breaking spaces (a no-break space holds "3 435 239 RUB" together); a word longer than
    the line runs on over as many lines as it needs."""
    face = _face(bold)
    room = max(width / Pt(1) * 100 / size, 1.0)  # in the ruler's units (100 pt)
    space = face.getlength(" ")
    lines = 0
    for paragraph in str(text).split("\n"):
        count, used = 1, 0.0
        for word in paragraph.split(" "):
            length = face.getlength(word)
            if used and used + space + length > room:
                count, used = count + 1, 0.0
            used += (space if used else 0.0) + length
            while used > room:  # a word wider than the column
                count, used = count + 1, used - room
        lines += count
    return lines


def row_heights(table: Table, widths: list[int], size: float,
                min_row: int = MIN_ROW) -> list[int]:
    """The height (EMU) of the header and each row: its tallest cell, wrapped."""
    line = Pt(size * LINE_SPACING)
    heights = []
    for r, cells in enumerate([table.headers] + table.rows):
        lines = max((wrapped_lines(str(text), w - 2 * CELL_MARGIN, size, r == 0)
                     for text, w in zip(cells, widths, strict=False)), default=1)
        heights.append(max(min_row, int(lines * line + 2 * CELL_PAD + Pt(2))))
    return heights


def _fill(heights: list[int], room: int, opening: list[int]) -> list[list[int]]:
    """Rows (indices of heights[1:]) per page, each page filled while its rows fit; a row
    that opens a continued page is ``opening[i]`` high (its group written again)."""
    pages: list[list[int]] = [[]]
    used = heights[0]
    for i, height in enumerate(heights[1:]):
        if pages[-1] and used + height > room:
            pages.append([])
            used = heights[0]
            height = opening[i]
        pages[-1].append(i)
        used += height
    return pages


def paginate(heights: list[int], room: int, first: list[int] | None = None) -> list[list[int]]:
    """Row indices (of ``heights[1:]``, the rows under the header ``heights[0]``) per page so
    each page's header and rows fit ``room``, on as few pages as that takes, shared evenly
    among them (13 rows and 4 become 9 and 8: no near-empty last slide). A row taller
    than the room still gets a page of its own. ``first``: each row's height when it opens
    a continued page (its group written again, ``Table.carry``)."""
    opening = (first or heights)[1:]
    pages = _fill(heights, room, opening)
    low = heights[0] + max(max(heights[1:], default=0), max(opening, default=0))
    if len(pages) < 2 or low > room:
        return pages
    high = room  # the smallest page height that keeps the same number of pages
    while high - low > 1:
        middle = (low + high) // 2
        if len(_fill(heights, middle, opening)) <= len(pages):
            high = middle
        else:
            low = middle
    return _fill(heights, high, opening)


def add_table(slide: Slide, table: Table, left: int, top: int, width: int, font_size: float = 11,
              layout: tuple[list[int], float] | None = None,
              min_row: int = MIN_ROW) -> GraphicFrame:
    """A native table with table.widths as shares of width (widened so no word is broken
    mid-word, the font smaller where needed); numbers right-aligned. Each row is as high as
    its wrapped text (``row_heights``); ``layout``: column widths and font size already
    chosen for the whole table (a table over several slides keeps its columns)."""
    widths, font_size = layout or column_widths(table, width, font_size)
    heights = row_heights(table, widths, font_size, min_row)
    rows, columns = len(table.rows) + 1, len(table.headers)
    shape = slide.shapes.add_table(rows, columns, left, top, width, sum(heights))
    grid = shape.table
    for i, column_width in enumerate(widths):
        grid.columns[i].width = Emu(column_width)
    for r, height in enumerate(heights):
        grid.rows[r].height = Emu(height)
    for r, cells in enumerate([table.headers] + table.rows):
        for c, text in enumerate(cells):
            cell = grid.cell(r, c)
            cell.text = str(text)
            cell.margin_top = cell.margin_bottom = CELL_PAD
            cell.margin_left = cell.margin_right = CELL_MARGIN
            for paragraph in cell.text_frame.paragraphs:
                paragraph.font.size = Pt(font_size)
                paragraph.font.bold = r == 0
                if table.numeric and c < len(table.numeric) and table.numeric[c]:
                    paragraph.alignment = PP_ALIGN.RIGHT
    return shape


def table_pages(table: Table, width: int, font_size: float, room: int,
                min_row: int = MIN_ROW) -> tuple[tuple[list[int], float], list[Table]]:
    """The table's column widths and font (for all its pages) and the table cut into pages
    whose measured rows fit ``room`` (EMU) under the header."""
    layout = column_widths(table, width, font_size)
    heights = row_heights(table, *layout, min_row)
    carried = _carried(table)
    if carried is None:
        pages = paginate(heights, room)
        return layout, [replace(table, rows=[table.rows[i] for i in page]) for page in pages]
    # a continued slide's first row repeats its group (and is measured so)
    first = row_heights(replace(table, rows=carried), *layout, min_row)
    pages = paginate(heights, room, first)
    return layout, [replace(table, rows=[carried[i] if n and i == page[0] else table.rows[i]
                                         for i in page]) for n, page in enumerate(pages)]


def _carried(table: Table) -> list[list] | None:
    """Every row with its ``carry`` group cells written out (blank: as the row above) and
    marked continued; None when the table has no groups."""
    if not table.carry:
        return None
    rows, last = [], [""] * table.carry
    for row in table.rows:
        last = [cell if str(cell) else above for cell, above in zip(row[:table.carry], last, strict=True)]
        marked = [f"{cell} {table.continued}".strip() if not str(row[i]) else cell
                  for i, cell in enumerate(last)]
        rows.append(marked + list(row[table.carry:]))
    return rows


FOOTER_TOP = SLIDE_H - FOOTER_H - Inches(0.05)
BODY_ROOM = FOOTER_TOP - Inches(0.1) - BODY_TOP  # from the body's top to above the footer


# ---------------------------------------------------------------- slides


def _cover(deck: Deck, pack: Pack) -> None:
    slide = deck.prs.slides.add_slide(deck.prs.slide_layouts[LAYOUT_TITLE])
    title = slide.shapes.title
    title.left, title.top = MARGIN, Inches(0.9)
    title.width, title.height = SLIDE_W - 2 * MARGIN - Inches(2.2), Inches(1.4)
    title.text_frame.text = pack.title
    title.text_frame.word_wrap = True
    paragraph = title.text_frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.LEFT
    paragraph.font.size = Pt(36)
    paragraph.font.bold = True
    paragraph.font.color.rgb = deck.colour
    if pack.branding and pack.branding.logo:
        slide.shapes.add_picture(io.BytesIO(pack.branding.logo), SLIDE_W - MARGIN - Inches(1.8),
                                 Inches(0.8), height=Inches(1.5))
    _cover_names(slide, pack.institutions or [pack.label("export.scope.all")])
    as_of = pack.as_of + (" " + pack.label("pack.as_of_default") if pack.as_of_default else "")
    lines = [
        f"{pack.label('export.scope')}: {pack.scope_words}",
        f"{pack.label('export.as_of')}: {as_of}",
        f"{pack.label('export.generated')}: {pack.generated}",
        f"{pack.label('pack.language')}: {pack.language}",
    ]
    if pack.public:
        lines.append(pack.label("export.public_note"))
    text_box(slide, MARGIN, Inches(4.6), SLIDE_W - 2 * MARGIN, Inches(2.2), lines, 14,
             colour=GREY)
    slide.notes_slide.notes_text_frame.text = "\n".join(
        f"{name}: {value}" for name, value in pack.scope_lines)
    deck._footer(slide)


NAME_COLOUR = RGBColor(0x26, 0x26, 0x26)
COVER_NAMES = (Inches(2.45), Inches(1.95))  # top and height of the institutions' names


def _cover_names(slide: Slide, names: list[str]) -> None:
    """The institutions on the cover at a readable size: one column up to three, else two
    (up to eight names); the largest of 22-14 pt at which every column's wrapped names fit."""
    columns = 1 if len(names) <= 3 else 2
    per = -(-len(names) // columns)
    chunks = [names[i:i + per] for i in range(0, len(names), per)]
    gap = Inches(0.3)
    width = int((SLIDE_W - 2 * MARGIN - gap * (columns - 1)) / columns)
    top, height = COVER_NAMES
    room = width - Inches(0.2)  # the text frame's left and right inset
    size = next((size for size in (22, 20, 18, 16) if max(
        sum(wrapped_lines(name, room, size) for name in chunk) * Pt(size * 1.2)
        + Pt(size * 0.3) * (len(chunk) - 1) for chunk in chunks) <= height - Inches(0.1)), 14)
    subtitle = slide.placeholders[1]  # the first column: the slide's own subtitle
    boxes = [subtitle] + [slide.shapes.add_textbox(MARGIN + i * (width + gap), top, width, height)
                          for i in range(1, len(chunks))]
    subtitle.left, subtitle.top, subtitle.width, subtitle.height = MARGIN, top, width, height
    for box, chunk in zip(boxes, chunks, strict=True):
        frame = box.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = MSO_ANCHOR.TOP
        for i, name in enumerate(chunk):
            p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            p.text = name
            p.alignment = PP_ALIGN.LEFT
            p.font.size = Pt(size)
            p.font.color.rgb = NAME_COLOUR
            p.space_after = Pt(size * 0.3)


def _summary(deck: Deck, pack: Pack) -> None:
    """Slide 2: the scope, the headline figures with their change, the sentences."""
    slide = deck.slide(pack.label("pack.summary.title"),
                       summary_scope(pack))
    width = SLIDE_W - 2 * MARGIN
    table = summary_table(pack)
    layout, min_row = _one_slide(table, int(width * 0.55), 10, Inches(0.3))
    add_table(slide, table, MARGIN, BODY_TOP, int(width * 0.55), layout=layout, min_row=min_row)
    left = MARGIN + int(width * 0.58)
    lines = [pack.targets_met] if pack.targets_met else []  # "18 of 30 targets for 2024 met."
    lines += [f"• {s}" for s in pack.summary]
    box = text_box(slide, left, BODY_TOP, width - int(width * 0.58),
                   SLIDE_H - BODY_TOP - FOOTER_H - Inches(0.3), lines, 13)
    for paragraph in box.text_frame.paragraphs:
        paragraph.space_after = Pt(7)
    if pack.targets_met:
        box.text_frame.paragraphs[0].font.bold = True
    absent = absent_line(pack)
    if absent:  # what the pack leaves out, in grey under the sentences
        paragraph = box.text_frame.add_paragraph()
        paragraph.text = absent
        paragraph.font.size = Pt(12)
        paragraph.font.color.rgb = GREY


def _fitting_size(text: str, room: int, sizes: tuple[float, ...]) -> float:
    """The largest of ``sizes`` at which every word of ``text`` fits ``room`` (EMU) on one
    line ("неизвестно" on a card is never broken as "неизвест/но")."""
    ruler = _ruler()
    widest = max((ruler.getlength(w) for w in text.split(" ")), default=0.0) / 100
    return next((size for size in sizes if Pt(widest * size * 1.04) <= room), sizes[-1])


def _big_numbers(deck: Deck, pack: Pack) -> None:
    slide = deck.slide(pack.label("export.kpis.title"), pack.comparison_note,
                       "\n\n".join(f"{b.label}: {b.definition}" for b in pack.big_numbers))
    columns, rows = 4, 2
    gap = Inches(0.25)
    width = int((SLIDE_W - 2 * MARGIN - gap * (columns - 1)) / columns)
    height = Inches(2.45)
    for i, number in enumerate(pack.big_numbers[: columns * rows]):
        left = MARGIN + (i % columns) * (width + gap)
        top = BODY_TOP + Inches(0.1) + (i // columns) * (height + gap)
        card = slide.shapes.add_shape(1, left, top, width, height)  # rectangle
        card.fill.solid()
        card.fill.fore_color.rgb = RGBColor(0xF2, 0xF5, 0xF9)
        card.line.color.rgb = RGBColor(0xD6, 0xDE, 0xE8)
        card.shadow.inherit = False
        value = number.value
        size = _fitting_size(value, width - Inches(0.5), (40, 30, 24, 20, 16))
        text_box(slide, left + Inches(0.15), top + Inches(0.1), width - Inches(0.3),
                 Inches(0.9), value, size, True, deck.colour)
        text_box(slide, left + Inches(0.15), top + Inches(0.95), width - Inches(0.3),
                 Inches(0.75), number.label, 14 if len(number.label) <= 24 else 12, True)
        lines = [line for line in (number.note, number.change) if line]
        text_box(slide, left + Inches(0.15), top + height - Inches(0.3 + 0.22 * len(lines)),
                 width - Inches(0.3), Inches(0.5), lines, 11, colour=GREY)


def _all_figures(deck: Deck, pack: Pack) -> None:
    table = pack.kpi_table
    short = Table(table.headers[:2], [row[:2] for row in table.rows], (False, True), (70, 30))
    half = (len(short.rows) + 1) // 2
    slide = deck.slide(pack.label("pack.all_figures"), pack.label("export.kpis.lead"),
                       "\n\n".join(f"{row[0]}: {row[2]}" for row in table.rows))
    width = int((SLIDE_W - 2 * MARGIN - Inches(0.4)) / 2)
    halves = [Table(short.headers, rows, short.numeric, short.widths)
              for rows in (short.rows[:half], short.rows[half:])]
    # both halves in one font: the taller half decides it
    layout, min_row = max((_one_slide(h, width, 13, Inches(0.52), BODY_ROOM - Inches(0.1))
                           for h in halves), key=lambda fit: (-fit[0][1], -fit[1]))
    for i, half_table in enumerate(halves):
        add_table(slide, half_table, MARGIN + i * (width + Inches(0.4)),
                  BODY_TOP + Inches(0.1), width, layout=layout, min_row=min_row)
    if pack.by_institution is not None:
        _table_slides(deck, pack, pack.label("export.kpis.by_institution"),
                      pack.by_institution, font=12, min_row=Inches(0.45))


def _chart_slides(deck: Deck, pack: Pack, section: Section, per_slide: int = 2) -> None:
    charts = section.charts
    groups = [charts[i:i + per_slide] for i in range(0, len(charts), per_slide)]
    for n, group in enumerate(groups, start=1):
        title = section.title + (f" ({n}/{len(groups)})" if len(groups) > 1 else "")
        slide = deck.slide(title, section.lead, section.notes)
        gap = Inches(0.3)
        width = int((SLIDE_W - 2 * MARGIN - gap * (len(group) - 1)) / len(group))
        height = SLIDE_H - BODY_TOP - FOOTER_H - Inches(0.25)
        for i, chart in enumerate(group):
            add_chart(slide, chart, MARGIN + i * (width + gap), BODY_TOP, width, height,
                      pack.no_data, pack.lang)


def _table_slides(deck: Deck, pack: Pack, title: str, table: Table, lead: str = "",
                  notes: str = "", font: float = 11, min_row: int = MIN_ROW) -> None:
    """The table over as many slides as its measured rows need ("(2/3)" in the title)."""
    if not table.rows:
        slide = deck.slide(title, lead, notes)
        text_box(slide, MARGIN, Inches(3.0), SLIDE_W - 2 * MARGIN, Inches(1),
                 table.note or pack.no_data, 18, colour=GREY, align=PP_ALIGN.CENTER)
        return
    width = SLIDE_W - 2 * MARGIN
    layout, pages = table_pages(table, width, font, BODY_ROOM, min_row)
    for n, page in enumerate(pages, start=1):
        slide_title = title + (f" ({n}/{len(pages)})" if len(pages) > 1 else "")
        slide = deck.slide(slide_title, lead if n == 1 else "", notes)
        add_table(slide, page, MARGIN, BODY_TOP, width, layout=layout, min_row=min_row)


def _one_slide(table: Table, width: int, font: float, min_row: int,
               room: int = BODY_ROOM) -> tuple[tuple[list[int], float], int]:
    """The column layout and row height at which the whole table fits ``room`` on one
    slide: the font shrinks (to SMALLEST) and the rows' air with it."""
    size = font
    while True:
        row = int(min_row * size / font)
        layout = column_widths(table, width, size)
        if sum(row_heights(table, *layout, row)) <= room or layout[1] <= SMALLEST:
            return layout, row
        size = max(SMALLEST, layout[1] - 1)


def _map(deck: Deck, pack: Pack) -> None:
    if not pack.map_counts:
        return  # left out: the summary says so (report.absent)
    slide = deck.slide(pack.map.title, pack.map.lead,
                       pack.label("kpi.partners.definition"))
    box_w = SLIDE_W - 2 * MARGIN
    box_h = SLIDE_H - BODY_TOP - FOOTER_H - Inches(0.2)
    picture = slide.shapes.add_picture(io.BytesIO(map_png(pack, 2400)), MARGIN, BODY_TOP)
    scale = min(box_w / picture.width, box_h / picture.height)
    picture.width, picture.height = int(picture.width * scale), int(picture.height * scale)
    picture.left = int((SLIDE_W - picture.width) / 2)
    picture.line.color.rgb = RGBColor(0xBF, 0xBF, 0xBF)  # the frame


def _agreements(deck: Deck, pack: Pack) -> None:
    section = kept(pack.agreements)
    if section is None:
        return
    _chart_slides(deck, pack, section)
    renewals = pack.renewals
    assert section.table is not None  # the agreements section always has its list
    # what the list holds (and "none due", when so); what counts as an outcome: the notes
    lead = pack.label("pack.agreements.active_lead")
    lead = lead if renewals.rows else f"{lead} {renewals.note}"
    _table_slides(deck, pack, pack.label("pack.agreements.active_list"),
                  replace(section.table, note=""), lead, f"{section.table.note}\n{section.notes}")
    if renewals.rows:
        deck.part = "renewals"
        _table_slides(deck, pack, pack.label("export.renewals.title"), renewals, renewals.note,
                      pack.label("kpi.agreements_expiring.definition"))
    dormant = kept(pack.dormant)
    if dormant is not None and dormant.table is not None:  # the agreements_dormant rows
        deck.part = "dormant"
        _table_slides(deck, pack, dormant.title, dormant.table, dormant.lead, dormant.notes)


def _appendix(deck: Deck, pack: Pack) -> None:
    headers = [pack.label("export.col.kpi"), pack.label("export.col.value"),
               pack.label("pack.col.rows"), pack.label("pack.col.document_rows"),
               pack.label("pack.col.ids")]
    rows = []
    for entry in pack.appendix:
        documents = entry.by_document or [(pack.label("pack.appendix.no_rows"), 0, "")]
        for i, (doc, n, ids) in enumerate(documents):
            first = i == 0
            rows.append([entry.label if first else "", entry.value if first else "",
                         pack.count(entry.rows) if first else "",
                         f"{doc} ({pack.count(n)})" if entry.by_document else doc, ids])
    # a KPI whose documents run onto the next slide keeps its name there
    table = Table(headers, rows, (False, True, True, False, False), (17, 10, 9, 22, 42),
                  carry=1, continued=pack.label("pack.continued"))
    notes = "\n\n".join(f"{e.label} ({pack.count(e.rows)}): {e.definition}" for e in pack.appendix)
    _table_slides(deck, pack, pack.label("pack.appendix.title"), table,
                  pack.label("pack.appendix.lead"), notes, 10)


def write_pptx(path: str | Path | IO[bytes], pack: Pack) -> Path | IO[bytes]:
    """Write the pack as .pptx to path (or a binary file object)."""
    deck = Deck(pack)
    _cover(deck, pack)
    deck.part = "kpis"
    _summary(deck, pack)
    _big_numbers(deck, pack)
    _all_figures(deck, pack)
    trends = kept(pack.trends)
    if trends is not None:
        deck.part = "trends"
        _chart_slides(deck, pack, trends)
    deck.part = "map"
    _map(deck, pack)
    for whole in pack.sections:
        section = kept(whole)  # None: no data, left out (the summary names it)
        if section is not None:
            deck.part = section.key
            _chart_slides(deck, pack, section)
            if section.table_title and section.table is not None and section.table.rows:
                _table_slides(deck, pack, section.table_title, section.table,  # its own slides
                              section.table.note if section.charts else section.lead,
                              section.notes, font=10)
            if section.key == "grants" and section.table is not None and section.table.rows:
                _table_slides(deck, pack, pack.label("pack.grants.list"), section.table,
                              pack.label("pack.grants.lead"), section.notes, font=10)
        if whole.key == "partners":
            deck.part = "agreements"
            _agreements(deck, pack)
    deck.part = ""  # joint papers: from the publication exports, not the documents
    for whole in pack.research:
        section = kept(whole)
        if section is None:
            continue
        if section.charts:
            _chart_slides(deck, pack, section)
        if section.table is not None and section.table.rows:
            _table_slides(deck, pack, section.title, section.table,
                          "" if section.charts else section.lead, section.notes, font=10)
    deck.part = "appendix"
    _appendix(deck, pack)
    deck.part = "sources"
    _table_slides(deck, pack, pack.label("pack.sources.title"), pack.sources,
                  pack.label("pack.sources.lead"))
    return deck.save(path)
