"""Plotly figures for reports, comparisons and self-audit trends (no Streamlit here). Every text
from a person or a file (titles, labels, legends, categories) goes through ``plain``: Plotly
reads HTML-like tags in any text."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from .i18n import t
from .plaintext import clean
from .plaintext import plotly as plain
from .report import PERCENT_METHODS, TONE_COLOURS, InstrumentSummary, Report, format_score
from .svg import DARK


def _layout(title: str, height: int, **extra: object) -> dict:
    """Layout given whole to the Figure constructor: several times cheaper than update_layout,
    which parses every property path (measured: 1.9 ms against 7.4 ms for the score chart)."""
    layout = dict(title=dict(text=title), height=height, margin=dict(l=10, r=10, t=50, b=40), font=FONT,
                  plot_bgcolor="white")
    layout.update(extra)
    return layout


COLOURS = TONE_COLOURS
FONT = dict(family="Source Sans Pro, Arial, sans-serif", size=14)


# Bars with their labels above them (a phone's 390 px cannot spare a column of long checklist
# names beside the bars). Sizes in pixels: the chart's height follows the number of rows.
BAR_PX, LINE_PX, GAP_PX, WRAP = 22, 17, 16, 40
TOP_PX, BOTTOM_PX = 46, 44


def _lines(text: str) -> list[str]:
    """A label in at most two lines of WRAP characters (Plotly cannot wrap text by itself, and a
    line break would be markup); a longer one ends in an ellipsis, the full text is in the hover."""
    lines = textwrap.wrap(clean(text).replace("\n", " "), WRAP) or [""]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), WRAP, placeholder=" …")]
    return lines


def _labelled_rows(labels: list[str], bars_per_row: int = 1) -> tuple[dict, list[dict], float]:
    """``labels`` as given (each line is made plain here, after wrapping: an escaped entity is never split).
    The y axis, the label annotations and the bar width (in axis units) for horizontal bars with
    each row's label written above its bar(s): the labels take the whole width, the bars too."""
    wrapped = [_lines(label) for label in labels]
    text_px = LINE_PX * max(len(w) for w in wrapped)
    bars_px = _bars_px(bars_per_row)
    pitch = text_px + bars_px + GAP_PX
    annotations = []
    for row, lines in enumerate(wrapped):
        for k, line in enumerate(lines):  # each line its own annotation, the last one just above the bars
            annotations.append(dict(text=plain(line), x=0, xref="paper", xanchor="left", y=row, yref="y",
                                    yanchor="bottom", yshift=bars_px / 2 + 2 + LINE_PX * (len(lines) - 1 - k),
                                    showarrow=False, font=dict(size=13, color="#222"), align="left"))
    # the rows sit one unit apart; the top row's labels need room above it
    axis = dict(range=[len(labels) - 0.5, -0.5 - text_px / pitch], showticklabels=False, showgrid=False,
                zeroline=False, fixedrange=True)
    return axis, annotations, bars_px / pitch


def _bars_px(bars_per_row: int) -> int:
    return BAR_PX if bars_per_row == 1 else 16 * bars_per_row  # grouped bars are thinner


def _height(labels: list[str], bars_per_row: int = 1, bottom: int = BOTTOM_PX) -> int:
    """The chart's height in pixels: one row unit (labels, bars, gap) per label, and room for the top
    row's labels, so that every row keeps its pixel size whatever the number of rows."""
    text_px = LINE_PX * max(len(_lines(x)) for x in labels)
    return TOP_PX + bottom + len(labels) * (text_px + _bars_px(bars_per_row) + GAP_PX) + text_px


