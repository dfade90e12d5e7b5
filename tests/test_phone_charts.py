"""Charts that stay readable on a phone (390 px): labels above the bars instead of beside them,
a height that follows the number of bars, and SVG charts drawn at a phone's width."""

import re

from scoring import charts, export, load_folder, report, score_response, svg
from tests.conftest import QUESTIONNAIRES

BUILTIN = load_folder(QUESTIONNAIRES)
LONG = "Waarschuwingssignalen: het gesprek voordat je boekt, en alles wat daarna nog komt bij een begeleider"


def _report(ids, lang="en"):
    scored = {i: score_response(BUILTIN[i], {}, context="harm_reduction", audience="vetting") for i in ids}
    return report.build(BUILTIN, scored, lang=lang)


def test_score_chart_writes_names_above_the_bars_and_grows_with_them():
    few = charts.scores_chart(_report(["red-flags", "aftercare"]))
    many = charts.scores_chart(_report(["red-flags", "aftercare", "claims", "boundaries", "setting"]))
    assert many["layout"]["height"] > few["layout"]["height"]
    per_bar = (many["layout"]["height"] - few["layout"]["height"]) / 3
    assert per_bar >= charts.BAR_PX + charts.LINE_PX  # every bar keeps its size, not squeezed
    assert many["layout"]["yaxis"]["showticklabels"] is False  # no column of names beside the bars
    labels = [a["text"] for a in many["layout"]["annotations"]]
    assert set(labels) >= {BUILTIN[i].title("en") for i in ("aftercare", "claims", "setting")}


def test_a_long_name_is_wrapped_in_two_lines_and_its_full_text_is_in_the_hover():
    lines = charts._lines(LONG)
    assert len(lines) == 2 and all(len(x) <= charts.WRAP for x in lines) and lines[-1].endswith("…")
    fig = charts.compare_chart({"A": {"x": 40.0}, "B": {"x": 90.0}}, {"x": LONG}, "nl")
    assert [a.text for a in fig.layout.annotations] == lines
    assert LONG in fig.data[0].customdata[0]
    assert fig.layout.legend.orientation == "v" and fig.layout.yaxis.showticklabels is False


def test_svg_charts_are_drawn_at_a_phones_width_and_wrap_long_labels():
    rep = _report(["red-flags", "aftercare"], "nl")
    page = export.report_html(rep, title="R", label="", date="", context="unknown")
    assert f"viewBox='0 0 {svg.WIDTH} " in page.decode() and svg.WIDTH <= 370
    chart = svg.bars("T", [(LONG, 50.0, "#b3261e", "50%")])
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", chart)
    assert all(len(t) <= svg.WRAP for t in texts) and sum(t in LONG or t.endswith("…") for t in texts) >= 2
