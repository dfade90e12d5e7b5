"""AppTest of hostile input: uploads validated once, texts shown plain, files that crash parsers."""

from __future__ import annotations

import json
import re
import uuid
from urllib.parse import parse_qs

import pytest
from streamlit.testing.v1 import AppTest

import scoring.loader
from scoring import plaintext
from scoring.store import Store

# the pages' own helpers, not a copy
from tests.app.test_pages import APP, BUILTIN, _unknown, app, careful, shown, start, walk  # noqa: F401
from tests.conftest import base_spec, dump
from tests.test_plaintext import INVISIBLE, PAYLOADS, assert_plain_plotly, rendered_markdown


def test_an_uploaded_instrument_is_validated_once_not_on_every_rerun(monkeypatch):
    calls = []
    real = scoring.loader.build
    monkeypatch.setattr(scoring.loader, "build", lambda spec, *a, **k: calls.append(spec.id) or real(spec, *a, **k))
    unique = uuid.uuid4().hex[:8]  # a file the cache has not seen
    raw = (f"format: 1\nid: once-{unique}\nversion: 1.0.0\nlanguages: [en]\ntitle: Once\nsections:\n"
           "  - id: s\n    title: S\n    items:\n      - {id: q1, type: yes_no, text: Q?}\n").encode()
    at = app()
    at.switch_page("app_pages/instruments.py").run()
    at.get("file_uploader")[0].set_value(("once.yaml", raw, "application/yaml")).run()
    assert not at.exception and any("valid" in s.value.lower() for s in at.success)
    at.run()
    at.run()
    assert calls.count(f"once-{unique}") == 1


# --------------------------------------------------------------------------- payloads, shown plain

PAYLOAD = " ".join(PAYLOADS)
LABEL = " ".join(PAYLOADS[k] for k in (0, 5, 9, 8, 1))  # a result file's label is at most 200 characters
FORBIDDEN = re.compile(r"<(?:a|img|b|i|sup|u|h[1-6]|blockquote|del|s|iframe|script)[\s>/]", re.I)


def assert_page_plain(at: AppTest) -> None:
    """Every Markdown text on the page renders with no link, image, heading or payload markup,
    no bare address or icon shortcode left whole, no LaTeX and no invisible characters."""
    texts = [e.value for kind in ("markdown", "error", "warning", "info", "success", "caption", "title",
                                  "header", "subheader") for e in getattr(at, kind)]
    texts += [e.label for e in at.expander] + [w.label for w in at.radio] + [w.help or "" for w in at.radio]
    assert texts
    for source in texts:
        out = rendered_markdown(source)
        # the report's own summary links to its sections ("#critical"): no supplied text is in them
        out = re.sub(r'<a href="#[a-z]+">([^<]*)<strong>\d+</strong></a>', "", out)
        assert not FORBIDDEN.search(out), out
        for raw in ("http://evil", "www.evil", "@evil", ":material/", ":smile:", ":red[", ":streamlit:"):
            assert raw not in out, (raw, source)
        assert not re.search(r"(?<!\\)\$", source), source
        assert not INVISIBLE.search(source), repr(source)


def hostile_instrument() -> bytes:
    spec = base_spec(id="payload", title=PAYLOAD, description=PAYLOAD,
                     scores=[{"id": "total", "label": PAYLOAD, "items": ["q1", "q2", "q3"], "method": "percent"}])
    spec["sources"] = {"src": PAYLOAD}
    spec["scales"]["agree5"][0]["label"] = PAYLOAD
    section = spec["sections"][0]
    section["title"] = PAYLOAD
    section["items"][0].update(text=PAYLOAD, help=PAYLOAD)
    section["items"][0]["flag"]["message"] = PAYLOAD
    spec["bands"][0]["label"] = PAYLOAD
    return dump(spec).encode()


def test_an_uploaded_instrument_full_of_payloads_is_shown_as_plain_text():
    at = app()
    at.switch_page("app_pages/instruments.py").run()
    at.get("file_uploader")[0].set_value(("payload.yaml", hostile_instrument(), "application/yaml")).run()
    assert not at.exception and at.success, [e.value for e in at.error] + [c.value for c in at.code]
    assert_page_plain(at)
    at.button[-1].click().run()
    at.switch_page("app_pages/vet.py").run()
    at.multiselect[0].set_value(["payload"]).run()
    [b for b in at.button if b.label == "Start"][0].click().run()
    assert not at.exception
    assert_page_plain(at)


def result_file(label: str, answer: str) -> bytes:
    inst = BUILTIN["red-flags"]
    return json.dumps({"guidecheck_result": 1, "kind": "vetting", "context": "harm_reduction", "label": label,
                       "instruments": [{"id": "red-flags", "version": inst.version,
                                        "answers": {"rf_intake": answer}}]}).encode()


