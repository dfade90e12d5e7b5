"""AppTest of hostile input: uploads validated once, texts shown plain, files that crash parsers."""

from __future__ import annotations

import uuid

from streamlit.testing.v1 import AppTest

import scoring.loader
from tests.conftest import ROOT

APP = str(ROOT / "app.py")


def app(lang: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if lang:
        at.query_params["lang"] = lang
    return at.run()


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
