"""Fixed texts every report and the home page carry: crisis resources by language and country
(criteria catalogue §14 FR-07, §16.5) and what a score does and does not mean (FR-02, FR-06, FR-09).
Plain data, no UI."""

from __future__ import annotations

from collections.abc import Mapping

from .i18n import LANGUAGES, t

# Crisis and support resources by country (criteria catalogue §16.5, replacing the "recommended"
# line of FR-07). Fireside, TripSit, the Challenging Psychedelic Experiences Project and the
# recovered-memories site are named in the sources (002 "Sessions", "How MDMA Therapy Works"); the
# Dutch and US numbers are the catalogue's. Contacts are plain text: no links, no sellers, no
# test-kit suppliers (FR-08).
EMERGENCY, CRISIS_LINE, PEER_SUPPORT, INFORMATION = "emergency", "crisis_line", "peer_support", "information"

# Texts are catalogue keys (scoring/locales/*.yaml, read with i18n.t); names that are the same in
# every language ("112", "TripSit") are plain text.
KIND_KEYS = {
    EMERGENCY: "resources.kind.emergency",
    CRISIS_LINE: "resources.kind.crisis_line",
    PEER_SUPPORT: "resources.kind.peer_support",
    INFORMATION: "resources.kind.information",
}

ANYWHERE = "any"
# The countries a person can pick; "other" shows what works anywhere, then the listed countries.
COUNTRIES = ("NL", "US", "other")
COUNTRY_KEYS = {"NL": "resources.country.NL", "US": "resources.country.US", "other": "resources.country.other"}
DEFAULT_COUNTRY = {"nl": "NL", "en": "other"}


class Key(str):
    """A catalogue key among plain texts."""


CRISIS_RESOURCE_KEYS = [
    # Netherlands
    {"country": "NL", "kind": EMERGENCY, "name": "112", "contact": "112", "about": Key("resources.nl_112.about")},
    {"country": "NL", "kind": CRISIS_LINE, "name": "113 Zelfmoordpreventie",
     "contact": Key("resources.nl_113.contact"), "about": Key("resources.nl_113.about")},
    {"country": "NL", "kind": INFORMATION, "name": Key("resources.nl_drugsinfo.name"), "contact": "drugsinfo.nl",
     "about": Key("resources.nl_drugsinfo.about")},
    # United States
    {"country": "US", "kind": EMERGENCY, "name": "911", "contact": "911", "about": Key("resources.us_911.about")},
    {"country": "US", "kind": CRISIS_LINE, "name": "988 Suicide & Crisis Lifeline",
     "contact": Key("resources.us_988.contact"), "about": Key("resources.us_988.about")},
    {"country": "US", "kind": PEER_SUPPORT, "name": "Fireside Project", "contact": "+1 (623) 473-7433 (62-FIRESIDE)",
     "about": Key("resources.us_fireside.about")},
    # anywhere
    {"country": ANYWHERE, "kind": EMERGENCY, "name": Key("resources.any_emergency.name"),
     "contact": Key("resources.any_emergency.contact"), "about": Key("resources.any_emergency.about")},
    {"country": ANYWHERE, "kind": PEER_SUPPORT, "name": "TripSit", "contact": "tripsit.me/webchat",
     "about": Key("resources.any_tripsit.about")},
    {"country": ANYWHERE, "kind": PEER_SUPPORT, "name": "Challenging Psychedelic Experiences Project",
     "contact": "challengingpsychedelicexperiences.com", "about": Key("resources.any_cpep.about")},
    {"country": ANYWHERE, "kind": INFORMATION, "name": "Psychedelics and Recovered Memories",
     "contact": "psychedelicsandrecoveredmemories.com", "about": Key("resources.any_memories.about")},
]


def _text(value: str, lang: str) -> str:
    return t(value, lang) if isinstance(value, Key) else value


def _in_every_language(key: str) -> dict[str, str]:
    return {lang: t(key, lang) for lang in LANGUAGES}


def _by_language(value: str) -> str | dict[str, str]:
    return _in_every_language(value) if isinstance(value, Key) else value


# The same data with every text in every language ({lang: text}), as before the catalogues.
KINDS = {kind: _in_every_language(key) for kind, key in KIND_KEYS.items()}
COUNTRY_NAMES = {country: _in_every_language(key) for country, key in COUNTRY_KEYS.items()}
CRISIS_RESOURCES = [{k: _by_language(v) for k, v in r.items()} for r in CRISIS_RESOURCE_KEYS]


def default_country(lang: str) -> str:
    """nl -> the Netherlands; any other language -> elsewhere (what works anywhere, then the listed countries)."""
    return DEFAULT_COUNTRY.get(lang, "other")


def crisis_resources(lang: str, country: str | None = None) -> list[dict[str, str]]:
    """The resources to show, in order, each as plain text: name, kind, country ("" when it works
    anywhere), contact and about. A listed country leads with its own numbers, followed by what
    works anywhere (without the generic emergency line, the country's own comes first); elsewhere
    leads with what works anywhere, then lists the United States and the Netherlands."""
    country = country if country in COUNTRIES else default_country(lang)
    if country == "other":
        order = [ANYWHERE, "US", "NL"]
    else:
        order = [country, ANYWHERE]
    out = []
    for where in order:
        for r in CRISIS_RESOURCE_KEYS:
            if r["country"] != where or (where == ANYWHERE and country != "other" and r["kind"] == EMERGENCY):
                continue
            out.append({"name": _text(r["name"], lang), "kind": t(KIND_KEYS[r["kind"]], lang),
                        "country": "" if where == ANYWHERE else t(COUNTRY_KEYS[where], lang),
                        "contact": _text(r["contact"], lang), "about": _text(r["about"], lang)})
    return out


def resource_parts(r: Mapping[str, str]) -> tuple[str, str]:
    """A resource as (label, rest) in plain text: ('Crisis line, Netherlands', '113 Zelfmoordpreventie,
    call 113 ... Free, day and night.'); the contact is left out when it is the name (112)."""
    label = r["kind"][:1].upper() + r["kind"][1:] + (f", {r['country']}" if r["country"] else "")
    reach = r["name"] if r["contact"] == r["name"] else f"{r['name']}, {r['contact']}"
    return label, f"{reach}. {r['about']}"


def resource_line(r: Mapping[str, str]) -> str:
    """One resource as a line of plain text."""
    return ": ".join(resource_parts(r))


NOT_A_GUARANTEE = _in_every_language("resources.not_a_guarantee")
WHAT_IT_IS_NOT = _in_every_language("resources.what_it_is_not")

