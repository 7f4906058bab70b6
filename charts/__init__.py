"""Chart builders: frames in, plotly Figure / pydeck Deck out (no streamlit).

One colour scheme (``charts.theme``) for every chart and map.
"""

from charts.bars import bar_chart, line_chart
from charts.maps import country_map, institution_legend, partner_map, partner_type_legend
from charts.timeline import undated_visits, visit_spans, visit_timeline

__all__ = [
    "bar_chart",
    "country_map",
    "institution_legend",
    "line_chart",
    "partner_map",
    "partner_type_legend",
    "undated_visits",
    "visit_spans",
    "visit_timeline",
]
