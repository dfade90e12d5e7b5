"""One report model, two renderers (issue 13): the Streamlit page and the HTML file show the same
sections of ``report.layout``, in the same order, with the same values, so that they cannot drift
apart again (the HTML summary once lacked the bands column the page had)."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

import pytest
from streamlit.testing.v1 import AppTest

from scoring import export, report
from tests.test_package import wheel  # noqa: F401 - the built wheel, a fixture
from tests.test_results_report_export import BUILTIN, careful_answers, score


def _report(case: str, lang: str) -> report.Report:
    if case == "vetting":  # a critical flag, points not cleared, warning signs, questions, every checklist
        answers = {i: careful_answers(i) for i in BUILTIN if i != "working-alliance"}
        answers["working-alliance"] = {f"wa_{d}_{k}": 4 for d in ("goal", "task", "bond") for k in range(1, 5)}
        answers["red-flags"]["rf_intake"] = "no"
        answers["aftercare"] = dict(answers["aftercare"], aft_follow_up="no")
        return report.build(BUILTIN, score(answers), lang=lang)
    answers = {"aftercare": dict(careful_answers("aftercare"), aft_crisis_plan="no", aft_follow_up="no",
                                 aft_emergency_call="unsure")}
    return report.build(BUILTIN, score(answers, audience="self_audit"), audience="self_audit", lang=lang)


CASES = [("vetting", "en"), ("vetting", "nl"), ("self_audit", "en"), ("self_audit", "nl")]


def values(section: object) -> list[str]:
    """Every text and number a section shows, in order (walking its dataclass fields)."""
    skip = {"anchor", "tone", "severity", "empty_tone", "folded", "expanded", "fold_label"}
    out: list[str] = []

    def walk(value: object) -> None:
        if dataclasses.is_dataclass(value):
            for f in dataclasses.fields(value):
                if f.name not in skip:
                    walk(getattr(value, f.name))
        elif isinstance(value, (tuple, list)):
            for v in value:
                walk(v)
        elif isinstance(value, (str, int)) and not isinstance(value, bool) and str(value):
            out.append(str(value))

    walk(section)
    return out


def in_order(text: str, wanted: list[str]) -> None:
    """Each of ``wanted`` in ``text``, each after the one before."""
    at = 0
    for w in wanted:
        found = text.find(w, at)
        assert found >= 0, f"{w!r} missing or out of order after {text[max(0, at - 80):at]!r}"
        at = found + len(w)


class _Text(HTMLParser):
    """The page's text (without the SVG charts and the style sheet) and its h2 headings."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.h2: list[str] = []
        self.skip, self.in_h2 = 0, False

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("svg", "style")
        self.in_h2 = tag == "h2"

    def handle_endtag(self, tag):
        self.skip -= tag in ("svg", "style")
        self.in_h2 = self.in_h2 and tag != "h2"

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)
            if self.in_h2:
                self.h2.append(data)


def html_text(rep: report.Report) -> _Text:
    parser = _Text()
    parser.feed(export.report_html(rep, title="Report", label="", date="d", context="harm_reduction").decode())
    return parser


def _page_script() -> None:
    import streamlit as st

    from app_pages import report_view

    rep = st.session_state["rep"]
    for section in rep.sections:
        report_view.RENDERERS[type(section)](section, rep)


def page_text(rep: report.Report) -> tuple[str, list[str]]:
    """The page's text in document order (the item table shown) and its headers."""
    at = AppTest.from_function(_page_script, default_timeout=60)
    at.session_state["rep"] = rep
    at.query_params["lang"] = rep.language
    at.run()
    at.toggle[0].set_value(True).run()
    assert not at.exception
    parts, headers, stack = [], [], [at._tree]
    while stack:
        node = stack.pop()
        kind = getattr(node, "type", None)
        if kind == "header":
            headers.append(node.value)
        if kind == "dataframe":
            parts.extend(str(c) for c in node.value.columns)
            parts.extend(str(c) for row in node.value.itertuples(index=False) for c in row)
        elif kind in ("expander", "toggle"):
            parts.append(str(node.label))
        elif kind not in ("radio",) and isinstance(getattr(node, "value", None), str):
            parts.append(node.value)
        stack.extend(reversed(list(getattr(node, "children", {}).values())))
    text = "\n".join(parts).replace("\u200b", "")
    return re.sub(r"\\(.)", r"\1", text).replace("  \n", "\n"), headers


@pytest.mark.parametrize(("case", "lang"), CASES)
def test_page_and_html_show_the_same_sections_in_the_same_order_with_the_same_values(case, lang):
    rep = _report(case, lang)
    kinds = [type(s).__name__ for s in rep.sections]
    assert kinds[:3] == ["Verdict", "Note", "Counts"] and kinds[-3:] == ["Scores", "Items", "Crisis"]
    if case == "vetting":
        assert kinds.index("Flags") < kinds.index("Unverified") < kinds.index("Questions")  # critical first
    else:
        assert "Actions" in kinds
    wanted = [v for s in rep.sections if not isinstance(s, report.Crisis) for v in values(s)]
    assert len(wanted) > 100

    html = html_text(rep)
    in_order(" ".join(html.parts), wanted)
    assert html.h2 == [s.heading for s in rep.sections if hasattr(s, "heading")]

    text, headers = page_text(rep)
    in_order(text, [re.sub(r"  +", " ", v) for v in wanted])
    assert headers == [s.heading for s in rep.sections if hasattr(s, "heading")
                       and not isinstance(s, (report.Items, report.Crisis))]  # a toggle and a box there


def test_the_summary_table_has_the_bands_in_both_renderers():
    rep = _report("vetting", "en")
    scores = next(s for s in rep.sections if isinstance(s, report.Scores))
    assert scores.table.head[-1] == "Bands"
    staffing = next(r for r in scores.table.rows if r[0].startswith("Staffing"))
    assert "≥" in staffing[-1]
    assert "<th>Bands</th>" in export.report_html(rep, title="t", label="", date="d", context="unknown").decode()


def test_a_score_is_written_the_same_everywhere():
    assert report.format_score(41.6, "percent") == "42%" and report.format_score(41.6, "mean_percent") == "42%"
    assert report.format_score(3.456, "mean") == "3.46" and report.format_score(None, "percent") == "–"
    rep = _report("vetting", "en")
    scores = next(s for s in rep.sections if isinstance(s, report.Scores))
    for summary, row in zip(rep.summaries, scores.table.rows, strict=True):
        for k, v in summary.scores.items():
            assert f"{summary.score_labels[k]}: {report.format_score(v, summary.method[k])}" in row[1]


def test_the_wheel_carries_the_report_templates(wheel):  # noqa: F811 - the fixture imported above
    """The HTML report is drawn from templates inside the package (package data, pyproject.toml)."""
    import zipfile

    from tests.conftest import ROOT

    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"scoring/templates/{p.name}" for p in (ROOT / "scoring" / "templates").glob("*.j2")} <= names
    assert "scoring/templates/report.html.j2" in names
