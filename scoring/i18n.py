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
        "nl": "Checklists om te beoordelen wie MDMA-sessies begeleidt: therapeutenteams in onderzoek en klinische "
              "programma's, en tripsitters die werken vanuit harm reduction."},
    "home.why": {
        "en": "Outside research there is no quality control, and people often choose a guide on trust. GuideCheck "
              "turns the criteria that careful sources agree on into questions anyone can answer, and scores the "
              "answers openly.",
        "nl": "Buiten onderzoek houdt niemand toezicht op de kwaliteit, en vaak kiezen mensen een begeleider op goed "
              "vertrouwen. GuideCheck maakt van de criteria waarover zorgvuldige bronnen het eens zijn vragen die "
              "iedereen kan beantwoorden, en laat precies zien hoe de antwoorden worden gescoord."},
    "home.paths": {"en": "Three ways to use it", "nl": "Drie manieren om GuideCheck te gebruiken"},
    "home.path_vet": {
        "en": "**Vet a guide** before an intake or a session: answer what you know about the guide, and get a "
              "report with red flags first, what you could not verify, and questions to ask.",
        "nl": "**Een begeleider checken** vóór een intakegesprek of sessie: je beantwoordt wat je over de begeleider "
              "weet en krijgt een rapport met bovenaan de waarschuwingssignalen, daarna wat je niet kon nagaan en "
              "vragen die je kunt stellen."},
    "home.path_audit": {
        "en": "**Self-audit** as an organisation: the same criteria phrased for you, an action plan of what is "
              "not met yet, and your progress across audits.",
        "nl": "**Zelfevaluatie** voor organisaties: dezelfde criteria, toegespitst op je eigen organisatie, een "
              "actieplan met wat nog niet op orde is, en je voortgang van evaluatie tot evaluatie."},
    "home.path_research": {
        "en": "**Research**: a study collects anonymous responses through its study link, and researchers read "
              "figures for groups large enough to protect everyone on the Research page.",
        "nl": "**Onderzoek**: een studie verzamelt via een eigen link anonieme antwoorden. Op de pagina Onderzoek "
              "zien onderzoekers alleen cijfers over groepen die groot genoeg zijn om niemand herkenbaar te maken."},
    "home.how": {"en": "How scoring works", "nl": "Zo werkt de score"},
    "home.how_text": {
        "en": "Each question counts by its weight: 3 for a critical point, 2 for a major one, 1 for a minor one, "
              "whatever its answer scale. The score is the weighted share of careful answers over the questions "
              "you could answer, and it needs at least half of them. A verdict is only as good as its worst "
              "finding: one critical answer makes it 'critical', whatever the score; a critical question you "
              "answered 'I don't know' or left open makes it 'not cleared' until the provider answers it; a "
              "major warning sign keeps it below the top band. Questions you cannot know yet (before the intake, "
              "before a session) are not asked. The working-alliance profile is only described, never passed or "
              "failed.",
        "nl": "Elke vraag telt mee volgens haar gewicht: 3 voor een kritiek punt, 2 voor een zwaar punt en 1 voor een "
              "licht punt, welke antwoordschaal de vraag ook heeft. De score is het gewogen deel van de zorgvuldige "
              "antwoorden "
              "op de vragen die je kon beantwoorden, en je moet minstens de helft daarvan beantwoorden. Een oordeel "
              "is nooit beter dan de ernstigste bevinding: één kritiek antwoord maakt het 'kritiek', wat de score "
              "ook is; een kritieke vraag waarop je 'weet ik niet' antwoordde of die je openliet, maakt het 'nog "
              "niet bevestigd' tot de aanbieder die vraag beantwoordt; een zwaar waarschuwingssignaal houdt het "
              "onder de hoogste categorie. Vragen die je nog niet kunt weten (vóór het intakegesprek of vóór een "
              "sessie) krijg je niet. Het profiel van de werkrelatie wordt alleen beschreven, nooit goed- of "
              "afgekeurd."},
    "home.legal": {"en": "The law", "nl": "Wat de wet zegt"},
    "home.legal_text": {
        "en": "The law on MDMA differs from country to country, and this is a summary, not legal advice.\n\n"
              "- **Netherlands**: MDMA is prohibited in the Netherlands (list I of the Opium Act). It may be "
              "given to people only in approved research. Harm reduction is a way of working, not a legal "
              "category: calling a session harm reduction does not make it legal, and a sitter offers no "
              "medical treatment.\n"
              "- **United States**: MDMA has been in Schedule I since 1985, so doctors cannot prescribe it; "
              "people receive it only in approved trials or through special access programmes. The FDA named it "
              "a Breakthrough Therapy in 2017 and turned down the first application to approve it in 2024.\n"
              "- **Australia**: since 1 July 2023, psychiatrists with an authorisation may prescribe MDMA for "
              "post-traumatic stress disorder (PTSD).\n"
              "- **Elsewhere**: as of 2025 most countries had not approved MDMA as a medicine, and having it is "
              "a serious offence in most of them.\n\n"
              "Check your local law. Low enforcement does not make anything safe.",
        "nl": "De wet rond MDMA verschilt per land. Dit is een samenvatting, geen juridisch advies.\n\n"
              "- **Nederland**: MDMA is verboden (lijst I van de Opiumwet). Alleen in goedgekeurd onderzoek mag "
              "het aan mensen worden gegeven. Harm reduction is een manier van werken, geen wettelijke categorie: "
              "een sessie wordt niet legaal doordat je haar harm reduction noemt, en een tripsitter biedt geen "
              "medische behandeling.\n"
              "- **Verenigde Staten**: MDMA staat sinds 1985 op Schedule I, dus artsen mogen het niet "
              "voorschrijven; mensen krijgen het alleen in goedgekeurde studies of via speciale "
              "toegangsprogramma's. De FDA gaf het in 2017 de status Breakthrough Therapy en wees in 2024 de "
              "eerste aanvraag tot toelating af.\n"
              "- **Australië**: sinds 1 juli 2023 mogen psychiaters met een speciale machtiging MDMA voorschrijven "
              "bij een posttraumatische stressstoornis (PTSS).\n"
              "- **Elders**: in 2025 hadden de meeste landen MDMA niet als geneesmiddel toegelaten, en bezit is "
              "er meestal een zwaar strafbaar feit.\n\n"
              "Zoek uit wat de wet zegt waar jij woont. Dat er weinig wordt gehandhaafd, maakt niets veilig."},
    "home.sources": {"en": "Sources", "nl": "Bronnen"},
    "home.sources_text": {
        "en": "The criteria rest on three documents: a Dutch harm-reduction article, a promotional explainer of "
              "MDMA therapy, and a community guide from r/mdmatherapy. Two of them are promotional or community "
              "material; GuideCheck uses their criteria, in its own words, not their claims. Since revision 2 the "
              "checklists also draw on rules and codes from outside these documents: Oregon's psilocybin "
              "services rules, Colorado's natural medicine rules, the MAPS code of ethics and the Fireside "
              "Project's warning signs.",
        "nl": "De criteria zijn gebaseerd op drie documenten: een Nederlands artikel over harm reduction, een "
              "wervende uitleg over MDMA-therapie en een gids van de community r/mdmatherapy. Twee daarvan zijn "
              "reclame of door gebruikers geschreven; GuideCheck neemt hun criteria over, in eigen woorden, maar "
              "niet hun beweringen. Sinds revisie 2 putten de checklists ook uit regels en codes van buiten deze "
              "documenten: de regels voor psilocybinediensten in Oregon, de regels voor natuurlijke medicijnen in "
              "Colorado, de ethische code van MAPS en de waarschuwingssignalen van het Fireside Project."},
    "home.start_vet": {"en": "Vet a guide", "nl": "Een begeleider checken"},
    "home.start_audit": {"en": "Start a self-audit", "nl": "Zelfevaluatie starten"},
    # crisis box
    "crisis.title": {"en": "Need support now?", "nl": "Heb je nu steun nodig?"},
    "crisis.country": {"en": "Where are you?", "nl": "Waar ben je?"},
    # contexts
    "context.clinical": {"en": "Research or clinical programme", "nl": "Onderzoek of klinisch programma"},
    "context.harm_reduction": {"en": "Harm reduction (non-medical guidance or sitting)",
                               "nl": "Harm reduction (niet-medische begeleiding of tripsitten)"},
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
        "nl": "Beantwoord wat je weet over de begeleider of de aanbieder. 'Weet ik niet' mag altijd: zo'n vraag komt "
              "in je rapport terug als vraag die je kunt stellen. Je antwoorden blijven in dit browservenster; de "
              "server bewaart niets. Wil je later verder, download dan een voortgangsbestand."},
    "flow.audit_intro": {
        "en": "Answer for your own organisation. The report adds an action plan of what is not met yet, and you "
              "can upload earlier audits to see your progress. Nothing is stored on the server.",
        "nl": "Beantwoord de vragen voor je eigen organisatie. In het rapport staat een actieplan met wat nog niet "
              "op orde is, en als je eerdere evaluaties uploadt, zie je je voortgang. De server bewaart niets."},
    "flow.context": {"en": "What kind of setting is it?", "nl": "Om wat voor setting gaat het?"},
    "flow.context_help": {
        "en": "The setting decides which questions apply and which benchmark is used.",
        "nl": "De setting bepaalt welke vragen gelden en welke maatstaf wordt gebruikt."},
    "flow.instruments": {"en": "Checklists to answer", "nl": "Vragenlijsten om in te vullen"},
    "flow.instruments_help": {
        "en": "All checklists that apply are selected; the red-flag screen comes first.",
        "nl": "Alle vragenlijsten die van toepassing zijn, zijn al gekozen; de check op waarschuwingssignalen komt "
              "eerst."},
    "flow.label": {"en": "A name for the guide (optional)", "nl": "Een naam voor de begeleider (optioneel)"},
    "flow.label_audit": {"en": "A name for this audit (optional)", "nl": "Een naam voor deze evaluatie (optioneel)"},
    "flow.label_help": {"en": "Only used in your report and files.", "nl": "Komt alleen in je rapport en je "
                                                                           "bestanden."},
    "flow.start": {"en": "Start", "nl": "Beginnen"},
    "flow.resume": {"en": "Resume from a saved file", "nl": "Verder met een opgeslagen bestand"},
    "flow.resumed": {"en": "Your saved answers are back.", "nl": "Je opgeslagen antwoorden zijn weer geladen."},
    "flow.pick_one": {"en": "Choose at least one checklist.", "nl": "Kies minstens één vragenlijst."},
    # flow: questions
    "flow.progress": {"en": "Part {step} of {steps} · {answered} of {total} questions answered",
                      "nl": "Deel {step} van {steps} · {answered} van {total} vragen beantwoord"},
    "flow.back": {"en": "Back", "nl": "Terug"},
    "flow.next": {"en": "Next", "nl": "Volgende"},
    "flow.submit": {"en": "See the report", "nl": "Naar het rapport"},
    "flow.save": {"en": "Save progress (download)", "nl": "Voortgang opslaan (downloaden)"},
    "flow.restart": {"en": "Start over", "nl": "Opnieuw beginnen"},
    "flow.missing": {"en": "{n} questions still need an answer ('I don't know' counts as one):",
                     "nl": "{n} vragen hebben nog een antwoord nodig ('weet ik niet' telt ook als antwoord):"},
    "flow.missing_one": {"en": "{n} question still needs an answer ('I don't know' counts as one):",
                         "nl": "{n} vraag heeft nog een antwoord nodig ('weet ik niet' telt ook als antwoord):"},
    "flow.part": {"en": "Part {k}", "nl": "Deel {k}"},
    "flow.go_to_part": {"en": "Go to part {k}", "nl": "Naar deel {k}"},
    "flow.unsure_box": {"en": "I don't know", "nl": "Weet ik niet"},
    "flow.optional": {"en": "optional", "nl": "optioneel"},
    "flow.help_hint": {"en": "Hover over or tap the (?) beside a question to see why it matters.",
                       "nl": "Houd je muis boven de (?) naast een vraag of tik erop: dan zie je waarom die vraag "
                             "ertoe doet."},
    "flow.answer_stage": {"en": "Where are you with this guide?", "nl": "Hoe ver ben je met deze begeleider?"},
    "flow.answer_stage_help": {
        "en": "Questions that can only be answered later (after the intake or after a session) are left out until "
              "then, so you are never asked what you cannot know yet.",
        "nl": "Vragen die je pas later kunt beantwoorden (na het intakegesprek of na een sessie) krijg je pas op dat "
              "moment. Zo vragen we nooit naar iets wat je nog niet kunt weten."},
    "stage.choice.before_intake": {"en": "Before the intake: I am still choosing",
                                   "nl": "Vóór het intakegesprek: ik ben nog aan het kiezen"},
    "stage.choice.after_intake": {"en": "I have had the intake", "nl": "Ik heb het intakegesprek gehad"},
    "stage.choice.after_session": {"en": "I have had a session", "nl": "Ik heb een sessie gehad"},
    "flow.full_check": {"en": "Next: the full check", "nl": "Hierna: de volledige check"},
    "flow.full_check_help": {
        "en": "This was the call before booking. After the intake, and again after a session, the full check asks "
              "what you could not know yet. Your answers so far are kept.",
        "nl": "Dit was het gesprek voordat je boekt. Na het intakegesprek, en nog eens na een sessie, vraagt de "
              "volledige check wat je eerder nog niet kon weten. Je antwoorden tot nu toe blijven bewaard."},
    "flow.full_check_at": {"en": "Full check {stage}", "nl": "Volledige check {stage}"},
    "flow.full_check_started": {"en": "The full check: you start at the first part with an open question.",
                                "nl": "De volledige check: je begint bij het eerste deel met een open vraag."},
    "flow.restored": {"en": "Welcome back: your answers were kept in this browser, and you are at the first "
                            "part with an open question.",
                      "nl": "Welkom terug: je antwoorden waren in deze browser bewaard. Je staat bij het eerste "
                            "deel met een open vraag."},
    "flow.forget": {"en": "Forget my answers on this device", "nl": "Vergeet mijn antwoorden op dit apparaat"},
    "flow.forget_help": {
        "en": "Your answers are kept only in this browser, so that a reload or a closed tab loses nothing. This "
              "removes them from this browser and starts again.",
        "nl": "Je antwoorden staan alleen in deze browser, zodat je niets kwijtraakt als je de pagina opnieuw "
              "laadt of het tabblad sluit. Hiermee haal je ze uit deze browser en begin je opnieuw."},
    "flow.nothing_selected": {"en": "Nothing chosen yet", "nl": "Nog niets gekozen"},
    # report
    "report.title": {"en": "Report", "nl": "Rapport"},
    "report.audit_title": {"en": "Self-audit report", "nl": "Rapport zelfevaluatie"},
    "report.none": {"en": "No report is open. If you answered a checklist in this browser, your answers are kept: "
                          "open Vet a guide or Self-audit to see its report again. Otherwise, answer a checklist first.",
                    "nl": "Er is geen rapport geopend. Heb je in deze browser een vragenlijst ingevuld, dan zijn je "
                          "antwoorden bewaard: open Een begeleider checken of Zelfevaluatie om het rapport weer te "
                          "zien. Anders vul je eerst een vragenlijst in."},
    "report.critical": {"en": "Critical red flags", "nl": "Kritieke waarschuwingssignalen"},
    "report.no_critical": {"en": "No critical red flags were raised by your answers.",
                           "nl": "Je antwoorden leverden geen kritieke waarschuwingssignalen op."},
    "report.no_critical_open": {
        "en": "No critical red flag was raised, but that does not clear the provider: you could not check every "
              "critical point (see below).",
        "nl": "Er kwam geen kritiek waarschuwingssignaal naar voren, maar dat betekent nog niet dat alles in orde "
              "is: je kon niet alle kritieke punten nagaan (zie hieronder)."},
    "report.no_critical_flags_listed": {
        "en": "No critical red flag was raised; other warning signs are listed below.",
        "nl": "Er kwam geen kritiek waarschuwingssignaal naar voren; andere waarschuwingssignalen staan hieronder."},
    "report.no_critical_plain": {"en": "No critical red flag was raised.",
                                 "nl": "Er kwam geen kritiek waarschuwingssignaal naar voren."},
    "report.unverified": {"en": "Not cleared: ask the provider", "nl": "Nog niet bevestigd: vraag het de aanbieder"},
    "report.unverified_help": {
        "en": "You answered 'I don't know' to these critical questions, or left them open. They count as not "
              "cleared, never as passed, until the provider has answered them. Questions you can ask:",
        "nl": "Op deze kritieke vragen antwoordde je 'weet ik niet', of je liet ze open. Zolang de aanbieder ze niet "
              "heeft beantwoord, tellen ze als nog niet bevestigd, en nooit als in orde. Dit kun je vragen:"},
    "report.unverified_audit": {
        "en": "These critical points are answered 'don't know' or left open. Until they are settled, the audit "
              "cannot count them as met.",
        "nl": "Bij deze kritieke punten staat 'weet ik niet' of nog geen antwoord. Zolang dat niet is uitgezocht, "
              "telt de evaluatie ze niet als in orde."},
    "compare.mixed_audiences": {
        "en": "These files mix a person's vetting with an organisation's self-audit. The questions are phrased "
              "for different people, so differences may say more about who answered than about the provider.",
        "nl": "Deze bestanden combineren een check door een persoon met een zelfevaluatie van een organisatie. De "
              "vragen zijn voor verschillende mensen geschreven, dus verschillen kunnen meer zeggen over wie "
              "antwoordde dan over de aanbieder."},
    "questions.title": {"en": "Questions to ask the provider", "nl": "Vragen voor de aanbieder"},
    "questions.sheet_intro": {
        "en": "Questions you could not answer yet, to put to the provider. Write down what they say; a clear "
              "answer to a critical question matters more than any score.",
        "nl": "Vragen die je nog niet kon beantwoorden, om aan de aanbieder te stellen. Schrijf op wat er gezegd "
              "wordt; een duidelijk antwoord op een kritieke vraag weegt zwaarder dan welke score ook."},
    "questions.download": {"en": "Questions to ask (printable sheet)", "nl": "Vragen voor de aanbieder (om te printen)"},
    "report.unverified_short": {"en": "Not cleared", "nl": "Nog niet bevestigd"},
    "report.show_list": {"en": "Show the list ({n})", "nl": "Toon de lijst ({n})"},
    "report.stage": {"en": "Answers given {stage}", "nl": "Antwoorden gegeven {stage}"},
    "report.other_flags": {"en": "Other warning signs", "nl": "Andere waarschuwingssignalen"},
    "report.questions": {"en": "Questions to ask the provider", "nl": "Vragen voor de aanbieder"},
    "report.open_items": {"en": "Questions still open", "nl": "Vragen die nog openstaan"},
    "report.action_plan": {"en": "Action plan: what is not met yet", "nl": "Actieplan: wat nog niet op orde is"},
    "report.scores": {"en": "Scores", "nl": "Scores"},
    "report.alliance": {"en": "Working alliance (described, not judged)",
                        "nl": "Werkrelatie (beschreven, niet beoordeeld)"},
    "report.descriptive": {"en": "described, no pass mark", "nl": "alleen beschreven, zonder norm"},
    "report.items": {"en": "Item by item", "nl": "Vraag voor vraag"},
    "report.why": {"en": "Why it matters", "nl": "Waarom dit belangrijk is"},
    "report.source": {"en": "Source", "nl": "Bron"},
    "report.download": {"en": "Keep this report", "nl": "Dit rapport bewaren"},
    "report.download_json": {"en": "Result file (JSON)", "nl": "Resultaatbestand (JSON)"},
    "report.download_json_help": {"en": "For Compare, and to resume or change your answers later.",
                                  "nl": "Om te vergelijken, en om later verder te gaan of je antwoorden te wijzigen."},
    "report.download_csv": {"en": "Item table (CSV)", "nl": "Vragentabel (CSV)"},
    "report.download_html": {"en": "Report (HTML)", "nl": "Rapport (HTML)"},
    "report.download_html_help": {"en": "Opens offline, prints well.", "nl": "Werkt ook offline en is goed te printen."},
    "report.trend": {"en": "Progress across audits", "nl": "Voortgang van evaluatie tot evaluatie"},
    "report.trend_upload": {"en": "Upload earlier self-audit result files",
                            "nl": "Upload eerdere resultaatbestanden van zelfevaluaties"},
    "report.edit": {"en": "Change answers", "nl": "Antwoorden aanpassen"},
    # overall and levels
    "overall.critical": {"en": "Critical: at least one critical red flag", "nl": "Kritiek: minstens één kritiek waarschuwingssignaal"},
    "overall.unverified": {"en": "Not cleared: critical points are still open. Ask the provider before you decide.",
                           "nl": "Nog niet bevestigd: er staan nog kritieke punten open. Vraag het de aanbieder voordat je beslist."},
    "overall.poor": {"en": "Serious concerns", "nl": "Ernstige zorgen"},
    "overall.mixed": {"en": "Partly meets the criteria", "nl": "Voldoet deels aan de criteria"},
    "overall.incomplete": {"en": "Incomplete: too few answers to judge", "nl": "Onvolledig: te weinig antwoorden "
                                                                               "voor een oordeel"},
    "overall.good": {"en": "Meets the criteria that were answered", "nl": "Voldoet aan de beantwoorde criteria"},
    "overall.none": {"en": "Described only", "nl": "Alleen beschreven"},
    "level.critical": {"en": "critical", "nl": "kritiek"},
    "level.unverified": {"en": "not cleared", "nl": "niet bevestigd"},
    "level.poor": {"en": "concerns", "nl": "zorgen"},
    "level.mixed": {"en": "partly", "nl": "deels"},
    "level.incomplete": {"en": "incomplete", "nl": "onvolledig"},
    "level.good": {"en": "meets", "nl": "voldoet"},
    "level.none": {"en": "described", "nl": "beschreven"},
    "stage.before_intake": {"en": "before the intake (a call before booking)",
                            "nl": "vóór het intakegesprek (een kort gesprek voordat je boekt)"},
    "stage.after_intake": {"en": "after the intake", "nl": "na het intakegesprek"},
    "stage.after_session": {"en": "after a session", "nl": "na een sessie"},
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
    "table.bands": {"en": "Bands", "nl": "Scoregrenzen"},
    "table.flag": {"en": "Warning sign", "nl": "Waarschuwingssignaal"},
    "chart.scores": {"en": "Score per checklist", "nl": "Score per vragenlijst"},
    "chart.percent": {"en": "% of points reached", "nl": "% van de punten behaald"},
    "chart.alliance": {"en": "Working alliance, mean per dimension (1–5)",
                       "nl": "Werkrelatie, gemiddelde per dimensie (1–5)"},
    "chart.compare": {"en": "Scores side by side", "nl": "Scores naast elkaar"},
    "chart.trend": {"en": "Self-audit scores over time", "nl": "Scores van zelfevaluaties in de loop van de tijd"},
    # compare
    "compare.title": {"en": "Compare results", "nl": "Resultaten vergelijken"},
    "compare.intro": {
        "en": "Upload two to six result files (from the report's download) to see them side by side.",
        "nl": "Upload twee tot zes resultaatbestanden (te downloaden bij het rapport) om ze naast elkaar te zien."},
    "compare.upload": {"en": "Result files", "nl": "Resultaatbestanden"},
    "compare.need_two": {"en": "Upload at least two result files.", "nl": "Upload minstens twee resultaatbestanden."},
    "compare.too_many": {"en": "At most six files can be compared; the first six are used.",
                         "nl": "Je kunt maximaal zes bestanden vergelijken; we gebruiken de eerste zes."},
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
    "instruments.problems": {"en": "This file has {n} problem(s):", "nl": "Problemen in dit bestand ({n}):"},
    "instruments.valid": {"en": "The file is valid.", "nl": "Het bestand is geldig."},
    "instruments.use": {"en": "Use this instrument in this session", "nl": "Gebruik deze vragenlijst in deze sessie"},
    "instruments.used": {"en": "Added: you can choose it when you vet a guide or audit yourself.",
                         "nl": "Toegevoegd: je kunt deze vragenlijst nu kiezen als je een begeleider checkt of een "
                               "zelfevaluatie doet."},
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
    "method.mean_percent": {"en": "weighted share of each question's points",
                            "nl": "gewogen aandeel van de punten per vraag"},
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
                     "nl": "Deze studie is gesloten; je kunt geen antwoorden meer insturen. Bedankt voor je "
                           "interesse."},
    "study.anonymous": {
        "en": "Your answers are anonymous: no name, address, IP address or time is stored, only the date. "
              "Results are only shown for groups of at least {k} people.",
        "nl": "Je antwoorden zijn anoniem: er wordt geen naam, adres, IP-adres of tijdstip bewaard, alleen de "
              "datum. Uitkomsten worden alleen getoond voor groepen van minstens {k} mensen."},
    "study.consent": {"en": "I have read this and agree to take part", "nl": "Ik heb dit gelezen en geef toestemming "
                                                                             "om mee te doen"},
    "study.start": {"en": "Start", "nl": "Beginnen"},
    "study.free_text_warning": {
        "en": "Please do not write names or anything else that could identify you or someone else.",
        "nl": "Schrijf geen namen of iets anders op waaraan jij of iemand anders te herkennen is."},
    "study.submit": {"en": "Send my answers", "nl": "Mijn antwoorden versturen"},
    "study.thanks": {"en": "Thank you. Your answers have been saved.", "nl": "Dank je wel. Je antwoorden zijn opgeslagen."},
    "study.unavailable": {
        "en": "This study cannot be reached right now. Please try again in a few minutes; answers you already "
              "gave stay in this browser.",
        "nl": "Deze studie is nu niet bereikbaar. Probeer het over een paar minuten opnieuw; antwoorden die je al "
              "gaf, blijven in deze browser bewaard."},
    "study.restored": {
        "en": "Your answers were kept in this browser and are back (the page was reloaded, or the connection to "
              "the server was lost, for example by a restart). Nothing has been sent yet: check them and press "
              "'Send my answers'.",
        "nl": "Je antwoorden zijn in deze browser bewaard en staan er weer (de pagina is opnieuw geladen, of de "
              "verbinding met de server was weg, bijvoorbeeld door een herstart). Er is nog niets verstuurd: "
              "kijk ze na en druk op 'Mijn antwoorden versturen'."},
    "study.failed": {"en": "Your answers could not be saved. Nothing is lost: please press send again.",
                     "nl": "Het opslaan van je antwoorden is niet gelukt. Je bent niets kwijt: druk nog een keer op "
                           "versturen."},
    # research: researchers
    "research.title": {"en": "Research", "nl": "Onderzoek"},
    "research.not_configured": {
        "en": "Research mode is not set up on this server. Set the environment variable GUIDECHECK_RESEARCH_PASSWORD "
              "(or research_password in .streamlit/secrets.toml) and restart.",
        "nl": "De onderzoeksmodus is op deze server niet ingesteld. Stel de omgevingsvariabele "
              "GUIDECHECK_RESEARCH_PASSWORD in (of research_password in .streamlit/secrets.toml) en start de app "
              "opnieuw."},
    "research.password": {"en": "Researcher password", "nl": "Wachtwoord voor onderzoekers"},
    "research.login": {"en": "Log in", "nl": "Inloggen"},
    "research.login_idp": {"en": "Log in with your organisation's account", "nl": "Inloggen met het account van je organisatie"},
    "research.wrong": {"en": "That password is not right.", "nl": "Dat wachtwoord klopt niet."},
    "research.logout": {"en": "Log out", "nl": "Uitloggen"},
    "research.store_error": {
        "en": "The database cannot be used right now. The server's log says why (look for 'guidecheck').",
        "nl": "De database is nu niet te gebruiken. In het logboek van de server staat waarom (zoek op "
              "'guidecheck')."},
    "research.tab_studies": {"en": "Studies", "nl": "Studies"},
    "research.tab_dashboard": {"en": "Dashboard", "nl": "Dashboard"},
    "research.tab_export": {"en": "Export", "nl": "Exporteren"},
    "research.tab_import": {"en": "Import a CSV", "nl": "Een CSV importeren"},
    "research.new_study": {"en": "New study", "nl": "Nieuwe studie"},
    "research.study_title": {"en": "Title", "nl": "Titel"},
    "research.study_instruments": {"en": "Instruments", "nl": "Vragenlijsten"},
    "research.study_languages": {"en": "Languages", "nl": "Talen"},
    "research.min_group": {"en": "Minimum group size for any figure (never below 5)",
                           "nl": "Minimale groepsgrootte voor elk getal (minstens 5)"},
    "research.free_text": {"en": "Ask free-text questions", "nl": "Open vragen stellen"},
    "research.free_text_warning": {
        "en": "Free text can identify people even when nothing else does. Turn it on only if the study needs it and "
              "its ethics approval covers it.",
        "nl": "Vrije tekst kan mensen herkenbaar maken, ook als niets anders dat doet. Zet dit alleen aan als de "
              "studie het echt nodig heeft en de goedkeuring van de METC het toestaat."},
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
    "research.responses_one": {"en": "{n} response", "nl": "{n} antwoord"},
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
        "nl": "Aanbieders met minder dan {k} antwoorden vallen samen onder 'overig', zo nodig met de eerstvolgende "
              "kleinste erbij, zodat geen kleine groep te herleiden is."},
    "research.alpha": {"en": "Reliability (Cronbach's alpha, complete cases)", "nl": "Betrouwbaarheid (Cronbachs "
                                                                                     "alfa, alleen volledig "
                                                                                     "ingevulde antwoorden)"},
    "research.likert": {"en": "Answers to rating questions", "nl": "Antwoorden op beoordelingsvragen"},
    "research.flags": {"en": "How often each flag was raised", "nl": "Hoe vaak elk signaal voorkwam"},
    "research.share": {"en": "share of responses", "nl": "aandeel van de antwoorden"},
    "research.too_few": {"en": "Fewer than {k} responses: figures are withheld.",
                         "nl": "Minder dan {k} antwoorden: getallen worden niet getoond."},
    "research.export_csv": {"en": "Responses (CSV)", "nl": "Antwoorden (CSV)"},
    "research.export_parquet": {"en": "Responses (Parquet)", "nl": "Antwoorden (Parquet)"},
    "research.export_codebook": {"en": "Codebook (CSV)", "nl": "Codeboek (CSV)"},
    "research.export_sav": {"en": "SPSS (.sav)", "nl": "SPSS (.sav)"},
    "research.export_dta": {"en": "Stata (.dta)", "nl": "Stata (.dta)"},
    "research.export_datapackage": {"en": "Frictionless data package (.zip)", "nl": "Frictionless-datapakket (.zip)"},
    "research.snapshot": {
        "en": "Figures, counts and exports show the first {n} responses and move on only after every {k} new "
              "ones, so that no single response can be read off by comparing two views. Flags and answers given "
              "fewer than {k} times are not shown on their own. Export rows get a new random id each time, in "
              "random order, with the period of their batch of {k} instead of a date.",
        "nl": "Cijfers, aantallen en exports tonen de eerste {n} antwoorden en worden pas bijgewerkt na elke {k} "
              "nieuwe, zodat niemand één los antwoord kan afleiden door twee weergaven te vergelijken. Signalen "
              "en antwoorden die minder dan {k} keer zijn gegeven, worden niet apart getoond. Rijen in een export "
              "krijgen elke keer een nieuwe willekeurige code, in willekeurige volgorde, met de periode van hun "
              "groep van {k} in plaats van een datum."},
    "research.export_note": {
        "en": "Every file carries the instrument's content hash; one file holds one version only. Exports hold "
              "individual anonymous responses: keep them as the study's data protection plan says.",
        "nl": "Elk bestand bevat de inhoudshash van de vragenlijst, en één bestand bevat maar één versie. Exports "
              "bevatten losse, anonieme antwoorden: bewaar ze zoals het plan voor gegevensbeheer van de studie "
              "voorschrijft."},
    "research.import_intro": {
        "en": "Score and aggregate a CSV of responses gathered elsewhere (one row per response, one column per item, "
              "optionally a provider column). Nothing is stored.",
        "nl": "Bereken scores en overzichten voor een CSV met elders verzamelde antwoorden (één rij per antwoord, "
              "één kolom per vraag, eventueel een kolom provider). Er wordt niets bewaard."},
    "research.import_file": {"en": "Responses (CSV)", "nl": "Antwoorden (CSV)"},
    "research.import_reading": {"en": "Reading the file…", "nl": "Het bestand wordt ingelezen…"},
    "research.import_by": {"en": "Group by column", "nl": "Groeperen op kolom"},
    "research.compare_column": {"en": "Can be compared", "nl": "Te vergelijken"},
    "research.too_few_to_compare": {"en": "too few responses to compare", "nl": "te weinig antwoorden om te vergelijken"},
    "research.icc_title": {"en": "How sure are these provider figures?", "nl": "Hoe zeker zijn deze cijfers per aanbieder?"},
    "research.icc_explain": {
        "en": "People who rate the same provider still differ a lot, so a provider's mean from a few responses says "
              "little about the provider. The ICC is the share of the differences that lies between providers (in "
              "therapy research often only 0.05 to 0.10). From it, each provider's *reliability* tells how far its "
              "mean would hold up with other respondents (1 = fully); below 0.7 the provider is marked \"too few "
              "responses to compare\", and providers are listed by name, never ranked. The *shrunken* mean pulls "
              "each mean towards the overall mean, more so the fewer responses it rests on: a fairer guess of "
              "where the provider really stands. A good score is not a guarantee.",
        "nl": "Mensen die dezelfde aanbieder beoordelen verschillen nog altijd sterk, dus het gemiddelde van een "
              "aanbieder uit een paar antwoorden zegt weinig over die aanbieder. De ICC is het deel van de "
              "verschillen dat tussen aanbieders ligt (in therapieonderzoek vaak maar 0,05 tot 0,10). Daaruit volgt "
              "per aanbieder de *betrouwbaarheid*: hoe goed het gemiddelde stand zou houden met andere invullers "
              "(1 = helemaal). Onder 0,7 staat er \"te weinig antwoorden om te vergelijken\", en aanbieders staan "
              "op naam, nooit in een ranglijst. Het *gekrompen* gemiddelde trekt elk gemiddelde naar het totale "
              "gemiddelde, sterker naarmate er minder antwoorden zijn: een eerlijkere schatting van waar de "
              "aanbieder echt staat. Een goede score is geen garantie."},
    "research.icc_none": {
        "en": "No ICC yet: it needs responses from at least two providers, and at least the minimum group size in all.",
        "nl": "Nog geen ICC: daarvoor zijn antwoorden van minstens twee aanbieders nodig, en in totaal minstens de "
              "minimale groepsgrootte."},
    "research.version_missing": {
        "en": "The questions of this version are not stored, so its answers cannot be shown. Load the instrument "
              "file of that version once (put it in questionnaires/) to store it.",
        "nl": "De vragen van deze versie zijn niet opgeslagen, dus de antwoorden kunnen niet worden getoond. Laad het "
              "bestand van die versie één keer (zet het in questionnaires/) om het op te slaan."},
    "research.failed": {"en": "Something went wrong while computing these figures. The details are in the server's "
                              "log.",
                        "nl": "Er ging iets mis bij het berekenen van deze cijfers. De details staan in het logboek "
                              "van de server."},
    "research.import_none": {"en": "(no grouping)", "nl": "(niet groeperen)"},
}


def t(key: str, lang: str = "en", **values: object) -> str:
    """The text for ``key`` in ``lang`` (English where a language is missing), filled in."""
    entry = UI[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text