def test_compare_shows_result_labels_and_file_names_as_plain_text():
    at = app()
    at.switch_page("app_pages/compare.py").run()
    at.get("file_uploader")[0].set_value([(f"{PAYLOADS[0]}.json", result_file(LABEL, "yes"), "application/json"),
                                          ("b.json", result_file(PAYLOADS[2], "no"), "application/json"),
                                          (f"{PAYLOADS[5]}.json", b"{broken", "application/json")]).run()
    assert not at.exception
    assert_page_plain(at)
    chart = json.loads(_unknown(at, "plotly_chart")[0].proto.spec)
    assert_plain_plotly(chart)
    assert {d["name"] for d in chart["data"]} == {plaintext.plotly(LABEL), plaintext.plotly(PAYLOADS[2])}
    assert at.table  # the differences: static tables, the files as columns
    for frame in [*at.dataframe, *at.table]:
        assert not any(INVISIBLE.search(str(c)) for c in frame.value.columns)


def test_the_report_caption_shows_the_result_label_as_plain_text():

    at = start(app(), "vetting", ["red-flags"])
    at.session_state["flows"]["vetting"].label = PAYLOAD
    walk(at, "vetting", careful)
    assert any("evil" in c.value for c in at.caption), "the label is in the caption"
    assert_page_plain(at)


# --------------------------------------------------------------------------- provider codes


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'research.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("GUIDECHECK_RESEARCH_PASSWORD", "correct horse battery")
    store = Store(url)
    yield store
    store.dispose()


def create_study(providers: str) -> AppTest:
    at = app()
    at.switch_page("app_pages/research.py").run()
    at.text_input[0].set_value("correct horse battery")
    at.button[0].click().run()
    [w for w in at.text_input if w.label == "Title"][0].set_value("Pilot")
    at.multiselect[0].set_value(["working-alliance"])
    [w for w in at.text_area if w.label.startswith("Provider codes")][0].set_value(providers)
    [b for b in at.button if b.label == "Create study"][0].click().run()
    assert not at.exception
    return at


def test_provider_links_are_url_encoded_and_read_back_as_the_code(db):
    at = create_study("-2+3\nclinic a&b`#x\n")
    study = db.studies()[0]
    assert study.providers == sorted(["-2+3", "clinic a&b`#x"])
    links = [line for c in at.code for line in c.value.splitlines() if "&p=" in line]
    assert len(links) == 2 and "?study=" + study.code + "&p=-2%2B3" in links
    assert [parse_qs(link[1:])["p"][0] for link in links] == study.providers


def test_provider_codes_that_cannot_round_trip_are_refused(db):
    at = create_study("fine\nsneaky\u202eevil\n" + "x" * 81)
    assert not db.studies()
    message = " ".join(e.value for e in at.error)
    assert "cannot be used" in message and "sneaky" in message and "fine" not in message


# --------------------------------------------------------------------------- files that broke parsers

DEEP = b"[" * 100_000 + b"]" * 100_000
LONG_INT = b'{"guidecheck_result": 1, "kind": "vetting", "instruments": [{"id": "red-flags", "answers": ' \
           b'{"rf_intake": ' + b"9" * 5000 + b"}}]}"
LONG_INT_LABEL = b'{"guidecheck_result": ' + b"7" * 5000 + b', "kind": "vetting"}'


def self_audit_report_in_dutch() -> AppTest:
    at = walk(start(app(), "self_audit", ["aftercare"], "harm_reduction"), "self_audit", careful)
    at.query_params["lang"] = "nl"
    return at.run()


@pytest.mark.parametrize("raw", [DEEP, LONG_INT_LABEL], ids=["nested-100000", "5000-digits"])
def test_resume_compare_and_trend_refuse_hostile_json_in_the_pages_language(raw, caplog):
    caplog.set_level("INFO", logger="guidecheck")
    at = app()  # (AppTest cannot set a Dutch page's radios: Resume in English)
    at.switch_page("app_pages/vet.py").run()
    at.get("file_uploader")[0].set_value(("deep.json", raw, "application/json")).run()
    assert not at.exception
    assert any("not a GuideCheck result file" in shown(e.value) for e in at.error), [e.value for e in at.error]

    at = app("nl")
    at.switch_page("app_pages/compare.py").run()
    at.get("file_uploader")[0].set_value([("a.json", raw, "application/json"),
                                          ("b.json", raw, "application/json")]).run()
    assert not at.exception
    assert sum("geen resultaatbestand" in e.value for e in at.error) == 2

    at = self_audit_report_in_dutch()
    uploader = next(u for u in at.get("file_uploader"))
    uploader.set_value([("jan.json", raw, "application/json")]).run()
    assert not at.exception
    assert any("geen resultaatbestand" in e.value for e in at.error)
    assert any("result file refused" in r.getMessage() for r in caplog.records if r.name == "guidecheck")


