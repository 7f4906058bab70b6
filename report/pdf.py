"""The evidence pack as a printable A4 PDF (fpdf2): KPI table with definitions, the
partner map, one section per topic with its chart and table. DejaVu Sans is embedded,
so Cyrillic and the Uzbek ʻ ʼ print. Example::

    write_pdf("pack.pdf", report_dict, apply_scope(ds.tables, scope), "en", public=False)
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from fpdf import FPDF  # noqa: E402
from fpdf.fonts import FontFace  # noqa: E402

from i18n import t  # noqa: E402
from report.pack import Chart, Pack, Table, build_pack, map_png, public_tables  # noqa: E402

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"  # DejaVu ships with matplotlib
FONT = "DejaVu"
NAVY = (31, 78, 121)
GREY = (89, 89, 89)
HEADER_FILL = (222, 232, 243)
SERIES_COLOURS = ("#1f4e79", "#e08e2b", "#4c9a6a", "#c0392b", "#7f7f7f", "#8e6cb5")
CHART_DPI = 200
BAR_CATEGORIES = 15  # a bar chart shows the top 15; the table below has them all
SIDE_BY_SIDE_CATEGORIES = 6


class PackPdf(FPDF):
    """A4 portrait with a footer line: pack title, as-of date, page number."""

    def __init__(self, pack: Pack) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.pack = pack
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=18)
        self.set_title(pack.title)
        self.set_creator("International cooperation dashboard")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(*GREY)
        left = f"{self.pack.title} · {t('export.as_of', self.pack.lang)} {self.pack.as_of}"
        self.cell(0, 5, left, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, t("export.page", self.pack.lang, n=self.page_no()), align="R")


def _heading(pdf: PackPdf, text: str, size: float = 15) -> None:
    pdf.set_font(FONT, "B", size)
    pdf.set_text_color(*NAVY)
    pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.set_text_color(0, 0, 0)


def _paragraph(pdf: PackPdf, text: str, size: float = 10, colour=GREY) -> None:
    pdf.set_font(FONT, "", size)
    pdf.set_text_color(*colour)
    pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)
    pdf.set_text_color(0, 0, 0)


def _table(pdf: PackPdf, table: Table, col_widths=None, size: float = 9,
           align: tuple[str, ...] | None = None) -> None:
    if not table.rows:
        _paragraph(pdf, table.note or pdf.pack.no_data)
        return
    pdf.set_font(FONT, "", size)
    columns = len(table.headers)
    if col_widths is None and table.widths:
        col_widths = table.widths
    if align is None:
        # Numbers right, text left: a column is numeric when every cell reads as one.
        align = tuple(
            "RIGHT" if all(_numeric(row[i]) for row in table.rows) else "LEFT"
            for i in range(columns)
        )
    with pdf.table(
        col_widths=col_widths, text_align=align, line_height=size * 0.5,
        headings_style=FontFace(emphasis="BOLD", fill_color=HEADER_FILL),
        borders_layout="HORIZONTAL_LINES", padding=1, first_row_as_headings=True,
    ) as grid:
        for cells in [table.headers] + table.rows:
            row = grid.row()
            for text in cells:
                row.cell(str(text))
    pdf.ln(2)
    if table.note:
        _paragraph(pdf, table.note, 8.5)


def _numeric(text: str) -> bool:
    cleaned = str(text).replace("\u202f", "").replace(",", "").replace(" !", "").strip()
    try:
        float(cleaned)
    except ValueError:
        return False
    return True


def chart_png(chart: Chart, width_in: float = 7.5, height_in: float = 3.2) -> bytes:
    """The chart drawn with matplotlib (the PDF's static twin of the native pptx chart)."""
    categories, series = chart.categories, chart.series
    if chart.kind in ("bar", "stacked_bar") and len(categories) > BAR_CATEGORIES:
        categories = categories[:BAR_CATEGORIES]
        series = [(name, values[:BAR_CATEGORIES]) for name, values in series]
    fig, ax = plt.subplots(figsize=(width_in, height_in), dpi=CHART_DPI)
    try:
        if chart.kind == "pie":
            values = series[0][1]
            total = sum(values)
            kept = [(c, v) for c, v in zip(categories, values, strict=True) if v]
            ax.pie(
                [v for _, v in kept], labels=[c for c, _ in kept],
                colors=SERIES_COLOURS[: len(kept)],
                autopct=(lambda p: f"{p:.1f} %") if chart.percent else
                (lambda p: f"{round(p * total / 100):d}"),
                startangle=90, counterclock=False, textprops={"fontsize": 9},
                wedgeprops={"edgecolor": "white"},
            )
            ax.set_aspect("equal")
        elif chart.kind == "line":
            for i, (name, values) in enumerate(series):
                ax.plot(categories, values, marker="o", color=SERIES_COLOURS[i], label=name)
                for x, y in zip(categories, values, strict=True):
                    ax.annotate(f"{y:g}", (x, y), textcoords="offset points", xytext=(0, 5),
                                ha="center", fontsize=8)
            ax.set_ylim(bottom=0, top=max(v for _, vs in series for v in vs) * 1.2 or 1)
        else:
            horizontal = chart.kind in ("bar", "stacked_bar")
            stacked = chart.kind == "stacked_bar"
            positions = list(range(len(categories)))
            count = len(series)
            width = 0.8 if stacked else 0.8 / count
            base = [0.0] * len(categories)
            for i, (name, values) in enumerate(series):
                offsets = positions if stacked else [
                    p - 0.4 + width * (i + 0.5) for p in positions
                ]
                draw = ax.barh if horizontal else ax.bar
                keyword = {"left": base} if horizontal else {"bottom": base}
                bars = draw(offsets, values, width, color=SERIES_COLOURS[i % 6], label=name,
                            **(keyword if stacked else {}))
                if not stacked:
                    ax.bar_label(bars, labels=[f"{v:g}" if v else "" for v in values],
                                 fontsize=8, padding=2)
                base = [b + v for b, v in zip(base, values, strict=True)]
            # Fewer than 4 bars: keep room for 4, so one bar is not a slab.
            spare = max(0, 4 - len(categories)) / 2
            limits = (-0.5 - spare, len(categories) - 0.5 + spare)
            if horizontal:
                ax.set_yticks(positions, categories, fontsize=8)
                ax.set_ylim(limits[1], limits[0])  # the largest first, as in the tables
                ax.xaxis.get_major_locator().set_params(integer=True)
            else:
                ax.set_xticks(positions, categories, fontsize=8)
                ax.set_xlim(*limits)
                ax.yaxis.get_major_locator().set_params(integer=True)
        if chart.kind != "pie":
            ax.spines[["top", "right"]].set_visible(False)
            ax.tick_params(labelsize=8)
            if len(series) > 1:
                # Above the plot, right-aligned, so it never covers a bar.
                ax.legend(fontsize=8, frameon=False, ncol=len(series), loc="lower left",
                          bbox_to_anchor=(0.0, 1.0), borderaxespad=0.2, handlelength=1.2,
                          columnspacing=1.0)
        # With a legend above the plot, the title sits one line higher.
        pad = 20 if chart.kind != "pie" and len(series) > 1 else 6
        ax.set_title(chart.title, fontsize=10, fontweight="bold", loc="left", pad=pad)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        plt.close(fig)


def _chart(pdf: PackPdf, chart: Chart) -> None:
    if chart.empty:
        pdf.set_font(FONT, "B", 10)
        pdf.cell(0, 6, chart.title, new_x="LMARGIN", new_y="NEXT")
        _paragraph(pdf, pdf.pack.no_data)
        return
    height_in = 3.2
    if chart.kind in ("bar", "stacked_bar"):
        height_in = max(2.2, min(BAR_CATEGORIES, len(chart.categories)) * 0.32 + 1.0)
    width_mm = pdf.epw
    height_mm = width_mm * height_in / 7.5
    if pdf.get_y() + height_mm > pdf.page_break_trigger:
        pdf.add_page()
    pdf.image(io.BytesIO(chart_png(chart, 7.5, height_in)), x=pdf.l_margin, w=width_mm)
    pdf.ln(2)


def _chart_pair(pdf: PackPdf, charts: list[Chart]) -> None:
    """Two small charts side by side (each 3.7 x 3 inches)."""
    gap = 4
    width_mm = (pdf.epw - gap) / 2
    height_mm = width_mm * 3.0 / 3.7
    if pdf.get_y() + height_mm > pdf.page_break_trigger:
        pdf.add_page()
    top = pdf.get_y()
    for i, chart in enumerate(charts):
        x = pdf.l_margin + i * (width_mm + gap)
        if chart.empty:
            pdf.set_xy(x, top + 2)
            pdf.set_font(FONT, "B", 10)
            pdf.cell(width_mm, 6, chart.title)
            pdf.set_xy(x, top + 12)
            pdf.set_font(FONT, "", 10)
            pdf.set_text_color(*GREY)
            pdf.multi_cell(width_mm, 5, pdf.pack.no_data, align="C")
            pdf.set_text_color(0, 0, 0)
        else:
            pdf.image(io.BytesIO(chart_png(chart, 3.7, 3.0)), x=x, y=top, w=width_mm)
    pdf.set_xy(pdf.l_margin, top + height_mm + 2)


def _title_page(pdf: PackPdf, pack: Pack) -> None:
    lang = pack.lang
    pdf.add_page()
    _heading(pdf, pack.title, 20)
    pdf.set_font(FONT, "B", 12)
    for name in pack.institutions or [t("export.scope.all", lang)]:
        pdf.cell(0, 6.5, name, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    lines = [(t("export.as_of", lang), pack.as_of), (t("export.generated", lang), pack.generated)]
    _table(pdf, Table([t("export.scope", lang), ""], [list(r) for r in lines + pack.scope_lines]),
           col_widths=(35, 145), align=("LEFT", "LEFT"))
    if pack.public:
        _paragraph(pdf, t("export.public_note", lang), 9)
    pdf.ln(2)
    _heading(pdf, t("export.kpis.title", lang), 14)
    _paragraph(pdf, t("export.kpis.lead", lang), 9)
    _table(
        pdf,
        Table([t("export.col.kpi", lang), t("export.col.value", lang),
               t("export.col.definition", lang)],
              [[row.label, row.text, row.definition] for row in pack.kpis]),
        col_widths=(42, 26, 112), size=8, align=("LEFT", "RIGHT", "LEFT"),
    )
    if pack.by_institution is not None:
        if pdf.get_y() > pdf.h * 0.6:
            pdf.add_page()
        _heading(pdf, t("export.kpis.by_institution", lang), 12)
        columns = len(pack.by_institution.headers) - 1
        _table(pdf, pack.by_institution, col_widths=(60,) + (120 / columns,) * columns, size=8)


def _map_page(pdf: PackPdf, pack: Pack) -> None:
    pdf.add_page()
    _heading(pdf, pack.map_section.title)
    _paragraph(pdf, pack.map_section.lead)
    if not pack.map_counts:
        _paragraph(pdf, pack.no_data)
        return
    pdf.image(io.BytesIO(map_png(pack, width_px=2400)), x=pdf.l_margin, w=pdf.epw)
    pdf.ln(3)


def _section(pdf: PackPdf, section) -> None:
    # A new page when less than a third of the page is left, so a heading never sits
    # alone at the bottom.
    if pdf.get_y() > pdf.h * 0.6:
        pdf.add_page()
    else:
        pdf.ln(4)
    _heading(pdf, section.title)
    _paragraph(pdf, section.lead)
    small = [c for c in section.charts if c.kind in ("pie", "column", "line")
             or len(c.categories) <= SIDE_BY_SIDE_CATEGORIES]
    if len(section.charts) == 2 and len(small) == 2:
        _chart_pair(pdf, section.charts)
    else:
        for chart in section.charts:
            _chart(pdf, chart)
    if section.table is not None:
        _table(pdf, section.table, size=8.5)
    total = section.table.total_rows if section.table is not None else None
    if total is not None and total > len(section.table.rows) and not section.table.note:
        _paragraph(pdf, t("export.table.more", pdf.pack.lang, n=len(section.table.rows),
                          total=total), 8.5)


def write_pdf(path, report: dict, scoped_tables: dict[str, pd.DataFrame], lang: str = "en",
              public: bool = False) -> Path:
    """Write the evidence pack as an A4 PDF to path."""
    tables = public_tables(scoped_tables, lang) if public else scoped_tables
    pack = build_pack(report, tables, lang, public)
    pdf = PackPdf(pack)
    _title_page(pdf, pack)
    _map_page(pdf, pack)
    for section in pack.sections:
        _section(pdf, section)
    path = Path(path)
    pdf.output(str(path))
    return path
