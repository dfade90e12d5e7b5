"""Phone size (390 x 844) in real Chromium: the report page, Compare and the downloaded HTML report
fit the screen's width (no horizontal scrolling) and no chart title is covered by anything.

The report is reached the way a person with a saved file reaches it: a complete result file over
every vetting checklist is uploaded under "Continue from a saved file", which opens the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scoring import export, load_folder, report, results
from tests.conftest import QUESTIONNAIRES
from tests.e2e.conftest import settle, shot

BUILTIN = load_folder(QUESTIONNAIRES)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
CONTEXT = "harm_reduction"
VETTING = [i for i, inst in BUILTIN.items()
           if "vetting" in inst.spec.audiences and CONTEXT in inst.spec.contexts]


def answer(inst, item, careful: bool):
    """A complete answer to every kind of question: the best-scoring one, or the worst."""
    pick = max if careful else min
    if item.type == "yes_no":
        good = "yes" if item.points.yes >= item.points.no else "no"
        return good if careful else {"yes": "no", "no": "yes"}[good]
    if item.type == "choice":
        scored = [o for o in item.options if o.points is not None] or item.options
        return pick(scored, key=lambda o: o.points or 0).value
    if item.type == "multi":
        return [item.options[0].value]
    if item.type == "likert":
        points = item.options if item.options is not None else inst.spec.scales[item.scale]
        return pick(p.value for p in points)
    if item.type == "number":
        return item.min if item.min is not None else 0
    return None  # free text is never required



def result_bytes(label: str, careful_share: float) -> bytes:
    """A complete vetting result over every checklist: the first ``careful_share`` of each
    checklist's questions answered carefully, the rest with the worst answer."""
    answers = {}
    for inst_id in VETTING:
        items = list(BUILTIN[inst_id].items.values())
        cut = round(len(items) * careful_share)
        answers[inst_id] = {info.spec.id: a for k, info in enumerate(items)
                            if (a := answer(BUILTIN[inst_id], info.spec, k < cut)) is not None}
    content = results.build({i: BUILTIN[i] for i in VETTING}, answers, kind="vetting", context=CONTEXT,
                            label=label)
    return results.dumps(content)


def overflow(page) -> dict:
    """How far the page can scroll sideways: the document and Streamlit's own scrolling box."""
    return page.evaluate("""() => {
        const main = document.querySelector('[data-testid=stMain]');
        return {doc: document.documentElement.scrollWidth, inner: window.innerWidth,
                main: main ? main.scrollWidth - main.clientWidth : 0};
    }""")


def assert_fits(page, where: str) -> None:
    o = overflow(page)
    assert o["doc"] <= o["inner"] and o["main"] <= 0, f"{where} scrolls sideways: {o}"


def covered_titles(page) -> list[str]:
    """Plotly chart titles that another element of the chart (toolbar, legend, a bar's text, an axis
    label) overlaps, or that run past the chart's right edge."""
    return page.evaluate("""() => {
        const out = [];
        const meets = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1
                                && b.top < a.bottom - 1;
        for (const plot of document.querySelectorAll('.js-plotly-plot')) {
            const box = plot.getBoundingClientRect();
            for (const title of plot.querySelectorAll('.g-gtitle text')) {
                const t = title.getBoundingClientRect();
                if (t.right > box.right + 1 || t.left < box.left - 1) out.push('cut: ' + title.textContent);
                const others = plot.querySelectorAll('.modebar, .legend, .bartext, .xtick text, .ytick text, '
                                                     + '.g-xtitle text, .g-ytitle text, .annotation');
                for (const o of others) {
                    const r = o.getBoundingClientRect();
                    if (r.width && r.height && o.getClientRects().length && meets(t, r)
                        && getComputedStyle(o).visibility !== 'hidden')
                        out.push(title.textContent + ' / ' + (o.className.baseVal || o.className) + ' '
                                 + o.textContent.slice(0, 40));
                }
            }
        }
        return out;
    }""")


def overlapping_texts(page) -> list[str]:
    """Pairs of texts in one Plotly chart (title, labels, ticks, legend, bar texts) drawn over each other."""
    return page.evaluate("""() => {
        const out = [];
        for (const plot of document.querySelectorAll('.js-plotly-plot')) {
            const texts = [...plot.querySelectorAll('.g-gtitle text, .annotation-text, .xtick text, .ytick text, '
                                                    + '.legendtext, .bartext, .g-xtitle text, .g-ytitle text')]
                .filter(e => e.textContent && e.getBoundingClientRect().width > 0);
            for (const [k, a] of texts.entries()) {
                const r = a.getBoundingClientRect();
                for (const b of texts.slice(k + 1)) {
                    const o = b.getBoundingClientRect();
                    if (r.left < o.right - 1 && o.left < r.right - 1 && r.top < o.bottom - 1 && o.top < r.bottom - 1)
                        out.push(a.textContent.slice(0, 30) + ' / ' + b.textContent.slice(0, 30));
                }
            }
        }
        return out;
    }""")


def squeezed_bars(page, least: int) -> list[str]:
    """Horizontal-bar Plotly charts whose plotting area is narrower than ``least`` pixels."""
    return page.evaluate("""(least) => {
        const out = [];
        for (const plot of document.querySelectorAll('.js-plotly-plot')) {
            const area = plot.querySelector('.cartesianlayer .bg, .draglayer .nsewdrag');
            if (!area) continue;
            const w = area.getBoundingClientRect().width;
            if (w < least) out.push((plot.querySelector('.g-gtitle text') || {}).textContent + ': ' + w);
        }
        return out;
    }""", least)


