"""Every user- or file-supplied string is shown as plain text: in Markdown (the pages), in Plotly
(charts, the HTML report's charts) and in the HTML report. One payload list goes through all of
them; the pages and Chromium get the same list in tests/app/test_hostile.py and tests/e2e/."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd
import pytest
from markdown_it import MarkdownIt

from scoring import charts, export, plaintext, report, score_response
from tests.conftest import base_spec

PAYLOADS = [
    "<a href='http://evil.invalid/a'>click</a>",
    "<b>bold</b><br>next<i>it</i><sup>2</sup>",
    "![x](http://evil.invalid/p.png)",
    "[link](http://evil.invalid) [ref][1]\n\n[1]: http://evil.invalid",
    "bare http://evil.invalid/x www.evil.invalid me@evil.invalid",
    ":material/home: :smile: :red[colour] :streamlit:",
    "**strong** _em_ ~~strike~~ `code` <u>u</u>",
    "Title\n===\n# heading\n> quote\n- item\n1. one",
    "$x^2$ and $$y$$",
    "A\u202eevil\u202c B\u2066x\u2069 zero\u200bwidth\u200d\ufeff\u200e",
    "&lt;b&gt;entity&lt;/b&gt; &#x202E; &amp;",
    "<img src=http://evil.invalid/i.png onerror=alert(1)>",
    "| a | b |\n|---|---|\n| c | d |",
    "%{x} <extra>x</extra>",
]
INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\u200c-\u200f\ufeff]")  # U+200B is ours
FORMATTING = re.compile(r"<(?!/?(?:p|br ?/?)>)[a-z/!]", re.I)  # any tag but <p> and <br />


def rendered_markdown(source: str) -> str:
    """HTML from CommonMark with HTML, tables and strikethrough on (as in GitHub's Markdown)."""
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(source)


def assert_plain_markdown(source: str) -> None:
    out = rendered_markdown(source)
    assert not FORMATTING.search(out), out
    for raw in ("http://evil", "www.evil", "@evil", ":material/", ":smile:", ":red[", ":streamlit:"):
        assert raw not in out, (raw, out)  # broken by a zero-width space: autolinks and icons need them whole
    assert not re.search(r"(?<!\\)\$", source), source  # every $ escaped: no LaTeX
    assert not INVISIBLE.search(out), out


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_is_plain(payload):
    assert_plain_markdown(plaintext.markdown(payload))
    visible = re.sub(r"\s+", "", INVISIBLE.sub("", payload))
    shown = re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", rendered_markdown(plaintext.markdown(payload))))
    assert shown.replace("\u200b", "") == __import__("html").escape(visible, quote=False).replace(
        "\u200b", ""), "the text itself is kept"


def plotly_strings(fig) -> list[str]:
    """Every string Plotly would draw: trace names, categories, texts, titles."""
    spec = fig if isinstance(fig, dict) else fig.to_dict()
    out = []

    def walk(node, key=""):
        if isinstance(node, dict):
            for k, v in node.items():
                if k not in ("hovertemplate", "template", "type", "orientation", "textposition", "barmode"):
                    walk(v, k)
        elif isinstance(node, (list, tuple)):
            for v in node:
                walk(v, key)
        elif isinstance(node, str):
            out.append(node)

    walk(spec.get("data", []))
    walk(spec.get("layout", {}))
    return out


def assert_plain_plotly(fig) -> None:
    strings = plotly_strings(fig)
    for s in strings:
        assert "<" not in s and ">" not in s, s
        assert "$" not in s, s
        assert not INVISIBLE.search(s), repr(s)
        assert not re.search(r"&(?!(?:lt|gt|amp|#36);)", s), s  # only the entities we wrote


@pytest.fixture
def hostile(load):
    def make(payload: str):
        spec = base_spec(title=payload, scores=[
            {"id": "total", "label": payload, "items": ["q1", "q2", "q3"], "method": "percent"}])
        spec["sections"][0]["items"][1]["text"] = payload
        spec["sections"][0]["items"][0]["flag"]["message"] = payload
        inst = load(spec)
        result = score_response(inst, {"q1": "no", "q2": 5, "q3": 1})
        return inst, report.build({"tiny": inst}, {"tiny": result})
    return make


@pytest.mark.parametrize("payload", PAYLOADS)
def test_charts_show_every_supplied_text_as_plain_text(payload, hostile):
    inst, rep = hostile(payload)
    assert_plain_plotly(charts.scores_chart(rep))
    assert_plain_plotly(charts.compare_chart({payload: {"tiny": 50.0}, "b": {"tiny": 60.0}}, {"tiny": payload}, "en"))
    assert_plain_plotly(charts.trend_chart([(payload, payload, 40.0), ("2026-01-01", payload, 50.0)], "en"))
    bins = pd.DataFrame({"low": [0.0], "high": [1.0], "n": [3]})
    assert_plain_plotly(charts.histogram(bins, payload, "en"))
    means = pd.DataFrame({"group": [payload], "total_mean": [50.0], "total_ci_low": [40.0],
                          "total_ci_high": [60.0], "n": [12]})
    assert_plain_plotly(charts.provider_means(means, "total", payload, "en"))
    shares = pd.DataFrame({"item": ["q2", "q2"], "value": [1.0, 5.0], "share": [0.5, 0.5]})
    assert_plain_plotly(charts.diverging(shares, {"q2": payload}, "en"))
    flags = pd.DataFrame({"flag_id": [payload], "share": [0.5], "n": [12], "severity": ["critical"]})
    assert_plain_plotly(charts.flag_bars(flags, "en"))


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs, self.in_script = [], [], False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs


def _report_tags(rep, payload: str) -> tuple[str, _Tags]:
    page = export.report_html(rep, title=payload, label=payload, date=payload, context="unknown",
                              figures=[charts.scores_chart(rep)]).decode()
    parser = _Tags()
    parser.feed(re.sub(r"<script>.*?</script>", "<script></script>", page, flags=re.S))
    return page, parser


@pytest.mark.parametrize("payload", PAYLOADS)
def test_html_report_shows_every_supplied_text_as_plain_text(payload, hostile):
    page, parser = _report_tags(hostile(payload)[1], payload)
    _, plain = _report_tags(hostile("Plain words")[1], "Plain words")
    assert set(parser.tags) <= set(plain.tags)  # the report's own markup, nothing from the payload
    assert not any(name in ("href", "src", "onerror") for name, _ in parser.attrs)
    assert not INVISIBLE.search(page)
    assert "<svg" in page, "the chart is in the page (static SVG, its texts escaped like the rest)"
