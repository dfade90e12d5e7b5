"""Crisis resources by language and country (criteria catalogue §16.5)."""

from __future__ import annotations

import re

import pytest

from scoring.i18n import LANGUAGES
from scoring.resources import (
    COUNTRIES,
    CRISIS_RESOURCES,
    EMERGENCY,
    KINDS,
    crisis_resources,
    default_country,
    resource_line,
)


def test_dutch_list_starts_with_112_then_113():
    first, second = crisis_resources("nl")[:2]
    assert first["name"] == "112" and first["kind"] == KINDS[EMERGENCY]["nl"]
    assert second["name"].startswith("113 Zelfmoordpreventie")
    assert "0800-0113" in second["contact"] and "113.nl" in second["contact"]
    assert any(r["contact"] == "drugsinfo.nl" for r in crisis_resources("nl"))


def test_every_resource_has_a_country_and_a_kind_labelled_in_every_language():
    for r in CRISIS_RESOURCES:
        assert r["country"] in ("NL", "US", "any"), r
        assert r["kind"] in KINDS, r
        for lang in LANGUAGES:
            assert KINDS[r["kind"]][lang].strip()
            for field in ("name", "contact", "about"):
                value = r[field]
                assert (value if isinstance(value, str) else value[lang]).strip(), (r["name"], field, lang)
    shown = {r["kind"] for r in CRISIS_RESOURCES}
    assert {"emergency", "crisis_line", "peer_support"} <= shown


@pytest.mark.parametrize("country, first, present, absent", [
    ("NL", "112", ["113 Zelfmoordpreventie", "TripSit"], ["911", "Fireside Project", "Local emergency number"]),
    ("US", "911", ["988 Suicide & Crisis Lifeline", "Fireside Project", "TripSit"], ["112", "Local emergency number"]),
    ("other", "Local emergency number", ["TripSit", "Challenging Psychedelic Experiences Project", "911", "112"], []),
])
def test_a_country_leads_with_its_own_numbers(country, first, present, absent):
    names = [r["name"] for r in crisis_resources("en", country)]
    assert names[0] == first
    assert all(n in names for n in present), names
    assert not [n for n in names if n in absent], names


def test_the_default_country_follows_the_language():
    assert default_country("nl") == "NL" and default_country("en") == "other"
    assert crisis_resources("en") == crisis_resources("en", "other")
    names = [r["name"] for r in crisis_resources("en")]
    # English without a pick: what works anywhere first, the US and the Netherlands listed too
    assert names.index("TripSit") < names.index("911") < names.index("112")
    assert crisis_resources("nl", "nowhere") == crisis_resources("nl", "NL")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("country", COUNTRIES)
def test_resources_are_plain_text_without_links_or_sellers(lang, country):
    for r in crisis_resources(lang, country):
        line = resource_line(r)
        assert not re.search(r"https?://|www\.|[<>\[\]`*_#|]", line), line  # no links, no markdown
        assert not re.search(r"(?i)\b(shop|buy|order|kit|koop|bestel)\b", line), line
