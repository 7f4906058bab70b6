"""One colour scheme and one layout for every chart, map and export."""

from __future__ import annotations

import copy
import functools
import pickle

import plotly.graph_objects as go

# The app's primary colour (.streamlit/config.toml) leads every single-series chart.
PRIMARY = "#1f5fa8"
MUTED = "#8c96a3"

# Okabe-Ito based: distinguishable with colour-blindness and on a washed-out projector.
CATEGORICAL = [
    "#1f5fa8",  # blue
    "#e07b00",  # orange
    "#009e73",  # green
    "#cc79a7",  # pink
    "#56b4e9",  # sky
    "#d55e00",  # vermilion
    "#f0c400",  # yellow
    "#6b4c9a",  # purple
    "#7f7f7f",  # grey
]

# Home institutions, in the order of the institutions table: ten told apart at a glance;
# beyond ten, the institutions with fewest links share OTHER_INSTITUTIONS_COLOR (legend).
INSTITUTION_COLORS = ["#1f5fa8", "#e07b00", "#009e73", "#cc79a7", "#6b4c9a",
                      "#56b4e9", "#d55e00", "#f0c400", "#8c564b", "#17becf"]
OTHER_INSTITUTIONS_COLOR = "#8c96a3"

PARTNER_TYPE_COLORS = {
    "university": "#1f5fa8",
    "research_center": "#56b4e9",
    "hospital": "#d55e00",
    "foundation": "#009e73",
    "company": "#6b4c9a",
    "government": "#f0c400",
    "association": "#cc79a7",
    "other": "#7f7f7f",
}

DIRECTION_COLORS = {"incoming": "#1f5fa8", "outgoing": "#e07b00"}
# Remote visits: the same hue, lighter (so direction still reads first).
DIRECTION_MODE_COLORS = {
    ("incoming", "in_person"): "#1f5fa8",
    ("incoming", "remote"): "#8fb3dd",
    ("outgoing", "in_person"): "#e07b00",
    ("outgoing", "remote"): "#f3bd80",
}
MODE_COLORS = {"in_person": "#1f5fa8", "remote": "#8fb3dd"}

AGREEMENT_STATUS_COLORS = {
    "active": "#009e73",
    "planned": "#56b4e9",
    "expired": "#8c96a3",
    "terminated": "#d55e00",
}
GRANT_STATUS_COLORS = {
    "applied": "#56b4e9",
    "awarded": "#1f5fa8",
    "active": "#009e73",
    "completed": "#005f46",
    "rejected": "#8c96a3",
}

# Sequential scale for choropleths: sand to ochre (RGB). A different hue from the
# partner points (blue, orange, green...) so they stand out, readable on a projector.
SEQUENTIAL_RGB = [
    (246, 232, 195),
    (236, 210, 150),
    (222, 184, 107),
    (200, 150, 70),
    (168, 117, 42),
]
NO_DATA_RGB = (226, 229, 233)
OCEAN_RGB = (233, 242, 250)
BORDER_RGB = (255, 255, 255)

FONT_FAMILY = "Source Sans Pro, Arial, sans-serif"


def hex_to_rgb(color: str) -> tuple[int, int, int]:
    """``"#1f5fa8"`` -> ``(31, 95, 168)``."""
    color = color.lstrip("#")
    return int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16)



# Plotly's decimal and thousands separators per interface language (as i18n.fmt writes them).
SEPARATORS = {"en": ".,", "ru": ",\u00a0", "uz": ",\u00a0"}


def _merge(into: dict, update: dict, *, copy_values: bool = True) -> dict:
    """``into`` updated like plotly's ``update_layout``: nested dicts merge, the rest replaces.

    ``copy_values=False``: ``update``'s dicts are taken as they are (the caller built them
    for this one figure, so no copy is needed).
    """
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value, copy_values=copy_values)
        else:
            into[key] = copy.deepcopy(value) if copy_values and isinstance(value, dict) else value
    return into


def _plain_copy(value: object) -> object:
    """A deep copy of plain figure data (dicts, lists, numbers, text): what ``deepcopy``
    returns, quicker (pickle copies in C; docs/performance.md)."""
    return pickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