def test_a_5000_digit_answer_is_refused_and_a_4000_digit_one_left_out():
    at = app()
    at.switch_page("app_pages/compare.py").run()
    at.get("file_uploader")[0].set_value([("a.json", LONG_INT, "application/json"),
                                          ("b.json", result_file("B", "yes"), "application/json"),
                                          ("c.json", LONG_INT.replace(b"9" * 5000, b"9" * 4000),
                                           "application/json")]).run()
    assert not at.exception
    assert any("a.json" in shown(e.value) and "not a GuideCheck result file" in shown(e.value) for e in at.error)
    assert any("c.json" in shown(c.value) and "rf_intake" in shown(c.value) for c in at.caption)


def test_resume_with_150000_unknown_questions_says_so_once():
    answers = {f"x{k}": 1 for k in range(150_000)} | {"rf_intake": "yes"}
    raw = json.dumps({"guidecheck_result": 1, "kind": "vetting", "instruments": [
        {"id": "red-flags", "version": BUILTIN["red-flags"].version, "answers": answers}]},
        separators=(",", ":")).encode()
    assert len(raw) > 1_500_000
    at = app()
    at.switch_page("app_pages/vet.py").run()
    at.get("file_uploader")[0].set_value(("many.json", raw, "application/json")).run()
    assert not at.exception
    notes = [w.value for w in at.warning if "no longer exist" in shown(w.value)]
    assert len(notes) == 1 and "150,000" in shown(notes[0]), [w.value for w in at.warning][:3]


# --------------------------------------------------------------------------- researcher login


def login(at: AppTest, given: str) -> AppTest:
    at.text_input[0].set_value(given)
    at.button[0].click().run()
    return at


def test_a_short_researcher_password_keeps_research_mode_off(monkeypatch, caplog):
    monkeypatch.setenv("GUIDECHECK_RESEARCH_PASSWORD", " ")
    at = app()
    at.switch_page("app_pages/research.py").run()
    assert not at.exception and not at.text_input and not at.tabs
    assert any("at least 12 characters" in e.value for e in at.error)
    monkeypatch.setenv("GUIDECHECK_RESEARCH_PASSWORD", "short pass")
    at.run()
    assert not at.text_input and any("at least 12" in e.value for e in at.error)


def test_wrong_passwords_are_logged_and_back_off_even_the_right_one(db, monkeypatch, caplog):
    from app_pages import research_access
    from app_pages.throttle import LoginThrottle

    frozen = LoginThrottle(clock=lambda: 5000.0)  # no time passes
    monkeypatch.setattr(research_access, "THROTTLE", frozen)
    caplog.set_level("WARNING", logger="guidecheck")
    at = app()
    at.switch_page("app_pages/research.py").run()
    for _ in range(3):
        login(at, "wrong guess")
        assert any("not right" in e.value for e in at.error)
    login(at, "correct horse battery")
    assert not at.tabs and any("Try again in 1 seconds" in e.value for e in at.error)
    failed = [r.getMessage() for r in caplog.records if r.name == "guidecheck" and "login failed" in r.getMessage()]
    assert len(failed) == 3 and "3 wrong in a row" in failed[-1]
    assert not any("wrong guess" in r.getMessage() or "correct horse" in r.getMessage() for r in caplog.records)
    frozen.clock = lambda: 5001.0
    login(at, "correct horse battery")
    assert at.tabs


# --------------------------------------------------------------------------- the participant's key


@pytest.mark.parametrize("sub", ["x" * 65, "../../etc", "ABCDEF" * 6, ""])
def test_a_submission_key_the_server_never_makes_is_replaced_at_the_door(db, sub):
    study = db.create_study("S", ["working-alliance"])
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["study"] = study.code
    at.query_params["sub"] = sub
    at.run()
    assert not at.exception and not at.success  # never "thanks" for a key that cannot exist
    at.checkbox(key="consent").check().run()
    [b for b in at.button if b.label == "Start"][0].click().run()
    assert "sub" not in at.query_params  # removed from the link: the key lives in this session and browser
    key = at.session_state["participant"][study.code].key
    assert re.fullmatch(r"[0-9a-f]{32}", key), key
    for radio in at.radio:
        if radio.key and radio.key.startswith("q:research:"):
            radio.set_value(4)
    at.run()
    [b for b in at.button if b.label == "Send my answers"][0].click().run()
    assert any("Your answers have been saved" in s.value for s in at.success)
    assert db.has_submission(key)