def scores_chart(report: Report) -> dict | None:
    """One bar per instrument: its main score (0-100), coloured by its verdict, its name above it.

    Returned as a plain figure dict: st.plotly_chart validates it once; building a go.Figure
    first would validate it twice on every report render."""
    rows = [(s, s.main) for s in report.summaries if not s.descriptive]
    if not rows:
        return None
    lang = report.language
    percent = all(s.main_method in PERCENT_METHODS for s, _ in rows)
    titles = [s.title for s, _ in rows]
    values = [v if v is not None else 0 for _, v in rows]
    top = 100.0 if percent else max(values + [1.0])
    text = [_bar_label(s, v, lang) for s, v in rows]
    hover = [_bar_hover(s, v, label, lang) for (s, v), label in zip(rows, text, strict=True)]
    yaxis, annotations, width = _labelled_rows(titles)
    colours = [COLOURS.get(s.level, COLOURS["none"]) for s, _ in rows]
    inside = [v >= top * 0.55 for v in values]  # inside a long bar, beside a short one: never cut off
    bar = dict(type="bar", x=values, y=list(range(len(rows))), orientation="h", text=text, width=width,
               textposition=["inside" if k else "outside" for k in inside], insidetextanchor="end",
               textfont=dict(size=12, color=_text_colours(inside, colours)),
               cliponaxis=False, constraintext="none", marker=dict(color=colours),
               customdata=hover, hovertemplate="%{customdata}<extra></extra>")
    axis_title = dict(title=dict(text=t("chart.percent", lang), font=dict(size=12))) if percent else {}
    return dict(data=[bar], layout=_layout(
        t("chart.scores", lang), _height(titles), annotations=annotations,
        margin=dict(l=10, r=24, t=TOP_PX, b=BOTTOM_PX), bargap=0, showlegend=False,  # r: the "100" tick
        xaxis=dict(range=[0, top], gridcolor="#e0e0e0", fixedrange=True, **axis_title),
        yaxis=yaxis))


def _bar_label(s: InstrumentSummary, value: float | None, lang: str) -> str:
    """The short verdict beside the score (the full wording is in the hover and in the table below)."""
    if value is None:
        return t("level." + ("unverified" if s.level == "unverified" else "incomplete"), lang)
    return format_score(value, s.main_method) + f" · {t('level.' + s.level, lang)}"


def _bar_hover(s: InstrumentSummary, value: float | None, label: str, lang: str) -> str:
    name = plain(s.title)
    if value is None:
        return f"{name}: {label}"
    return f"{name}: {format_score(value, s.main_method)} · {plain(s.verdict_label) or t('level.' + s.level, lang)}"


def _text_colours(inside: list[bool], colours: list[str]) -> list[str]:
    """Dark text, white only inside a bar of a dark fill (contrast of at least 4.5:1, as in the SVG charts)."""
    return ["#fff" if k and c.lower() in DARK else "#222" for k, c in zip(inside, colours, strict=True)]


def alliance_chart(report: Report) -> dict | None:
    """The alliance profile: mean per dimension on the 1-5 scale, descriptive (no pass mark).
    A plain figure dict, like scores_chart."""
    profile = next((s for s in report.summaries if s.descriptive), None)
    if profile is None or all(v is None for v in profile.scores.values()):
        return None
    lang = report.language
    ids = list(profile.scores)
    bar = dict(type="bar", x=[plain(profile.score_labels[i]) for i in ids], y=[profile.scores[i] for i in ids],
               text=[format_score(profile.scores[i], profile.method[i]) for i in ids],
               textposition="auto", marker=dict(color=COLOURS["none"]))
    return dict(data=[bar], layout=_layout(t("chart.alliance", lang), 320,
                                           yaxis=dict(range=[1, 5], dtick=1, gridcolor="#e0e0e0")))