def cut_labels(page) -> list[str]:
    """Axis labels, legend entries and bar texts that run outside their chart."""
    return page.evaluate("""() => {
        const out = [];
        for (const plot of document.querySelectorAll('.js-plotly-plot')) {
            const box = plot.getBoundingClientRect();
            for (const el of plot.querySelectorAll('.xtick text, .ytick text, .legendtext, .g-xtitle text')) {
                const r = el.getBoundingClientRect();
                if (r.width && (r.left < box.left - 1 || r.right > box.right + 1 || r.bottom > box.bottom + 1))
                    out.push(el.textContent);
            }
        }
        return out;
    }""")


def open_report(page, server, folder: Path, lang: str, name: str) -> None:
    path = folder / "saved.json"
    path.write_bytes(result_bytes("Guide with a long name for a phone", 0.7))
    page.goto(f"{server}/vet?lang={lang}")
    page.locator("[data-testid=stMain] [data-testid=stExpander] summary").first.wait_for(timeout=30000)
    page.locator("[data-testid=stMain] [data-testid=stExpander] summary").first.click()
    page.locator("[data-testid=stMain] input[type=file]").first.set_input_files(str(path))
    page.locator(".js-plotly-plot .g-gtitle").first.wait_for(timeout=60000)
    settle(page)
    page.wait_for_timeout(1000)
    shot(page, folder, name)


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True,
                                  accept_downloads=True)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_report_page_fits_a_phone(phone, server, tmp_path, lang):
    open_report(phone, server, tmp_path, lang, f"report-phone-{lang}")
    assert_fits(phone, "the report")
    assert not covered_titles(phone)
    assert not squeezed_bars(phone, 200), "the score bars are squeezed by the checklist names"
    assert not cut_labels(phone)
    assert not overlapping_texts(phone)
    print(f"screenshots in {tmp_path}")


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_compare_fits_a_phone(phone, server, tmp_path, lang):
    files = []
    for k, (label, share) in enumerate((("Guide A, the first one we spoke to", 0.9),
                                        ("Guide B, recommended by a friend", 0.5),
                                        ("Guide C", 0.2))):
        path = tmp_path / f"guide-{k}.json"
        path.write_bytes(result_bytes(label, share))
        files.append(str(path))
    phone.goto(f"{server}/compare?lang={lang}")
    phone.locator('input[type="file"]').first.set_input_files(files)
    phone.locator(".js-plotly-plot .g-gtitle").first.wait_for(timeout=60000)
    settle(phone)
    phone.wait_for_timeout(1000)
    shot(phone, tmp_path, f"compare-phone-{lang}")
    assert_fits(phone, "Compare")
    assert not covered_titles(phone)
    assert not cut_labels(phone)
    assert not overlapping_texts(phone), overlapping_texts(phone)
    # the table of differences: the compared files are its columns, and it fits its box (no column
    # hidden behind a sideways scroll)
    frame = phone.locator('[data-testid="stMain"] :is([data-testid="stDataFrame"], [data-testid="stTable"])').first
    frame.wait_for(timeout=30000)
    box = frame.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, box
    inner = frame.evaluate("e => [e.scrollWidth, e.clientWidth, (e.querySelector('table') || e).scrollWidth]")
    assert inner[0] <= inner[1] and inner[2] <= inner[1], f"the table scrolls sideways in its box: {inner}"
    header = frame.locator("th, [role=columnheader]").all_inner_texts()
    for label in ("Guide A", "Guide B", "Guide C"):
        assert any(label in h for h in header), header
    print(f"screenshots in {tmp_path}")


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_downloaded_html_report_fits_a_phone(phone, tmp_path, lang):
    file, answers, _ = results.parse(result_bytes("Guide with a long name for a phone", 0.6), BUILTIN)
    scored = results.rescore(file, answers, BUILTIN)
    rep = report.build(BUILTIN, scored, audience="vetting", lang=lang)
    html = export.report_html(rep, title="GuideCheck", label=file.label, date="2026-11-22", context=CONTEXT)
    path = tmp_path / f"report-{lang}.html"
    path.write_bytes(html)
    phone.goto(path.as_uri())
    phone.locator("svg").first.wait_for(timeout=30000)
    phone.screenshot(path=str(tmp_path / f"html-phone-{lang}.png"), full_page=True)
    assert_fits(phone, "the HTML report")
    # every text of every chart inside the chart's box, none over another, none smaller than 10 px
    problems = phone.evaluate("""() => {
        const out = [];
        for (const chart of document.querySelectorAll('svg')) {
            const box = chart.getBoundingClientRect();
            const texts = [...chart.querySelectorAll('text')];
            for (const [k, el] of texts.entries()) {
                const r = el.getBoundingClientRect();
                if (r.left < box.left - 1 || r.right > box.right + 1) out.push('outside: ' + el.textContent);
                if (r.height < 10) out.push('too small (' + r.height.toFixed(1) + ' px): ' + el.textContent);
                for (const other of texts.slice(k + 1)) {
                    const o = other.getBoundingClientRect();
                    if (r.left < o.right - 1 && o.left < r.right - 1 && r.top < o.bottom - 1 && o.top < r.bottom - 1)
                        out.push('overlap: ' + el.textContent + ' / ' + other.textContent);
                }
            }
        }
        return out;
    }""")
    assert not problems, problems
    print(json.dumps({"screenshots": str(tmp_path)}))
