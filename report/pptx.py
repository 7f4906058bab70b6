"""The evidence pack as PowerPoint: native charts (chart parts with their data), a table
of KPIs with definitions, and the partner map drawn offline. Example::

    write_pptx("pack.pptx", report_dict, apply_scope(ds.tables, scope), "en", public=False)
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches, Pt

from i18n import t
from report.pack import Chart, Pack, Table, build_pack, map_png, public_tables

SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)  # 16:9
MARGIN = Inches(0.5)
NAVY = RGBColor(0x1F, 0x4E, 0x79)
GREY = RGBColor(0x59, 0x59, 0x59)
SERIES_COLOURS = (
    RGBColor(0x1F, 0x4E, 0x79), RGBColor(0xE0, 0x8E, 0x2B), RGBColor(0x4C, 0x9A, 0x6A),
    RGBColor(0xC0, 0x39, 0x2B), RGBColor(0x7F, 0x7F, 0x7F), RGBColor(0x8E, 0x6C, 0xB5),
)
CHART_TYPES = {
    "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "bar": XL_CHART_TYPE.BAR_CLUSTERED,
    "stacked_bar": XL_CHART_TYPE.BAR_STACKED,
    "pie": XL_CHART_TYPE.PIE,
    "line": XL_CHART_TYPE.LINE_MARKERS,
}
KPI_ROWS_PER_SLIDE = 8
TABLE_ROWS_PER_SLIDE = 12
BAR_CATEGORIES = 15  # a bar chart shows the top 15; the table / annex has the rest


def _text_box(slide, left, top, width, height, text, size=14, bold=False, colour=None,
              align=None):
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    lines = text if isinstance(text, list) else [text]
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.text = line
        paragraph.font.size = Pt(size)
        paragraph.font.bold = bold
        if colour is not None:
            paragraph.font.color.rgb = colour
        if align is not None:
            paragraph.alignment = align
    return box


def _slide(prs, title: str, lead: str = ""):
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    _text_box(slide, MARGIN, Inches(0.3), SLIDE_W - 2 * MARGIN, Inches(0.7), title, 28, True,
              NAVY)
    if lead:
        _text_box(slide, MARGIN, Inches(1.0), SLIDE_W - 2 * MARGIN, Inches(0.6), lead, 14,
                  colour=GREY)
    return slide


def _no_data(slide, left, top, width, height, chart: Chart, message: str) -> None:
    _text_box(slide, left, top, width, Inches(0.5), chart.title, 14, True)
    _text_box(slide, left, top + Inches(0.6), width, height - Inches(0.6), message, 18,
              colour=GREY, align=PP_ALIGN.CENTER)


def add_chart(slide, chart: Chart, left, top, width, height, no_data: str):
    """A native chart for chart, or the no-data message when its series are empty."""
    if chart.empty:
        _no_data(slide, left, top, width, height, chart, no_data)
        return None
    categories, series = chart.categories, chart.series
    if chart.kind in ("bar", "stacked_bar") and len(categories) > BAR_CATEGORIES:
        categories = categories[:BAR_CATEGORIES]
        series = [(name, values[:BAR_CATEGORIES]) for name, values in series]
    if chart.kind in ("bar", "stacked_bar"):
        # PowerPoint draws the first category at the bottom of a bar chart: reverse so
        # the largest comes first, as in the tables.
        categories = list(reversed(categories))
        series = [(name, list(reversed(values))) for name, values in series]
    data = CategoryChartData()
    data.categories = categories
    for name, values in series:
        data.add_series(name, values)
    graphic = slide.shapes.add_chart(CHART_TYPES[chart.kind], left, top, width, height, data)
    native = graphic.chart
    native.has_title = True
    native.chart_title.text_frame.text = chart.title
    native.chart_title.text_frame.paragraphs[0].font.size = Pt(14)
    native.chart_title.text_frame.paragraphs[0].font.bold = True
    native.font.size = Pt(11)
    plot = native.plots[0]
    if chart.kind == "pie":
        native.has_legend = True
        native.legend.position = XL_LEGEND_POSITION.BOTTOM
        native.legend.include_in_layout = False
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.show_percentage = chart.percent
        labels.show_value = not chart.percent
        labels.number_format = "0%" if chart.percent else "0"
        labels.number_format_is_linked = False
        for i, point in enumerate(plot.series[0].points):
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        return graphic
    native.has_legend = len(series) > 1
    if native.has_legend:
        native.legend.position = XL_LEGEND_POSITION.BOTTOM
        native.legend.include_in_layout = False
    plot.has_data_labels = True
    plot.data_labels.number_format = "0"
    plot.data_labels.number_format_is_linked = False
    if chart.kind in ("column", "bar"):
        plot.data_labels.position = XL_LABEL_POSITION.OUTSIDE_END
        plot.gap_width = 60
    value_axis = native.value_axis
    value_axis.has_major_gridlines = True
    value_axis.tick_labels.number_format = "0"
    value_axis.tick_labels.number_format_is_linked = False
    value_axis.minimum_scale = 0
    for i, plot_series in enumerate(plot.series):
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        if chart.kind == "line":
            plot_series.format.line.color.rgb = colour
            plot_series.smooth = False
        else:
            plot_series.format.fill.solid()
            plot_series.format.fill.fore_color.rgb = colour
    return graphic


def add_table(slide, table: Table, left, top, width, height, font_size=11,
              col_widths: list[float] | None = None):
    """A native table; col_widths are shares of width."""
    rows, columns = len(table.rows) + 1, len(table.headers)
    shape = slide.shapes.add_table(rows, columns, left, top, width, height)
    grid = shape.table
    shares = col_widths or [1 / columns] * columns
    for i, share in enumerate(shares):
        grid.columns[i].width = Emu(int(width * share))
    for r, cells in enumerate([table.headers] + table.rows):
        for c, text in enumerate(cells):
            cell = grid.cell(r, c)
            cell.text = str(text)
            for paragraph in cell.text_frame.paragraphs:
                paragraph.font.size = Pt(font_size)
                paragraph.font.bold = r == 0
            cell.margin_top = cell.margin_bottom = Pt(2)
    return shape


def _title_slide(prs, pack: Pack) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _text_box(slide, MARGIN, Inches(1.3), SLIDE_W - 2 * MARGIN, Inches(1.2), pack.title, 36,
              True, NAVY)
    _text_box(slide, MARGIN, Inches(2.5), SLIDE_W - 2 * MARGIN, Inches(1.2),
              pack.institutions or [t("export.scope.all", pack.lang)], 22)
    lines = [f"{t('export.as_of', pack.lang)}: {pack.as_of}",
             f"{t('export.generated', pack.lang)}: {pack.generated}", ""]
    lines += [f"{name}: {value}" for name, value in pack.scope_lines]
    if pack.public:
        lines += ["", t("export.public_note", pack.lang)]
    _text_box(slide, MARGIN, Inches(3.9), SLIDE_W - 2 * MARGIN, Inches(3.2), lines, 14,
              colour=GREY)


def _kpi_slides(prs, pack: Pack) -> None:
    lang = pack.lang
    chunks = [pack.kpis[i:i + KPI_ROWS_PER_SLIDE]
              for i in range(0, len(pack.kpis), KPI_ROWS_PER_SLIDE)]
    for n, chunk in enumerate(chunks, start=1):
        title = t("export.kpis.title", lang)
        if len(chunks) > 1:
            title += f" ({n}/{len(chunks)})"
        slide = _slide(prs, title, t("export.kpis.lead", lang))
        table = Table(
            [t("export.col.kpi", lang), t("export.col.value", lang),
             t("export.col.definition", lang)],
            [[row.label, row.text, row.definition] for row in chunk],
        )
        add_table(slide, table, MARGIN, Inches(1.6), SLIDE_W - 2 * MARGIN, Inches(5.4), 11,
                  [0.22, 0.13, 0.65])
    if pack.by_institution is not None:
        slide = _slide(prs, t("export.kpis.by_institution", lang))
        table = pack.by_institution
        share = 0.7 / (len(table.headers) - 1)
        add_table(slide, table, MARGIN, Inches(1.2), SLIDE_W - 2 * MARGIN, Inches(5.8), 10,
                  [0.3] + [share] * (len(table.headers) - 1))


def _map_slide(prs, pack: Pack) -> None:
    section = pack.map_section
    slide = _slide(prs, section.title, section.lead)
    if not pack.map_counts:
        _text_box(slide, MARGIN, Inches(3.2), SLIDE_W - 2 * MARGIN, Inches(1), pack.no_data,
                  20, colour=GREY, align=PP_ALIGN.CENTER)
        return
    width = SLIDE_W - 2 * MARGIN
    picture = slide.shapes.add_picture(io.BytesIO(map_png(pack)), MARGIN, Inches(1.7),
                                       width=width)
    if picture.top + picture.height > SLIDE_H:  # keep the map on the slide
        picture.height = SLIDE_H - picture.top - Inches(0.1)
        picture.width = int(picture.height * 10 / 4.3)
        picture.left = int((SLIDE_W - picture.width) / 2)


def _section_slides(prs, pack: Pack) -> None:
    top = Inches(1.7)
    height = SLIDE_H - top - Inches(0.3)
    for section in pack.sections:
        if section.charts:
            slide = _slide(prs, section.title, section.lead)
            count = len(section.charts)
            gap = Inches(0.3)
            width = int((SLIDE_W - 2 * MARGIN - gap * (count - 1)) / count)
            for i, chart in enumerate(section.charts):
                add_chart(slide, chart, MARGIN + i * (width + gap), top, width, height,
                          pack.no_data)
        if section.key in ("agreements", "visits") and section.table is not None:
            _table_slides(prs, pack, section)


def _table_slides(prs, pack: Pack, section) -> None:
    table = section.table
    title = section.title if section.key == "visits" else t("export.renewals.title", pack.lang)
    rows = table.rows[:TABLE_ROWS_PER_SLIDE]
    lead = section.lead if section.key == "visits" else (table.note if rows else "")
    slide = _slide(prs, title, lead)
    if not rows:
        _text_box(slide, MARGIN, Inches(3.2), SLIDE_W - 2 * MARGIN, Inches(1),
                  table.note or pack.no_data,
                  20, colour=GREY, align=PP_ALIGN.CENTER)
        return
    widths = None
    if table.widths:
        widths = [w / sum(table.widths) for w in table.widths]
    add_table(slide, Table(table.headers, rows), MARGIN, Inches(1.7),
              SLIDE_W - 2 * MARGIN, Inches(0.35) * (len(rows) + 1), 11, widths)
    total = table.total_rows or len(table.rows)
    if total > len(rows):
        note = t("export.table.more", pack.lang, n=len(rows), total=total)
        _text_box(slide, MARGIN, SLIDE_H - Inches(0.6), SLIDE_W - 2 * MARGIN, Inches(0.4),
                  note, 11, colour=GREY)


def write_pptx(path, report: dict, scoped_tables: dict[str, pd.DataFrame], lang: str = "en",
               public: bool = False) -> Path:
    """Write the evidence pack as .pptx to path."""
    tables = public_tables(scoped_tables, lang) if public else scoped_tables
    pack = build_pack(report, tables, lang, public)
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    _title_slide(prs, pack)
    _kpi_slides(prs, pack)
    _map_slide(prs, pack)
    _section_slides(prs, pack)
    path = Path(path)
    prs.save(path)
    return path
