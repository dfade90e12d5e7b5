"""Plotly figures for reports, comparisons and self-audit trends (no Streamlit here)."""

from __future__ import annotations

import plotly.graph_objects as go

from .i18n import t
from .report import Report

COLOURS = {"critical": "#b3261e", "concerns": "#e8710a", "partial": "#f2c230", "meets": "#2e7d32",
           "incomplete": "#9e9e9e", "none": "#5c6bc0"}
FONT = dict(family="Source Sans Pro, Arial, sans-serif", size=14)


def _banded(report: Report):
    for s in report.summaries:
        if s.descriptive:
            continue
        main = next((b for b in (s.scores.get("total"),) if b is not None), None)
        yield s, main


def scores_chart(report: Report) -> go.Figure | None:
    """One bar per instrument with bands: its main score (0-100), coloured by its verdict."""
    rows = list(_banded(report))
    if not rows:
        return None
    lang = report.language
    names = [s.title for s, _ in rows]
    values = [v if v is not None else 0 for _, v in rows]
    text = [f"{v:.0f}% · {t('level.' + s.level, lang)}" if v is not None else t("level.incomplete", lang)
            for s, v in rows]
    fig = go.Figure(go.Bar(x=values, y=names, orientation="h", text=text, textposition="auto",
                           marker_color=[COLOURS.get(s.level, COLOURS["none"]) for s, _ in rows],
                           hovertemplate="%{y}: %{x:.1f}%<extra></extra>"))
    fig.update_layout(title=t("chart.scores", lang), xaxis=dict(range=[0, 100], title=t("chart.percent", lang)),
                      yaxis=dict(autorange="reversed", automargin=True), height=120 + 42 * len(rows),
                      margin=dict(l=10, r=10, t=50, b=40), font=FONT, plot_bgcolor="white")
    fig.update_xaxes(gridcolor="#e0e0e0")
    return fig


def alliance_chart(report: Report) -> go.Figure | None:
    """The alliance profile: mean per dimension on the 1-5 scale, descriptive (no pass mark)."""
    profile = next((s for s in report.summaries if s.descriptive), None)
    if profile is None or all(v is None for v in profile.scores.values()):
        return None
    lang = report.language
    ids = list(profile.scores)
    fig = go.Figure(go.Bar(x=[profile.score_labels[i] for i in ids], y=[profile.scores[i] for i in ids],
                           text=[f"{profile.scores[i]:.2f}" if profile.scores[i] is not None else "–" for i in ids],
                           textposition="auto", marker_color=COLOURS["none"]))
    fig.update_layout(title=t("chart.alliance", lang), yaxis=dict(range=[1, 5], dtick=1), height=320,
                      margin=dict(l=10, r=10, t=50, b=40), font=FONT, plot_bgcolor="white")
    fig.update_yaxes(gridcolor="#e0e0e0")
    return fig


def compare_chart(series: dict[str, dict[str, float | None]], titles: dict[str, str], lang: str) -> go.Figure:
    """Grouped bars: for each instrument, one bar per compared result (label -> {instrument: score})."""
    fig = go.Figure()
    instruments = [i for i in titles if any(i in scores for scores in series.values())]
    for label, scores in series.items():
        fig.add_trace(go.Bar(name=label, x=[titles[i] for i in instruments],
                             y=[scores.get(i) for i in instruments]))
    fig.update_layout(barmode="group", title=t("chart.compare", lang), yaxis=dict(title=t("chart.percent", lang),
                      range=[0, 100]), height=420, margin=dict(l=10, r=10, t=50, b=80), font=FONT,
                      plot_bgcolor="white", legend=dict(orientation="h", y=-0.25))
    fig.update_yaxes(gridcolor="#e0e0e0")
    return fig


def trend_chart(points: list[tuple[str, str, float | None]], lang: str) -> go.Figure:
    """Self-audit progress: (date, instrument title, score) points, one line per instrument."""
    fig = go.Figure()
    for title in dict.fromkeys(p[1] for p in points):
        mine = sorted((p for p in points if p[1] == title), key=lambda p: p[0])
        fig.add_trace(go.Scatter(name=title, x=[p[0] for p in mine], y=[p[2] for p in mine], mode="lines+markers"))
    fig.update_layout(title=t("chart.trend", lang), yaxis=dict(title=t("chart.percent", lang), range=[0, 100]),
                      height=420, margin=dict(l=10, r=10, t=50, b=40), font=FONT, plot_bgcolor="white")
    fig.update_yaxes(gridcolor="#e0e0e0")
    return fig
