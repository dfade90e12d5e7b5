"""Fixed texts every report and the home page carry: crisis resources by language and country
(criteria catalogue §14 FR-07, §16.5) and what a score does and does not mean (FR-02, FR-06, FR-09).
Plain data, no UI."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypedDict

# Crisis and support resources by country (criteria catalogue §16.5, replacing the "recommended"
# line of FR-07). Fireside, TripSit, the Challenging Psychedelic Experiences Project and the
# recovered-memories site are named in the sources (002 "Sessions", "How MDMA Therapy Works"); the
# Dutch and US numbers are the catalogue's. Contacts are plain text: no links, no sellers, no
# test-kit suppliers (FR-08).
EMERGENCY, CRISIS_LINE, PEER_SUPPORT, INFORMATION = "emergency", "crisis_line", "peer_support", "information"

KINDS = {
    EMERGENCY: {"en": "emergency number", "nl": "alarmnummer"},
    CRISIS_LINE: {"en": "crisis line", "nl": "crisislijn"},
    PEER_SUPPORT: {"en": "peer support", "nl": "steun van lotgenoten"},
    INFORMATION: {"en": "information", "nl": "informatie"},
}

ANYWHERE = "any"
# The countries a person can pick; "other" shows what works anywhere, then the listed countries.
COUNTRIES = ("NL", "US", "other")
COUNTRY_NAMES = {
    "NL": {"en": "Netherlands", "nl": "Nederland"},
    "US": {"en": "United States", "nl": "Verenigde Staten"},
    "other": {"en": "Elsewhere", "nl": "Elders"},
}
DEFAULT_COUNTRY = {"nl": "NL", "en": "other"}

class CrisisResource(TypedDict):
    country: str  # a code of COUNTRIES, or ANYWHERE
    kind: str  # a key of KINDS
    name: str | dict[str, str]  # by language where it differs
    contact: str | dict[str, str]
    about: dict[str, str]  # by language


CRISIS_RESOURCES: list[CrisisResource] = [
    # Netherlands
    {"country": "NL", "kind": EMERGENCY, "name": "112", "contact": "112",
     "about": {"en": "Ambulance, police or fire brigade in a medical emergency or immediate danger.",
               "nl": "Ambulance, politie of brandweer bij een medisch noodgeval of acuut gevaar."}},
    {"country": "NL", "kind": CRISIS_LINE, "name": "113 Zelfmoordpreventie",
     "contact": {"en": "call 113 or 0800-0113, or chat at 113.nl", "nl": "bel 113 of 0800-0113, of chat via 113.nl"},
     "about": {"en": "If you think about suicide, or worry about someone who does. Free, day and night.",
               "nl": "Als je aan zelfdoding denkt, of je zorgen maakt om iemand die dat doet. Gratis, dag en "
                     "nacht bereikbaar."}},
    {"country": "NL", "kind": INFORMATION, "name": {"en": "Drugs Infolijn of the Trimbos-instituut",
                                                         "nl": "Drugs Infolijn van het Trimbos-instituut"},
     "contact": "drugsinfo.nl",
     "about": {"en": "Answers to questions about drugs and their effects.",
               "nl": "Antwoord op je vragen over drugs en hun effecten."}},
    # United States
    {"country": "US", "kind": EMERGENCY, "name": "911", "contact": "911",
     "about": {"en": "Ambulance, police or fire brigade in a medical emergency or immediate danger.",
               "nl": "Ambulance, politie of brandweer bij een medisch noodgeval of acuut gevaar."}},
    {"country": "US", "kind": CRISIS_LINE, "name": "988 Suicide & Crisis Lifeline",
     "contact": {"en": "call or text 988", "nl": "bel of sms 988"},
     "about": {"en": "If you think about suicide or are in emotional distress, or worry about someone who is.",
               "nl": "Als je aan zelfdoding denkt of het emotioneel niet meer trekt, of je zorgen maakt om iemand "
                     "anders."}},
    {"country": "US", "kind": PEER_SUPPORT, "name": "Fireside Project", "contact": "+1 (623) 473-7433 (62-FIRESIDE)",
     "about": {"en": "Phone line for talking through a psychedelic experience, during or after it (an app in "
                     "Canada). Not an emergency service.",
               "nl": "Telefoonlijn om een psychedelische ervaring door te praten, tijdens of erna (in Canada via "
                     "een app). Geen hulpdienst voor noodgevallen."}},
    # anywhere
    {"country": ANYWHERE, "kind": EMERGENCY,
     "name": {"en": "Local emergency number", "nl": "Lokaal alarmnummer"},
     "contact": {"en": "112 in the EU, 911 in North America", "nl": "112 in de EU, 911 in Noord-Amerika"},
     "about": {"en": "In a medical emergency or immediate danger, wherever you are.",
               "nl": "Bij een medisch noodgeval of acuut gevaar, waar je ook bent."}},
    {"country": ANYWHERE, "kind": PEER_SUPPORT, "name": "TripSit", "contact": "tripsit.me/webchat",
     "about": {"en": "Chat with volunteers, reachable from anywhere. Not an emergency service.",
               "nl": "Chat met vrijwilligers, overal bereikbaar. Geen hulpdienst voor noodgevallen."}},
    {"country": ANYWHERE, "kind": PEER_SUPPORT, "name": "Challenging Psychedelic Experiences Project",
     "contact": "challengingpsychedelicexperiences.com",
     "about": {"en": "Support and information after a difficult experience.",
               "nl": "Steun en informatie na een zware ervaring."}},
    {"country": ANYWHERE, "kind": INFORMATION, "name": "Psychedelics and Recovered Memories",
     "contact": "psychedelicsandrecoveredmemories.com",
     "about": {"en": "About memories that seem to come up during a session. Not crisis support.",
               "nl": "Over herinneringen die tijdens een sessie lijken op te komen. Geen crisishulp."}},
]


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
        for r in CRISIS_RESOURCES:
            if r["country"] != where or (where == ANYWHERE and country != "other" and r["kind"] == EMERGENCY):
                continue
            out.append({"name": text(r["name"], lang), "kind": text(KINDS[r["kind"]], lang),
                        "country": "" if where == ANYWHERE else text(COUNTRY_NAMES[where], lang),
                        "contact": text(r["contact"], lang), "about": text(r["about"], lang)})
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


NOT_A_GUARANTEE = {
    "en": "A good score is not a guarantee. GuideCheck weighs what a provider does against criteria "
          "that careful sources agree on; it cannot see everything, and effects of a session cannot be "
          "predicted. An answer of 'I don't know' on a critical question is shown as unverified, never as passed.",
    "nl": "Een goede score is geen garantie. GuideCheck vergelijkt wat een aanbieder doet met criteria waarover "
          "zorgvuldige bronnen het eens zijn. Niet alles is zo te zien, en wat een sessie met je doet, is niet te "
          "voorspellen. Antwoord je 'weet ik niet' op een kritieke vraag, dan tonen we dat als nog niet "
          "bevestigd, nooit als in orde.",
}

WHAT_IT_IS_NOT = {
    "en": "GuideCheck assesses providers, not you. It gives no medical advice and no advice on whether to "
          "take any substance, and it never says that someone is suitable or safe. Questions about your "
          "health or medication belong with your doctor or prescriber.",
    "nl": "GuideCheck beoordeelt aanbieders, niet jou. Je krijgt hier geen medisch advies en geen advies over het "
          "gebruik van welk middel dan ook, en GuideCheck zegt nooit dat iemand geschikt of veilig is. Met vragen "
          "over je gezondheid of je medicijnen ga je naar je arts of naar de arts die ze voorschrijft.",
}


def text(value: str | Mapping[str, str], lang: str) -> str:
    if isinstance(value, str):
        return value
    return value.get(lang) or value["en"]