class Figure(go.Figure):
    """A ``go.Figure`` whose ``to_dict`` (what ``st.plotly_chart`` and ``plotly.io`` call)
    copies the figure with ``_plain_copy`` rather than ``deepcopy`` and leaves the template
    out of the copy and of the typed-array walk: the same dict, with less Python work
    per chart (most of it the template; docs/performance.md)."""

    def to_dict(self) -> dict:
        from _plotly_utils.utils import convert_to_base64

        layout = {key: value for key, value in self._layout.items() if key != "template"}
        res = {"data": _plain_copy(self._data), "layout": _plain_copy(layout)}
        frames = _plain_copy([frame._props for frame in self._frame_objs])
        if frames:
            res["frames"] = frames
        # numpy arrays to plotly's typed arrays, as plotly's own to_dict does; the
        # template (plain lists and text) is left out of that walk and shared, not
        # copied: nothing downstream writes into it.
        convert_to_base64(res)
        if "template" in self._layout:
            res["layout"]["template"] = self._layout["template"]
        return res


@functools.lru_cache(maxsize=1)
def _template_json() -> dict:
    """Plotly's "plotly_white" template as plain JSON (resolved once, not per figure)."""
    import plotly.io as pio

    return pio.templates["plotly_white"].to_plotly_json()


def _style_layout(layout: dict, *, presenting: bool, height: int | None, lang: str | None) -> dict:
    """``layout`` with the shared style merged in; its ``template`` is a placeholder (``{}``)
    that ``make_figure`` fills with the template once the figure is built."""
    base = 18 if presenting else 14
    style: dict = {}
    if lang:
        style["separators"] = SEPARATORS.get(lang, SEPARATORS["en"])
    style.update(
        template={},
        font={"family": FONT_FAMILY, "size": base, "color": "#1b1f24"},
        title={"font": {"size": base + 4}},
        margin={"l": 10, "r": 10, "t": 50 if (layout.get("title") or {}).get("text") else 20, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
        hoverlabel={"font": {"size": base}},
        colorway=list(CATEGORICAL),
    )
    if height:
        style["height"] = height
    # Like fig.update_xaxes / update_yaxes: every x (y) axis of the layout, at least the first.
    for prefix in ("xaxis", "yaxis"):
        names = [k for k in layout if k == prefix or (k.startswith(prefix) and k[len(prefix):].isdigit())]
        for name in names or [prefix]:
            style[name] = {"automargin": True, "title": {"font": {"size": base}}, "tickfont": {"size": base - 1}}
    # Every dict of ``style`` is new and used once: merged without copies.
    return _merge(layout, style, copy_values=False)


_SCALARS = {str, int, float, bool, type(None)}


def _without_lists(trace: dict, path: tuple = ()) -> tuple[dict, list[tuple[tuple, list]]]:
    """``trace`` with every list (in it or its nested dicts) an empty placeholder, and
    the lists taken out (by their key path) as the figure's own copies."""
    skeleton: dict = {}
    lists: list[tuple[tuple, list]] = []
    for key, value in trace.items():
        if isinstance(value, list) and value:
            skeleton[key] = []
            scalar = set(map(type, value)) <= _SCALARS
            lists.append(((*path, key), list(value) if scalar else _plain_copy(value)))
        elif isinstance(value, dict):
            skeleton[key], inner = _without_lists(value, (*path, key))
            lists.extend(inner)
        else:
            skeleton[key] = value
    return skeleton, lists


def make_figure(
    traces: list[dict], layout: dict, *, presenting: bool = False, height: int | None = None,
    lang: str | None = None,
) -> go.Figure:
    """A styled Figure from plain trace and layout dicts (the shared layout applied).

    Plotly validates every property it is given, which is most of a small chart's
    cost (docs/performance.md); the builders here only pass known-good values,
    so the figure is built without that check. It is switched back on afterwards, so a
    later ``update_layout`` by a caller validates as usual. The template is built into
    the figure as an empty placeholder and filled in afterwards (plotly would copy it
    twice while building), with the figure's own copy of it.
    """
    layout = _style_layout(layout, presenting=presenting, height=height, lang=lang)
    # The traces' lists (a value per bar or point) are put in after building too: plotly
    # deep-copies every element of them (most of a timeline's build).
    skeletons, arrays = zip(*(_without_lists(trace) for trace in traces), strict=True) if traces else ((), ())
    fig = Figure(data=list(skeletons), layout=layout, _validate=False)
    fig._layout["template"] = _plain_copy(_template_json())
    for props, lists in zip(fig._data, arrays, strict=True):
        for path, values in lists:
            place = props
            for key in path[:-1]:
                place = place[key]
            place[path[-1]] = values
    fig._validate = True
    fig.layout._validate = True
    for trace in fig.data:
        trace._validate = True
    return fig


