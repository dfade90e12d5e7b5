"""Payloads in every place a person's or a file's text is shown, in real Chromium: an uploaded
instrument (its preview and its questions) and Compare (captions, the chart's legend and axis).
Nothing may become a link, an image, an icon, LaTeX, formatting, or a request elsewhere."""

from __future__ import annotations

import json

from tests.app.test_hostile import LABEL, PAYLOADS, hostile_instrument
from tests.e2e.conftest import settle, shot

# elements that only payload markup could create: our own texts use bold, italics and lists only
FORBIDDEN = ("[data-testid=stMain] :is(a[href*='evil.invalid'], a[href^='javascript'], img), .katex, "
             "[data-testid=stMarkdownContainer] :is(b, i, u, sup, blockquote, del, s, a:not([href^='#']), table, "
             "[data-testid=stIconMaterial], [data-testid=stIconEmoji]), [data-testid=stMarkdown] :is(h1, h2, h3), "
             ".plotly a, .plotly :is(.legend, .xaxislayer-above, .yaxislayer-above) tspan[style*='font-weight'], "
             ".plotly :is(.legend, .xaxislayer-above, .yaxislayer-above) tspan[style*='italic']")


def assert_nothing_rendered(page, requests: list[str]) -> None:
    found = page.locator(FORBIDDEN)
    assert found.count() == 0, [found.nth(k).evaluate("e => e.outerHTML")[:200] for k in range(found.count())]
    assert not [u for u in requests if "evil.invalid" in u]
    assert not page.dialogs
    body = page.inner_text("body")
    for ch in "\u202e\u2066\u200d\ufeff":
        assert ch not in body, repr(ch)


def result_file(label: str, answer: str) -> str:
    from tests.app.test_hostile import result_file as make

    return make(label, answer).decode()


def test_payloads_in_an_instrument_and_in_result_files_stay_plain_text(page, server, tmp_path):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    path = tmp_path / "payload.yaml"
    path.write_bytes(hostile_instrument())
    page.goto(f"{server}/instruments?lang=en")
    page.locator('input[type="file"]').set_input_files(str(path))
    page.get_by_text("The file is valid").wait_for(timeout=30000)
    settle(page)
    page.wait_for_timeout(800)
    shot(page, tmp_path, "payload-1-preview")
    body = page.inner_text("body").replace("\u200b", "")  # ours, inside addresses and shortcodes
    assert "<b>bold</b>" in body and "![x](http://evil" in body and ":material/home:" in body
    assert_nothing_rendered(page, requests)

    page.get_by_role("button", name="Use this instrument in this session").click()
    settle(page)
    page.goto(f"{server}/vet?lang=en")
    page.get_by_role("button", name="Start").wait_for(timeout=30000)
    shot(page, tmp_path, "payload-2-setup")
    assert_nothing_rendered(page, requests)

    files = []
    for k, (label, answer) in enumerate(((LABEL, "yes"), (PAYLOADS[2], "no"))):
        f = tmp_path / f"result-{k}.json"
        f.write_text(result_file(label, answer))
        files.append(str(f))
    broken = tmp_path / "<img src=http:⁄⁄evil.invalid⁄x.png>.json"
    broken.write_text("{broken")
    page.goto(f"{server}/compare?lang=en")
    page.locator('input[type="file"]').set_input_files([*files, str(broken)])
    page.locator(".plotly .legend").wait_for(timeout=30000)
    settle(page)
    page.wait_for_timeout(800)
    shot(page, tmp_path, "payload-3-compare")
    legend = page.locator(".plotly .legend").text_content()
    assert "<a href=" in legend and "$x^2$" in legend, legend
    assert_nothing_rendered(page, requests)
    print(json.dumps({"requests": len(requests), "screenshots": str(tmp_path)}))
