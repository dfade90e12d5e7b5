"""Every fixed text of the app and the reports, in English and Dutch (informal 'je').

Instrument texts live in the instruments; these are the words around them. A test fails when a
key lacks a language or when code asks for a key that is not here.
"""

from __future__ import annotations

LANGUAGES = ("en", "nl")
LANGUAGE_NAMES = {"en": "English", "nl": "Nederlands"}

UI: dict[str, dict[str, str]] = {
    # navigation
    "nav.home": {"en": "Home", "nl": "Start"},
    "nav.vet": {"en": "Vet a guide", "nl": "Een begeleider checken"},
    "nav.report": {"en": "Report", "nl": "Rapport"},
    "nav.self_audit": {"en": "Self-audit", "nl": "Zelfevaluatie"},
    "nav.compare": {"en": "Compare", "nl": "Vergelijken"},
    "nav.instruments": {"en": "Instruments", "nl": "Vragenlijsten"},
    "nav.language": {"en": "Language", "nl": "Taal"},
    # home
    "home.tagline": {
        "en": "Checklists for judging the people who guide MDMA sessions: therapist teams in research and "
              "clinical programmes, and sitters in harm-reduction settings.",
        "nl": "Checklists om mensen te beoordelen die MDMA-sessies begeleiden: therapeutenteams in onderzoek en "
              "klinische programma's, en sitters in harm-reductionsettings."},
    "home.why": {
        "en": "Outside research there is no quality control, and people often choose a guide on trust. GuideCheck "
              "turns the criteria that careful sources agree on into questions anyone can answer, and scores the "
              "answers openly.",
        "nl": "Buiten onderzoek is er geen kwaliteitscontrole, en mensen kiezen een begeleider vaak op "
              "vertrouwen. GuideCheck zet de criteria waarover zorgvuldige bronnen het eens zijn om in vragen die "
              "iedereen kan beantwoorden, en scoort de antwoorden open en eerlijk."},
    "home.paths": {"en": "Three ways to use it", "nl": "Drie manieren om het te gebruiken"},
    "home.path_vet": {
        "en": "**Vet a guide** before an intake or a session: answer what you know about the guide, and get a "
              "report with red flags first, what you could not verify, and questions to ask.",
        "nl": "**Een begeleider checken** vóór een intake of sessie: beantwoord wat je over de begeleider weet, "
              "en krijg een rapport met eerst de waarschuwingssignalen, wat je niet kon nagaan, en vragen om te "
              "stellen."},
    "home.path_audit": {
        "en": "**Self-audit** as an organisation: the same criteria phrased for you, an action plan of what is "
              "not met yet, and your progress across audits.",
        "nl": "**Zelfevaluatie** als organisatie: dezelfde criteria, op jullie toegespitst, een actieplan van "
              "wat nog niet op orde is, en je voortgang over meerdere evaluaties."},
    "home.path_research": {
        "en": "**Research**: a study collects anonymous responses through its study link, and researchers read "
              "figures for groups large enough to protect everyone on the Research page.",
        "nl": "**Onderzoek**: een studie verzamelt anonieme antwoorden via haar studielink, en onderzoekers lezen "
              "op de pagina Onderzoek getallen voor groepen die groot genoeg zijn om iedereen te beschermen."},
    "home.how": {"en": "How scoring works", "nl": "Hoe de score werkt"},
    "home.how_text": {
        "en": "Each careful answer earns points; the score is the share of points reached, over the questions "
              "you could answer. Questions you answer with 'I don't know' are left out of the score and become "
              "questions to ask. Some criteria are critical: one critical answer makes the verdict 'critical', "
              "whatever the score. The working-alliance profile is only described, never passed or failed.",
        "nl": "Elk zorgvuldig antwoord levert punten op; de score is het deel van de punten dat je haalt, over de "
              "vragen die je kon beantwoorden. Vragen waarop je 'weet ik niet' antwoordt, tellen niet mee en "
              "worden vragen om te stellen. Sommige criteria zijn kritiek: één kritiek antwoord maakt het oordeel "
              "'kritiek', wat de score ook is. Het profiel van de werkrelatie wordt alleen beschreven, nooit "
              "goed- of afgekeurd."},
    "home.legal": {"en": "The law", "nl": "De wet"},
    "home.legal_text": {
        "en": "MDMA is prohibited in the Netherlands; guided sessions there take place only in research or as "
              "harm reduction without medical treatment. In the United States MDMA is a Schedule I substance "
              "(since 1985) and not legal for routine clinical use outside approved research or special "
              "programmes; the FDA gave it Breakthrough status in 2017 and declined the first application for "
              "approval in 2024. As of 2025 most regulators had not approved it, and possession is a serious "
              "offence in most places. Check your local law. Low enforcement does not make anything safe.",
        "nl": "MDMA is in Nederland verboden; begeleide sessies vinden daar alleen plaats in onderzoek of als harm "
              "reduction zonder medische behandeling. In de Verenigde Staten staat MDMA op Schedule I (sinds 1985) "
              "en is het niet legaal voor gewone klinische zorg buiten goedgekeurd onderzoek of speciale "
              "programma's; de FDA gaf het in 2017 de status Breakthrough en wees in 2024 de eerste aanvraag tot "
              "toelating af. In 2025 hadden de meeste toezichthouders het niet toegelaten, en bezit is op de "
              "meeste plekken een zwaar vergrijp. Kijk wat de wet bij jou zegt. Weinig handhaving maakt niets "
              "veilig."},
    "home.sources": {"en": "Sources", "nl": "Bronnen"},
    "home.sources_text": {
        "en": "The criteria rest on three documents: a Dutch harm-reduction article, a promotional explainer of "
              "MDMA therapy, and a community guide from r/mdmatherapy. Two of them are promotional or community "
              "material; GuideCheck uses their criteria, in its own words, not their claims.",
        "nl": "De criteria rusten op drie documenten: een Nederlands harm-reductionartikel, een promotionele "
              "uitleg over MDMA-therapie, en een gids uit de r/mdmatherapy-gemeenschap. Twee ervan zijn "
              "promotioneel of uit de gemeenschap; GuideCheck gebruikt hun criteria, in eigen woorden, niet hun "
              "beweringen."},
    "home.start_vet": {"en": "Vet a guide", "nl": "Een begeleider checken"},
    "home.start_audit": {"en": "Start a self-audit", "nl": "Start een zelfevaluatie"},
    # crisis box
    "crisis.title": {"en": "Need support now?", "nl": "Nu steun nodig?"},
    # contexts
    "context.clinical": {"en": "Research or clinical programme", "nl": "Onderzoek of klinisch programma"},
    "context.harm_reduction": {"en": "Harm reduction (non-medical guidance or sitting)",
                               "nl": "Harm reduction (niet-medische begeleiding of sitten)"},
    "context.unknown": {"en": "I don't know (the stricter rule applies)", "nl": "Weet ik niet (de strengere regel geldt)"},
    # answers
    "answer.yes": {"en": "Yes", "nl": "Ja"},
    "answer.no": {"en": "No", "nl": "Nee"},
    "answer.unsure": {"en": "I don't know", "nl": "Weet ik niet"},
    # flow: setup
    "flow.vet_title": {"en": "Vet a guide", "nl": "Een begeleider checken"},
    "flow.audit_title": {"en": "Self-audit", "nl": "Zelfevaluatie"},
    "flow.vet_intro": {
        "en": "Answer what you know about the guide or provider. 'I don't know' is always a fine answer: it "
              "becomes a question to ask. Your answers stay in this browser session; nothing is stored on the "
              "server. Download a progress file to continue later.",
        "nl": "Beantwoord wat je over de begeleider of aanbieder weet. 'Weet ik niet' is altijd een prima "
              "antwoord: het wordt een vraag om te stellen. Je antwoorden blijven in deze browsersessie; er wordt "
              "niets op de server bewaard. Download een voortgangsbestand om later verder te gaan."},
    "flow.audit_intro": {
        "en": "Answer for your own organisation. The report adds an action plan of what is not met yet, and you "
              "can upload earlier audits to see your progress. Nothing is stored on the server.",
        "nl": "Beantwoord de vragen voor je eigen organisatie. Het rapport bevat een actieplan van wat nog niet op "
              "orde is, en je kunt eerdere evaluaties uploaden om je voortgang te zien. Er wordt niets op de "
              "server bewaard."},
    "flow.context": {"en": "What kind of setting is it?", "nl": "Wat voor setting is het?"},
    "flow.context_help": {
        "en": "The setting decides which questions apply and which benchmark is used.",
        "nl": "De setting bepaalt welke vragen gelden en welke maatstaf wordt gebruikt."},
    "flow.instruments": {"en": "Checklists to answer", "nl": "Vragenlijsten om in te vullen"},
    "flow.instruments_help": {
        "en": "All checklists that apply are selected; the red-flag screen comes first.",
        "nl": "Alle vragenlijsten die van toepassing zijn, staan aan; de check op waarschuwingssignalen komt eerst."},
    "flow.label": {"en": "A name for the guide (optional)", "nl": "Een naam voor de begeleider (optioneel)"},
    "flow.label_help": {"en": "Only used in your report and files.", "nl": "Alleen gebruikt in je rapport en bestanden."},
    "flow.start": {"en": "Start", "nl": "Beginnen"},
    "flow.resume": {"en": "Resume from a saved file", "nl": "Verder met een opgeslagen bestand"},
    "flow.resumed": {"en": "Your saved answers are back.", "nl": "Je opgeslagen antwoorden zijn terug."},
    "flow.pick_one": {"en": "Choose at least one checklist.", "nl": "Kies minstens één vragenlijst."},
    # flow: questions
    "flow.progress": {"en": "Part {step} of {steps} · {answered} of {total} questions answered",
                      "nl": "Deel {step} van {steps} · {answered} van {total} vragen beantwoord"},
    "flow.back": {"en": "Back", "nl": "Terug"},
    "flow.next": {"en": "Next", "nl": "Volgende"},
    "flow.submit": {"en": "See the report", "nl": "Naar het rapport"},
    "flow.save": {"en": "Save progress (download)", "nl": "Voortgang opslaan (downloaden)"},
    "flow.restart": {"en": "Start over", "nl": "Opnieuw beginnen"},
    "flow.missing": {"en": "{n} question(s) still need an answer ('I don't know' counts):",
                     "nl": "{n} vraag/vragen hebben nog een antwoord nodig ('weet ik niet' telt mee):"},
    "flow.unsure_box": {"en": "I don't know", "nl": "Weet ik niet"},
    "flow.optional": {"en": "optional", "nl": "optioneel"},
    "flow.help_hint": {"en": "Hover over or tap the (?) beside a question to see why it matters.",
                       "nl": "Ga met je muis over de (?) naast een vraag, of tik erop, om te zien waarom die vraag telt."},
    "flow.nothing_selected": {"en": "Nothing chosen yet", "nl": "Nog niets gekozen"},
    # report
    "report.title": {"en": "Report", "nl": "Rapport"},
    "report.audit_title": {"en": "Self-audit report", "nl": "Rapport zelfevaluatie"},
    "report.none": {"en": "There is no report yet. Answer a checklist first.",
                    "nl": "Er is nog geen rapport. Vul eerst een vragenlijst in."},
    "report.critical": {"en": "Critical red flags", "nl": "Kritieke waarschuwingssignalen"},
    "report.no_critical": {"en": "No critical red flags were raised by your answers.",
                           "nl": "Je antwoorden leverden geen kritieke waarschuwingssignalen op."},
    "report.unverified": {"en": "Unverified critical points", "nl": "Niet geverifieerde kritieke punten"},
    "report.unverified_help": {
        "en": "You answered 'I don't know' to these critical questions. They are not passed: ask the provider.",
        "nl": "Op deze kritieke vragen antwoordde je 'weet ik niet'. Ze zijn niet in orde bevonden: vraag het "
              "de aanbieder."},
    "report.other_flags": {"en": "Other warning signs", "nl": "Andere waarschuwingssignalen"},
    "report.questions": {"en": "Questions to ask the provider", "nl": "Vragen om aan de aanbieder te stellen"},
    "report.open_items": {"en": "Questions still open", "nl": "Vragen die nog openstaan"},
    "report.action_plan": {"en": "Action plan: what is not met yet", "nl": "Actieplan: wat nog niet op orde is"},
    "report.scores": {"en": "Scores", "nl": "Scores"},
    "report.alliance": {"en": "Working alliance (described, not judged)",
                        "nl": "Werkrelatie (beschreven, niet beoordeeld)"},
    "report.descriptive": {"en": "described, no pass mark", "nl": "beschreven, geen voldoende"},
    "report.items": {"en": "Item by item", "nl": "Vraag voor vraag"},
    "report.why": {"en": "Why it matters", "nl": "Waarom dit telt"},
    "report.source": {"en": "Source", "nl": "Bron"},
    "report.download": {"en": "Keep this report", "nl": "Dit rapport bewaren"},
    "report.download_json": {"en": "Result file (JSON, for Compare and Resume)",
                             "nl": "Resultaatbestand (JSON, voor Vergelijken en Verder gaan)"},
    "report.download_csv": {"en": "Item table (CSV)", "nl": "Vragentabel (CSV)"},
    "report.download_html": {"en": "Report (HTML, opens offline, prints well)",
                             "nl": "Rapport (HTML, werkt offline, goed af te drukken)"},
    "report.trend": {"en": "Progress across audits", "nl": "Voortgang over evaluaties"},
    "report.trend_upload": {"en": "Upload earlier self-audit result files",
                            "nl": "Upload eerdere resultaatbestanden van zelfevaluaties"},
    "report.edit": {"en": "Change answers", "nl": "Antwoorden aanpassen"},
    # overall and levels
    "overall.critical": {"en": "Critical: at least one critical red flag", "nl": "Kritiek: minstens één kritiek waarschuwingssignaal"},
    "overall.concerns": {"en": "Serious concerns", "nl": "Ernstige zorgen"},
    "overall.partial": {"en": "Partly meets the criteria", "nl": "Voldoet deels aan de criteria"},
    "overall.incomplete": {"en": "Incomplete: too few answers to judge", "nl": "Onvolledig: te weinig antwoorden om te oordelen"},
    "overall.meets": {"en": "Meets the criteria that were answered", "nl": "Voldoet aan de beantwoorde criteria"},
    "overall.none": {"en": "Described only", "nl": "Alleen beschreven"},
    "level.critical": {"en": "critical", "nl": "kritiek"},
    "level.concerns": {"en": "concerns", "nl": "zorgen"},
    "level.partial": {"en": "partly", "nl": "deels"},
    "level.incomplete": {"en": "incomplete", "nl": "onvolledig"},
    "level.meets": {"en": "meets", "nl": "voldoet"},
    "level.none": {"en": "described", "nl": "beschreven"},
    "severity.critical": {"en": "Critical", "nl": "Kritiek"},
    "severity.major": {"en": "Major", "nl": "Zwaar"},
    "severity.minor": {"en": "Minor", "nl": "Licht"},
    # tables and charts
    "table.instrument": {"en": "Checklist", "nl": "Vragenlijst"},
    "table.question": {"en": "Question", "nl": "Vraag"},
    "table.answer": {"en": "Answer", "nl": "Antwoord"},
    "table.points": {"en": "Points", "nl": "Punten"},
    "table.criteria": {"en": "Criteria", "nl": "Criteria"},
    "table.score": {"en": "Score", "nl": "Score"},
    "table.verdict": {"en": "Verdict", "nl": "Oordeel"},
    "table.file": {"en": "File", "nl": "Bestand"},
    "table.bands": {"en": "Bands", "nl": "Grenzen"},
    "table.flag": {"en": "Warning sign", "nl": "Waarschuwingssignaal"},
    "chart.scores": {"en": "Score per checklist", "nl": "Score per vragenlijst"},
    "chart.percent": {"en": "% of points reached", "nl": "% van de punten gehaald"},
    "chart.alliance": {"en": "Working alliance, mean per dimension (1–5)",
                       "nl": "Werkrelatie, gemiddelde per dimensie (1–5)"},
    "chart.compare": {"en": "Scores side by side", "nl": "Scores naast elkaar"},
    "chart.trend": {"en": "Self-audit scores over time", "nl": "Scores van zelfevaluaties door de tijd"},
    # compare
    "compare.title": {"en": "Compare results", "nl": "Resultaten vergelijken"},
    "compare.intro": {
        "en": "Upload two to six result files (from the report's download) to see them side by side.",
        "nl": "Upload twee tot zes resultaatbestanden (uit de download van het rapport) om ze naast elkaar te zien."},
    "compare.upload": {"en": "Result files", "nl": "Resultaatbestanden"},
    "compare.need_two": {"en": "Upload at least two result files.", "nl": "Upload minstens twee resultaatbestanden."},
    "compare.too_many": {"en": "At most six files can be compared; the first six are used.",
                         "nl": "Er kunnen maximaal zes bestanden vergeleken worden; de eerste zes worden gebruikt."},
    "compare.differences": {"en": "Where they differ", "nl": "Waar ze verschillen"},
    "compare.same": {"en": "These results do not differ in verdicts, scores or flags.",
                     "nl": "Deze resultaten verschillen niet in oordelen, scores of signalen."},
    "compare.raised": {"en": "raised", "nl": "gesignaleerd"},
    # instruments page
    "instruments.title": {"en": "Instruments", "nl": "Vragenlijsten"},
    "instruments.intro": {
        "en": "The checklists GuideCheck knows, with their questions, criteria, sources and how they are scored. "
              "You can also try your own instrument file.",
        "nl": "De vragenlijsten die GuideCheck kent, met hun vragen, criteria, bronnen en hoe ze gescoord worden. "
              "Je kunt ook je eigen vragenlijstbestand uitproberen."},
    "instruments.summary": {"en": "questions: {items} · parts: {sections} · version {version}",
                            "nl": "vragen: {items} · delen: {sections} · versie {version}"},
    "instruments.upload": {"en": "Your own instrument (YAML)", "nl": "Je eigen vragenlijst (YAML)"},
    "instruments.problems": {"en": "This file has {n} problem(s):", "nl": "Dit bestand heeft {n} probleem/problemen:"},
    "instruments.valid": {"en": "The file is valid.", "nl": "Het bestand is geldig."},
    "instruments.use": {"en": "Use this instrument in this session", "nl": "Gebruik deze vragenlijst in deze sessie"},
    "instruments.used": {"en": "Added: you can choose it when you vet a guide or audit yourself.",
                         "nl": "Toegevoegd: je kunt hem kiezen als je een begeleider checkt of een zelfevaluatie doet."},
    "instruments.clash": {"en": "A built-in instrument already has the id '{id}'.",
                          "nl": "Een ingebouwde vragenlijst heeft al het id '{id}'."},
    "instruments.scoring": {"en": "How it is scored", "nl": "Hoe het gescoord wordt"},
    "instruments.flag": {"en": "{severity} flag when: {when}", "nl": "{severity} signaal als: {when}"},
    "instruments.points": {"en": "points", "nl": "punten"},
    "instruments.shown_if": {"en": "asked only if: {expr}", "nl": "alleen gevraagd als: {expr}"},
    "instruments.score_line": {"en": "{label}: {method} over {n} questions",
                               "nl": "{label}: {method} over {n} vragen"},
    "method.percent": {"en": "percent of the points possible", "nl": "percentage van de mogelijke punten"},
    "method.mean": {"en": "mean", "nl": "gemiddelde"},
    "method.sum": {"en": "sum", "nl": "som"},
    # files
    "file.bad": {"en": "{name}: {error}", "nl": "{name}: {error}"},
    "results.too_big": {"en": "the file is {size} bytes; a result file is at most {limit}",
                        "nl": "het bestand is {size} bytes; een resultaatbestand is hoogstens {limit}"},
    "results.not_json": {"en": "this is not a GuideCheck result file (it is not JSON that can be read)",
                         "nl": "dit is geen resultaatbestand van GuideCheck (het is geen leesbare JSON)"},
    "results.not_result": {"en": "this is not a GuideCheck result file (at {where})",
                           "nl": "dit is geen resultaatbestand van GuideCheck (bij {where})"},
    "results.wrong_kind": {"en": "this file is a {found} result, not a {wanted} one",
                           "nl": "dit bestand is een resultaat van {found}, niet van {wanted}"},
    "results.kind_vetting": {"en": "vetting", "nl": "een begeleider checken"},
    "results.kind_self_audit": {"en": "self-audit", "nl": "zelfevaluatie"},
    "results.unknown_instrument": {"en": "instrument '{id}' is not available here; its answers were left out",
                                   "nl": "vragenlijst '{id}' is hier niet beschikbaar; de antwoorden zijn weggelaten"},
    "results.other_version": {"en": "'{id}' was answered with version {old}; this is version {new}. The answers "
                                    "were scored again with the current version.",
                              "nl": "'{id}' is ingevuld met versie {old}; dit is versie {new}. De antwoorden zijn "
                                    "opnieuw gescoord met de huidige versie."},
    "results.bad_answer": {"en": "'{id}': {item}: {problem}; left out", "nl": "'{id}': {item}: {problem}; weggelaten"},
    "results.too_large": {"en": "the number is too large", "nl": "het getal is te groot"},
    "results.unknown_items": {"en": "'{id}': {n} questions in the file no longer exist ({ids}); their answers were "
                                    "left out",
                              "nl": "'{id}': {n} vragen in het bestand bestaan niet meer ({ids}); de antwoorden zijn "
                                    "weggelaten"},
    # research: participants
    "nav.research": {"en": "Research", "nl": "Onderzoek"},
    "nav.study": {"en": "Study", "nl": "Studie"},
    "study.unknown": {"en": "This study link is not valid. Check the link you were given.",
                      "nl": "Deze studielink is niet geldig. Controleer de link die je hebt gekregen."},
    "study.closed": {"en": "This study is closed and no longer takes responses. Thank you for your interest.",
                     "nl": "Deze studie is gesloten en neemt geen antwoorden meer aan. Bedankt voor je interesse."},
    "study.unavailable": {"en": "The study cannot be reached right now. Please try again later.",
                          "nl": "De studie is nu niet bereikbaar. Probeer het later opnieuw."},
    "study.anonymous": {
        "en": "Your answers are anonymous: no name, address, IP address or time is stored, only the date. "
              "Results are only shown for groups of at least {k} people.",
        "nl": "Je antwoorden zijn anoniem: er wordt geen naam, adres, IP-adres of tijdstip bewaard, alleen de "
              "datum. Uitkomsten worden alleen getoond voor groepen van minstens {k} mensen."},
    "study.consent": {"en": "I have read this and agree to take part", "nl": "Ik heb dit gelezen en doe mee"},
    "study.start": {"en": "Start", "nl": "Beginnen"},
    "study.free_text_warning": {
        "en": "Please do not write names or anything else that could identify you or someone else.",
        "nl": "Schrijf geen namen of iets anders op waaraan jij of iemand anders te herkennen is."},
    "study.submit": {"en": "Send my answers", "nl": "Mijn antwoorden versturen"},
    "study.thanks": {"en": "Thank you. Your answers have been saved.", "nl": "Dank je wel. Je antwoorden zijn opgeslagen."},
    "study.failed": {"en": "Your answers could not be saved. Nothing is lost: please press send again.",
                     "nl": "Je antwoorden konden niet worden opgeslagen. Er is niets verloren: druk nog eens op versturen."},
    # research: researchers
    "research.title": {"en": "Research", "nl": "Onderzoek"},
    "research.not_configured": {
        "en": "Research mode is not set up on this server. Set the environment variable GUIDECHECK_RESEARCH_PASSWORD "
              "(or research_password in .streamlit/secrets.toml) and restart.",
        "nl": "Onderzoeksmodus is op deze server niet ingesteld. Zet de omgevingsvariabele "
              "GUIDECHECK_RESEARCH_PASSWORD (of research_password in .streamlit/secrets.toml) en start opnieuw."},
    "research.password": {"en": "Researcher password", "nl": "Wachtwoord voor onderzoekers"},
    "research.login": {"en": "Log in", "nl": "Inloggen"},
    "research.login_idp": {"en": "Log in with your organisation's account", "nl": "Inloggen met het account van je organisatie"},
    "research.wrong": {"en": "That password is not right.", "nl": "Dat wachtwoord klopt niet."},
    "research.logout": {"en": "Log out", "nl": "Uitloggen"},
    "research.store_error": {"en": "The database cannot be used: {error}", "nl": "De database is niet te gebruiken: {error}"},
    "research.tab_studies": {"en": "Studies", "nl": "Studies"},
    "research.tab_dashboard": {"en": "Dashboard", "nl": "Dashboard"},
    "research.tab_export": {"en": "Export", "nl": "Exporteren"},
    "research.tab_import": {"en": "Import a CSV", "nl": "Een CSV importeren"},
    "research.new_study": {"en": "New study", "nl": "Nieuwe studie"},
    "research.study_title": {"en": "Title", "nl": "Titel"},
    "research.study_instruments": {"en": "Instruments", "nl": "Vragenlijsten"},
    "research.study_languages": {"en": "Languages", "nl": "Talen"},
    "research.min_group": {"en": "Minimum group size for any figure (never below 5)",
                           "nl": "Minimale groepsgrootte voor elk getal (nooit onder 5)"},
    "research.free_text": {"en": "Ask free-text questions", "nl": "Open vragen stellen"},
    "research.free_text_warning": {
        "en": "Free text can identify people even when nothing else does. Turn it on only if the study needs it and "
              "its ethics approval covers it.",
        "nl": "Vrije tekst kan mensen herkenbaar maken, ook als niets anders dat doet. Zet het alleen aan als de "
              "studie het nodig heeft en de ethische goedkeuring het dekt."},
    "research.consent_text": {"en": "Consent text shown to participants", "nl": "Toestemmingstekst voor deelnemers"},
    "research.providers": {"en": "Provider codes, one per line (no names)", "nl": "Aanbiedercodes, één per regel (geen namen)"},
    "research.create": {"en": "Create study", "nl": "Studie aanmaken"},
    "research.created": {"en": "Study created.", "nl": "Studie aangemaakt."},
    "research.need_title": {"en": "Give the study a title and at least one instrument.",
                            "nl": "Geef de studie een titel en minstens één vragenlijst."},
    "research.link": {"en": "Participant link", "nl": "Link voor deelnemers"},
    "research.bad_providers": {"en": "These provider codes cannot be used (at most {max} characters, no invisible or control characters): {codes}",
                               "nl": "Deze aanbiedercodes zijn niet te gebruiken (hoogstens {max} tekens, geen onzichtbare tekens of stuurtekens): {codes}"},
    "research.password_too_short": {"en": "Research mode is off: the researcher password must be at least {n} characters long. Set a longer one and start the app again.",
                                    "nl": "De onderzoeksmodus staat uit: het wachtwoord voor onderzoekers moet minstens {n} tekens lang zijn. Stel een langer wachtwoord in en start de app opnieuw."},
    "research.wait": {"en": "Too many wrong passwords. Try again in {s} seconds.",
                      "nl": "Te veel verkeerde wachtwoorden. Probeer het over {s} seconden opnieuw."},
    "research.links_per_provider": {"en": "Links per provider", "nl": "Links per aanbieder"},
    "research.responses": {"en": "{n} responses", "nl": "{n} antwoorden"},
    "research.open": {"en": "Open for responses", "nl": "Open voor antwoorden"},
    "research.no_studies": {"en": "No studies yet.", "nl": "Nog geen studies."},
    "research.choose_study": {"en": "Study", "nl": "Studie"},
    "research.choose_instrument": {"en": "Instrument", "nl": "Vragenlijst"},
    "research.choose_version": {"en": "Version", "nl": "Versie"},
    "research.versions_warning": {
        "en": "This study holds answers to {n} versions of this instrument. Figures are never pooled across "
              "versions: choose one.",
        "nl": "Deze studie bevat antwoorden op {n} versies van deze vragenlijst. Getallen worden nooit over versies "
              "heen samengevoegd: kies er één."},
    "research.no_data": {"en": "No responses yet.", "nl": "Nog geen antwoorden."},
    "research.over_time": {"en": "Responses per day", "nl": "Antwoorden per dag"},
    "research.distribution": {"en": "Distribution of {score}", "nl": "Verdeling van {score}"},
    "research.by_provider": {"en": "Mean per provider with 95% interval", "nl": "Gemiddelde per aanbieder met 95%-interval"},
    "research.suppressed": {
        "en": "Providers with fewer than {k} responses are pooled into 'other', together with the next-smallest "
              "where needed, so that no small group can be worked out.",
        "nl": "Aanbieders met minder dan {k} antwoorden worden samengevoegd tot 'overig', zo nodig samen met de "
              "volgende kleinste, zodat geen kleine groep te herleiden is."},
    "research.alpha": {"en": "Reliability (Cronbach's alpha, complete cases)", "nl": "Betrouwbaarheid (Cronbachs alfa, volledige gevallen)"},
    "research.likert": {"en": "Answers to rating questions", "nl": "Antwoorden op beoordelingsvragen"},
    "research.flags": {"en": "How often each flag was raised", "nl": "Hoe vaak elk signaal werd gegeven"},
    "research.share": {"en": "share of responses", "nl": "aandeel van de antwoorden"},
    "research.too_few": {"en": "Fewer than {k} responses: figures are withheld.",
                         "nl": "Minder dan {k} antwoorden: getallen worden niet getoond."},
    "research.export_csv": {"en": "Responses (CSV)", "nl": "Antwoorden (CSV)"},
    "research.export_parquet": {"en": "Responses (Parquet)", "nl": "Antwoorden (Parquet)"},
    "research.export_codebook": {"en": "Codebook (CSV)", "nl": "Codeboek (CSV)"},
    "research.export_note": {
        "en": "Every file carries the instrument's content hash; one file holds one version only. Exports hold "
              "individual anonymous responses: keep them as the study's data protection plan says.",
        "nl": "Elk bestand bevat de inhoudshash van de vragenlijst; één bestand bevat maar één versie. Exports "
              "bevatten losse anonieme antwoorden: bewaar ze zoals het gegevensbeschermingsplan van de studie zegt."},
    "research.import_intro": {
        "en": "Score and aggregate a CSV of responses gathered elsewhere (one row per response, one column per item, "
              "optionally a provider column). Nothing is stored.",
        "nl": "Scoor en bundel een CSV met elders verzamelde antwoorden (één rij per antwoord, één kolom per vraag, "
              "eventueel een kolom provider). Er wordt niets bewaard."},
    "research.import_file": {"en": "Responses (CSV)", "nl": "Antwoorden (CSV)"},
    "research.import_by": {"en": "Group by column", "nl": "Groeperen op kolom"},
    "research.import_none": {"en": "(no grouping)", "nl": "(niet groeperen)"},
}


def t(key: str, lang: str = "en", **values) -> str:
    """The text for ``key`` in ``lang`` (English where a language is missing), filled in."""
    entry = UI[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text
