"""Fixed texts every report and the home page carry: crisis resources (criteria catalogue §14,
FR-07) and what a score does and does not mean (FR-02, FR-06, FR-09). Plain data, no UI."""

from __future__ import annotations

# Named in the sources (002 "Sessions", "How MDMA Therapy Works"); the emergency numbers are the
# catalogue's recommendation for the countries the legal note covers.
CRISIS_RESOURCES = [
    {"name": "Fireside Project", "contact": "+1 (623) 473-7433 (62-FIRESIDE)",
     "about": {"en": "Psychedelic peer support line (USA; an app in Canada). Peer support, not an emergency service.",
               "nl": "Telefonische steunlijn van lotgenoten rond psychedelica (VS; in Canada via een app). "
                     "Steun van lotgenoten, geen hulpdienst bij nood."}},
    {"name": "TripSit", "contact": "tripsit.me/webchat",
     "about": {"en": "Chat room with volunteers, reachable from anywhere.",
               "nl": "Chatruimte met vrijwilligers, overal bereikbaar."}},
    {"name": "Challenging Psychedelic Experiences Project", "contact": "challengingpsychedelicexperiences.com",
     "about": {"en": "Support and information after a difficult experience.",
               "nl": "Steun en informatie na een moeilijke ervaring."}},
    {"name": "Psychedelics and Recovered Memories", "contact": "psychedelicsandrecoveredmemories.com",
     "about": {"en": "Information about memories that seem to surface during sessions (not crisis support).",
               "nl": "Informatie over herinneringen die tijdens sessies lijken op te komen (geen crisishulp)."}},
    {"name": {"en": "Emergency services", "nl": "Alarmnummer"}, "contact": "112 (EU, NL) / 911 (US)",
     "about": {"en": "For a medical emergency or immediate danger.",
               "nl": "Bij een medisch noodgeval of acuut gevaar."}},
]

NOT_A_GUARANTEE = {
    "en": "A good score is not a guarantee. GuideCheck weighs what a provider does against criteria "
          "that careful sources agree on; it cannot see everything, and effects of a session cannot be "
          "predicted. An answer of 'I don't know' on a critical question is shown as unverified, never as passed.",
    "nl": "Een goede score is geen garantie. GuideCheck legt wat een aanbieder doet naast criteria waarover "
          "zorgvuldige bronnen het eens zijn; het ziet niet alles, en het effect van een sessie is niet te "
          "voorspellen. 'Weet ik niet' bij kritieke vragen tonen we als niet geverifieerd, nooit als in orde.",
}

WHAT_IT_IS_NOT = {
    "en": "GuideCheck assesses providers, not you. It gives no medical advice and no advice on whether to "
          "take any substance, and it never says that someone is suitable or safe. Questions about your "
          "health or medication belong with your doctor or prescriber.",
    "nl": "GuideCheck beoordeelt aanbieders, niet jou. Het geeft geen medisch advies en geen advies over het "
          "gebruik van welk middel dan ook, en het zegt nooit dat iemand geschikt of veilig is. Vragen over je "
          "gezondheid of medicatie horen bij je arts of voorschrijver.",
}


def text(value, lang: str) -> str:
    if isinstance(value, str):
        return value
    return value.get(lang) or value["en"]