def compare_chart(series: dict[str, dict[str, float | None]], titles: dict[str, str], lang: str,
                  methods: Mapping[str, str | None] | None = None) -> go.Figure:
    """For each instrument, one bar per compared result (label -> {instrument: score}), grouped
    under the instrument's name; the legend (one entry per file) below the axis. Each score is
    written as the report writes it (``format_score`` with the instrument's method in ``methods``;
    a percentage where no method is given); the axis runs 0-100 only when every score is a percentage."""
    methods = methods or {}
    instruments = [i for i in titles if any(i in scores for scores in series.values())]
    # neutral colours, one per file: red or green would read as a verdict the file may not have
    palette = ["#1f5fa8", "#5c6bc0", "#00838f", "#6d4c41", "#8e24aa", "#546e7a"]
    raw = [titles[i] for i in instruments] or [""]
    names = [plain(name) for name in raw]
    yaxis, annotations, width = _labelled_rows(raw, bars_per_row=len(series))
    bars = [go.Bar(name=plain(label), x=[scores.get(i) for i in instruments], y=list(range(len(instruments))),
                   orientation="h", marker_color=palette[k % len(palette)], textposition="outside",
                   text=["" if scores.get(i) is None else format_score(scores[i], methods.get(i, "percent"))
                         for i in instruments],
                   textfont=dict(size=11, color="#222"), cliponaxis=False, constraintext="none",
                   customdata=[f"{plain(label)} · {name}: {format_score(scores.get(i), methods.get(i, 'percent'))}"
                               for i, name in zip(instruments, names, strict=False)],
                   hovertemplate="%{customdata}<extra></extra>")
            for k, (label, scores) in enumerate(series.items())]
    # the legend lists the files one under the other, below the axis (a row of long file names would
    # run off a phone's screen); the space it needs is kept free below the plot
    legend_px = 22 * len(series) + 8
    percent = all(methods.get(i, "percent") in PERCENT_METHODS for i in instruments)
    top = max([v for scores in series.values() for v in scores.values() if v is not None] + [1.0]) * 1.15
    return go.Figure(data=bars, layout=_layout(
        t("chart.compare", lang), _height(raw, len(series), BOTTOM_PX + legend_px),
        barmode="group", bargap=1 - width, bargroupgap=0, annotations=annotations,
        margin=dict(l=10, r=36, t=TOP_PX, b=BOTTOM_PX + legend_px),  # room for "100%" beside a bar
        xaxis=dict(title=dict(text=t("chart.percent", lang) if percent else "", font=dict(size=12)),
                   range=[0, 100.0 if percent else top], gridcolor="#e0e0e0", fixedrange=True),
        yaxis=yaxis,
        legend=dict(orientation="v", x=0, xanchor="left", y=0, yref="container", yanchor="bottom",
                    font=dict(size=13))))


def trend_chart(points: list[tuple[str, str, float | None]], lang: str) -> go.Figure:
    """Self-audit progress: (date, instrument title, score) points, one line per instrument."""
    lines = []
    for title in dict.fromkeys(p[1] for p in points):
        mine = sorted((p for p in points if p[1] == title), key=lambda p: p[0])
        lines.append(go.Scatter(name=plain(title), x=[plain(p[0]) for p in mine], y=[p[2] for p in mine],
                                mode="lines+markers"))
    return go.Figure(data=lines, layout=_layout(t("chart.trend", lang), 420, yaxis=dict(
        title=dict(text=t("chart.percent", lang)), range=[0, 100], gridcolor="#e0e0e0")))


def per_day(frame: pd.DataFrame, lang: str) -> go.Figure:
    bar = go.Bar(x=[str(d) for d in frame["date"]], y=frame["n"], marker_color=COLOURS["none"])
    return go.Figure(data=[bar], layout=_layout(t("research.over_time", lang), 300, xaxis=dict(type="category")))


def histogram(bins: pd.DataFrame, label: str, lang: str) -> go.Figure:
    """Counts per bin (computed beforehand): the chart carries 20 bars, not every value."""
    centres = (bins["low"] + bins["high"]) / 2
    bar = go.Bar(x=centres, y=bins["n"], width=(bins["high"] - bins["low"]) * 0.95, marker_color=COLOURS["none"],
                 customdata=bins[["low", "high"]], hovertemplate="%{customdata[0]:.2f}–%{customdata[1]:.2f}: "
                 "%{y}<extra></extra>")
    return go.Figure(data=[bar], layout=_layout(t("research.distribution", lang, score=plain(label)), 300))


