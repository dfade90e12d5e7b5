"""One Dutch term per concept in every built-in instrument (issue 10, "Dutch"): the scan fails as
soon as a word the native read replaced comes back (instemming, zelfmoordpoging, u/uw, gids,
facilitator, trip outside tripsitter/tripsitten, nabehandeling, harm reduction with a hyphen or
in a compound) or the staffing title goes back to *verhouding*."""

import re
import shutil

import pytest

from scoring import validate_paths
from tests.conftest import QUESTIONNAIRES
from tests.test_questionnaires import LOADED, texts

STAFFING_TITLE = "Bezetting en aantal deelnemers per begeleider"

# word -> what to write instead; matched case-insensitively in every Dutch text
FORBIDDEN = {
    r"\binstem\w*": "toestemming",
    r"zelfmoordpoging\w*": "suïcidepoging",
    r"\b(?:u|uw)\b": "je/jij/jouw (informeel)",
    r"gids\w*": "begeleider",
    r"facilitator\w*": "begeleider",
    # tripsitter, tripsitters, tripsitten and its forms (tripsit, tripsitte) are the chosen terms
    r"trip(?!sit)\w*": "sessie (or tripsitter/tripsitten)",
    r"nabehandeling\w*": "nazorg",
    # harm reduction is two words, never hyphenated or glued into a compound
    r"harm-?reduction|harm reduction-\w*|\w+-harm reduction": "harm reduction (two words, no compound)",
}


def offences(dutch_texts):
    """(forbidden word found, text) for every Dutch text that uses a forbidden word."""
    found = []
    for text in dutch_texts:
        for pattern in FORBIDDEN:
            for match in re.finditer(pattern, text, re.IGNORECASE):
                found.append((match.group(0), text))
    return found


def title_offence(inst):
    title = inst.text(inst.spec.title, "nl")
    return None if title == STAFFING_TITLE and "verhouding" not in title.lower() else title


@pytest.mark.parametrize("inst_id", sorted(LOADED))
def test_dutch_texts_use_the_chosen_terms(inst_id):
    found = offences(texts(LOADED[inst_id], "nl"))
    assert not found, "\n".join(f"{word!r} in: {text}" for word, text in found)


def test_staffing_title():
    assert title_offence(LOADED["staffing"]) is None


@pytest.mark.parametrize("bad", [
    "Geef je instemming vooraf.", "Vraag naar een eerdere zelfmoordpoging.", "Heeft u vragen?",
    "Is uw begeleider nuchter?", "De gids blijft erbij.", "De facilitator belt.",
    "Tijdens de trip blijft iemand bij je.", "Na een badtrip", "Er is nabehandeling.",
    "Een harm-reduction aanbieder", "Een harm reduction-sessie", "Een harmreduction sessie",
])
def test_the_scan_catches_each_forbidden_word(bad):
    assert offences([bad]), bad


@pytest.mark.parametrize("good", [
    "De tripsitter blijft erbij.", "Onze tripsitters", "Wat doe je als iemand bij wie je tripsit emotioneel wordt?",
    "Buiten onderzoek is begeleiding harm reduction en geen therapie.", "een eerdere suïcidepoging",
    "Hoeveel uur duurt het?", "Geef je toestemming.", "Hoe vaak is er een gesprek?",
])
def test_the_scan_lets_the_chosen_terms_through(good):
    assert not offences([good]), good


def test_the_scan_fails_on_a_broken_copy_of_an_instrument(tmp_path):
    """A copy of the staffing checklist with three words put back is caught, title included."""
    shutil.copy(QUESTIONNAIRES / "staffing.yaml", tmp_path / "staffing.yaml")
    if (QUESTIONNAIRES / "schema.json").exists():
        shutil.copy(QUESTIONNAIRES / "schema.json", tmp_path / "schema.json")
    source = (tmp_path / "staffing.yaml").read_text(encoding="utf-8")
    broken = (source
              .replace(f"nl: {STAFFING_TITLE}", "nl: Bezetting en verhouding", 1)
              .replace("nl: Blijft de begeleider de hele sessie vrij van alcohol en drugs?",
                       "nl: Blijft uw gids de hele trip vrij van alcohol en drugs?", 1))
    assert broken.count("verhouding") == 1 and broken.count("uw gids") == 1
    (tmp_path / "staffing.yaml").write_text(broken, encoding="utf-8")
    loaded, problems = validate_paths([tmp_path])
    assert not problems and "staffing" in loaded
    words = {word.lower() for word, _ in offences(texts(loaded["staffing"], "nl"))}
    assert {"uw", "gids", "trip"} <= words
    assert title_offence(loaded["staffing"]) == "Bezetting en verhouding"
