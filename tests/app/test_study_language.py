"""Issue 15: a study's consent text in each of its languages, and every participant text in the
study's language (AppTest, English and Dutch)."""

from __future__ import annotations

import pytest

from scoring import consent
from tests.app.test_pages import all_text
from tests.app.test_research_pages import db, participant, research  # noqa: F401 - the fixture

EN, NL = "Please read this English consent", "Lees eerst deze Nederlandse toestemming"


def create(at, languages: list[str], texts: dict[str, str]):
    [w for w in at.text_input if w.label == "Title"][0].set_value("Taalstudie")
    at.multiselect[0].set_value(["working-alliance"])
    [m for m in at.multiselect if m.label == "Languages"][0].set_value(languages)
    for code, text in texts.items():
        at.text_area(key=f"consent_{code}").set_value(text)
    [b for b in at.button if b.label == "Create study"][0].click().run()
    assert not at.exception


def test_consent_and_participant_texts_follow_the_page_language(db):  # noqa: F811
    create(research(), ["en", "nl"], {"en": EN, "nl": NL})
    study = db.studies()[0]
    english = participant(study.code, {"lang": "en"})
    assert EN in all_text(english) and NL not in all_text(english)
    assert english.checkbox(key="consent").label.startswith("I have read this")
    dutch = participant(study.code, {"lang": "nl"})
    assert NL in all_text(dutch) and EN not in all_text(dutch)
    assert dutch.checkbox(key="consent").label.startswith("Ik heb dit gelezen")
    assert [b.label for b in dutch.button] == ["Beginnen"]
    dutch.checkbox(key="consent").check().run()
    dutch.button[0].click().run()
    assert [b.label for b in dutch.button] == ["Mijn antwoorden versturen"]


def test_a_dutch_only_study_is_dutch_whatever_the_link_says(db):  # noqa: F811
    create(research(), ["nl"], {"nl": NL, "en": "left over text"})
    study = db.studies()[0]
    at = participant(study.code, {"lang": "en"})
    assert NL in all_text(at) and "left over" not in all_text(at)
    assert at.checkbox(key="consent").label.startswith("Ik heb dit gelezen")
    assert "Je antwoorden zijn anoniem" in all_text(at)


def test_a_study_language_without_its_consent_text_is_refused(db):  # noqa: F811
    at = research()
    create(at, ["en", "nl"], {"en": EN})
    assert any("missing: Nederlands" in e.value for e in at.error) and not db.studies()


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_study_made_before_keeps_its_one_plain_text(db, language):  # noqa: F811
    study = db.create_study("Old", ["working-alliance"], consent="One text for all")
    assert "One text for all" in all_text(participant(study.code, {"lang": language}))


def test_consent_texts_stored_and_read_back():
    stored = consent.pack({"en": " A ", "nl": "B", "de": ""})
    assert consent.texts(stored) == {"en": "A", "nl": "B"}
    assert consent.for_language(stored, "nl", ["en", "nl"]) == "B"
    assert consent.for_language(stored, "fr", ["nl", "en"]) == "B"  # the study's first language
    assert consent.pack({"en": "  "}) == "" and consent.texts("") == {}
    plain = '{"en": "a plain text that looks like JSON"}'
    assert consent.texts(plain) == {"": plain}
    assert consent.missing(consent.pack({"en": "A"}), ["en", "nl"]) == ["nl"]
    assert consent.missing("plain", ["en", "nl"]) == []


def test_a_refused_study_keeps_what_was_typed_and_a_created_one_clears_the_form(db):  # noqa: F811
    """Nothing lost on bad input: the form cleared every field even when the study was refused
    (a consent text missing), so the researcher had to type title, texts and providers again."""
    at = research()
    [w for w in at.text_area if w.label.startswith("Provider")][0].set_value("clinic-a\nclinic-b")
    create(at, ["en", "nl"], {"en": EN})
    assert any("missing: Nederlands" in e.value for e in at.error) and not db.studies()
    assert [w for w in at.text_input if w.label == "Title"][0].value == "Taalstudie"
    assert at.text_area(key="consent_en").value == EN
    assert [w for w in at.text_area if w.label.startswith("Provider")][0].value == "clinic-a\nclinic-b"
    at.text_area(key="consent_nl").set_value(NL)
    [b for b in at.button if b.label == "Create study"][0].click().run()
    assert len(db.studies()) == 1 and db.studies()[0].providers == ["clinic-a", "clinic-b"]
    assert any("created" in s.value.lower() for s in at.success)
    assert [w for w in at.text_input if w.label == "Title"][0].value == ""
    assert at.text_area(key="consent_en").value == ""
