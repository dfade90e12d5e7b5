"""AppTest of the pages as they stand."""

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP = str(ROOT / "app.py")


def test_home_shows_disclaimer_and_crisis_resources():
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "62-FIRESIDE" in text and "tripsit.me/webchat" in text and "112" in text
    assert any("not a guarantee" in c.value for c in at.caption)
    assert any("assesses providers, not you" in i.value for i in at.info)


def test_instruments_page_lists_builtin_instruments():
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.switch_page("app_pages/instruments.py").run()
    assert not at.exception
    assert not at.error
    labels = [e.label for e in at.expander]
    assert any("red-flags" in label for label in labels)


def test_instruments_page_shows_no_raw_html():
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.switch_page("app_pages/instruments.py").run()
    assert not any("<small>" in m.value for m in at.markdown)
    assert any("`RF-02`" in m.value for m in at.markdown)