def provider_means(table: pd.DataFrame, score_id: str, label: str, lang: str) -> go.Figure:
    shown = table[table[f"{score_id}_mean"].notna()]
    mean = shown[f"{score_id}_mean"]
    bar = go.Bar(x=[plain(g) for g in shown["group"].astype(str)], y=mean, marker_color=COLOURS["none"],
                 error_y=dict(type="data", symmetric=False, array=shown[f"{score_id}_ci_high"] - mean,
                              arrayminus=mean - shown[f"{score_id}_ci_low"]),
                 customdata=shown["n"], hovertemplate="%{x}: %{y:.2f} (n=%{customdata})<extra></extra>")
    return go.Figure(data=[bar], layout=_layout(f"{t('research.by_provider', lang)}: {plain(label)}", 340))


def diverging(shares: pd.DataFrame, labels: dict[str, str], lang: str) -> go.Figure:
    """Diverging stacked bars: points below the scale's middle extend left, above it right, each
    side stacked outward from zero; the middle point is split evenly across zero."""
    fig = go.Figure()
    if shares.empty:
        return fig
    values = sorted(shares["value"].dropna().unique())
    middle = (values[0] + values[-1]) / 2
    palette = dict(zip(values, _scale_colours(len(values)), strict=True))
    items = list(dict.fromkeys(shares["item"]))
    names = [plain(labels.get(i, i)) for i in items]

    def share(value: float) -> pd.Series:
        return shares[shares["value"] == value].set_index("item").reindex(items)["share"].fillna(0)

    # Each segment gets an explicit base (no reliance on Plotly's stacking order): the middle
    # point is centred on zero, and each side is laid outward from it, nearest points first.
    centre = share(middle) if middle in values else pd.Series(0.0, index=items)
    if middle in values:
        fig.add_trace(go.Bar(y=names, x=centre, base=-centre / 2, orientation="h", marker_color=palette[middle],
                             name=f"{middle:g}", legendrank=middle))
    for side, ordered in ((-1, sorted((v for v in values if v < middle), reverse=True)),
                          (1, sorted(v for v in values if v > middle))):
        reach = centre / 2
        for v in ordered:
            part = share(v)
            start = reach if side > 0 else -(reach + part)
            fig.add_trace(go.Bar(y=names, x=part, base=start, orientation="h", marker_color=palette[v],
                                 name=f"{v:g}", legendrank=v))
            reach = reach + part
    fig.update_layout(_layout(t("research.likert", lang), 140 + 34 * len(items), barmode="overlay",
                              xaxis=dict(tickformat=".0%", range=[-1, 1]),
                              yaxis=dict(autorange="reversed", automargin=True),
                              legend=dict(orientation="h", y=-0.15, traceorder="normal")))
    return fig


def _scale_colours(n: int) -> list[str]:
    """Red through grey to green, for n scale points."""
    if n == 5:
        return ["#b3261e", "#e8710a", "#bdbdbd", "#7cb342", "#2e7d32"]
    from plotly.colors import sample_colorscale

    return sample_colorscale("RdYlGn", [k / max(n - 1, 1) for k in range(n)])


def flag_bars(frame: pd.DataFrame, lang: str) -> go.Figure:
    bar = go.Bar(x=frame["share"], y=[plain(f) for f in frame["flag_id"]], orientation="h",
                 marker_color=[COLOURS.get("critical" if s == "critical" else "poor", "#999")
                               for s in frame["severity"]],
                 customdata=frame["n"], hovertemplate="%{y}: %{x:.1%} (n=%{customdata})<extra></extra>")
    return go.Figure(data=[bar], layout=_layout(
        t("research.flags", lang), 140 + 28 * len(frame),
        xaxis=dict(tickformat=".0%", title=dict(text=t("research.share", lang))),
        yaxis=dict(autorange="reversed", automargin=True)))
