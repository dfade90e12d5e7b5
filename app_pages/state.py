"""What a session keeps between runs, typed and named in one place.

Streamlit's ``st.session_state`` is one untyped dict for the whole session. The pages used to read
and write its keys by hand in six modules; now every key the app keeps is named here (``KEYS``), and
the pages go through the typed functions below. The questionnaire of each audience is a
``FlowState``, the participant page's progress in a study a ``ParticipantState``.

Widgets still keep their own values under their ``key=`` (Streamlit needs the string); those keys
are built by ``widget_key`` and read or cleared with ``widget_value`` / ``drop_widgets``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, TypedDict

import streamlit as st

from scoring.engine import Result
from scoring.instrument import Instrument

Answers = dict[str, dict[str, Any]]  # answers by instrument id, then by item id (values as answered)
Stage = Literal["setup", "questions", "report"]  # the phase of a questionnaire page


class KEYS:
    """Every session key the app keeps, apart from widget keys. Names unchanged from before
    FlowState, so that a session's state reads the same in tests and benches."""
    FLOWS = "flows"  # audience -> FlowState
    REPORTS = "reports"  # audience -> SavedReport
    LAST_REPORT = "last_report"  # the audience of the report opened last (the Report page shows it)
    LANGUAGE = "lang"  # the page's language, also kept in the URL
    SCROLL_TOP = "_scroll_top"  # bring the top of the page into view on the next run
    SCROLL_COUNT = "_scroll_count"  # makes each scroll script new text, so the browser runs it again
    CUSTOM_INSTRUMENTS = "custom_instruments"  # id -> Instrument uploaded in this session
    CRISIS_COUNTRY = "crisis_country"  # the country picked for crisis resources
    RESEARCHER = "researcher"  # the researcher's login token (research_access._token)
    STUDY_CREATED = "study_created"  # say "created" once after a new study
    PARTICIPANT = "participant"  # study code -> ParticipantState
    PROGRESS_FILES = "_progress_files"  # audience -> (what it was built from, progress file)
    DOWNLOAD_FILES = "_download_files"  # audience -> (what they were built from, files) (report_view)
    BROWSER_SESSION = "_browser_store_session"  # this session's mark in the browser bridge's data
    BROWSER_CHANGES = "_browser_store_changes"  # entry -> (last data sent, number of changes)
    FORGET = "_forget_{audience}"  # clear this browser's stored answers on the next run
    RESUMED = "_resumed_{audience}"  # (name, size) of the progress file resumed from last


class SavedReport(TypedDict):
    """A submitted questionnaire as the report pages draw it (a dict: report_view reads it so)."""
    context: str
    label: str
    selected: list[str]
    answer_stage: str
    answers: Answers
    results: dict[str, Result]


class Answering(Protocol):
    """What a question widget needs of the state it writes to (FlowState, ParticipantState)."""
    answers: Answers
    carried: dict[str, object]


@dataclass(slots=True)
class FlowState:
    """One audience's questionnaire ('Vet a guide' or 'Self-audit') in this session.

    Widgets are drawn from it and write back to it in their callbacks: Streamlit forgets a
    widget's own state when its page or section is not drawn, so this, not the widgets, is what
    survives leaving the page and switching language."""
    stage: Stage = "setup"
    context: str = "unknown"
    selected: list[str] | None = None  # the chosen instruments, in the order asked; None: not chosen yet
    label: str = ""
    answers: Answers = field(default_factory=dict)
    step: int = 0  # the part shown, an index into flow.steps()
    # when the answers are given (contract revision 2): a person vetting a guide before the
    # intake is not asked what only a session can tell
    answer_stage: str = "after_session"
    restored: bool = False  # whether this browser's stored answers were looked at yet
    carried: dict[str, object] = field(default_factory=dict)  # "instrument/item" filled in from the call
    notices: list[str] = field(default_factory=list)  # shown once on the next run (first as success)
    missing: list[tuple[str, str]] = field(default_factory=list)  # (instrument, item) still open after submit

    @classmethod
    def new(cls, audience: str) -> FlowState:
        return cls(answer_stage="before_intake" if audience == "vetting" else "after_session")

    @property
    def chosen(self) -> list[str]:
        return self.selected or []

    def take_notices(self) -> list[str]:
        notices, self.notices = self.notices, []
        return notices

    def take_missing(self) -> list[tuple[str, str]]:
        missing, self.missing = self.missing, []
        return missing


@dataclass(slots=True)
class ParticipantState:
    """A participant's progress in one study in this session (app_pages/participate.py)."""
    answers: Answers = field(default_factory=dict)
    consented: bool = False
    key: str | None = None  # the submission key this session uses
    saved_key: str | None = None  # the key this browser kept for the study
    loaded: bool = False  # whether this browser said what it keeps
    sent: bool = False
    restored: Literal["answers", "consent"] | None = None  # what came back from the browser (said once)
    carried: dict[str, object] = field(default_factory=dict)  # never filled: a study carries nothing over

    def take_restored(self) -> Literal["answers", "consent"] | None:
        restored, self.restored = self.restored, None
        return restored


def _state() -> Any:
    return st.session_state


def _mapping(key: str) -> dict[Any, Any]:
    found: dict[Any, Any] = _state().setdefault(key, {})
    return found


# --------------------------------------------------------------------------- questionnaires


def flow(audience: str) -> FlowState:
    flows: dict[str, FlowState] = _mapping(KEYS.FLOWS)
    found = flows.get(audience)
    if found is None:
        found = flows[audience] = FlowState.new(audience)
    return found


def drop_flow(audience: str) -> None:
    _mapping(KEYS.FLOWS).pop(audience, None)


def reports() -> dict[str, SavedReport]:
    return _mapping(KEYS.REPORTS)


def saved_report(audience: str | None) -> SavedReport | None:
    found: dict[str, SavedReport] | None = _state().get(KEYS.REPORTS)
    return None if found is None or audience is None else found.get(audience)


def last_report() -> str | None:
    found: str | None = _state().get(KEYS.LAST_REPORT)
    return found


def set_last_report(audience: str) -> None:
    _state()[KEYS.LAST_REPORT] = audience


def progress_files() -> dict[str, tuple[str, bytes]]:
    return _mapping(KEYS.PROGRESS_FILES)


def download_files() -> dict[str, tuple[str, dict[str, bytes]]]:
    """The report's downloads by audience (report_view._files): (what they were built from, files)."""
    return _mapping(KEYS.DOWNLOAD_FILES)


def mark_forget(audience: str) -> None:
    """Clear this browser's stored answers on the next run (else a reload would bring them back)."""
    _state()[KEYS.FORGET.format(audience=audience)] = True


def take_forget(audience: str) -> bool:
    return bool(_state().pop(KEYS.FORGET.format(audience=audience), False))


def resumed_from(audience: str) -> tuple[str, int] | None:
    found: tuple[str, int] | None = _state().get(KEYS.RESUMED.format(audience=audience))
    return found


def set_resumed_from(audience: str, marker: tuple[str, int]) -> None:
    _state()[KEYS.RESUMED.format(audience=audience)] = marker


# --------------------------------------------------------------------------- the page


def chosen_language() -> str | None:
    found: str | None = _state().get(KEYS.LANGUAGE)
    return found


def set_chosen_language(code: str) -> None:
    _state()[KEYS.LANGUAGE] = code


def request_scroll_top() -> None:
    _state()[KEYS.SCROLL_TOP] = True


def take_scroll_top() -> bool:
    return bool(_state().pop(KEYS.SCROLL_TOP, False))


def next_scroll_count() -> int:
    count: int = _state().get(KEYS.SCROLL_COUNT, 0) + 1
    _state()[KEYS.SCROLL_COUNT] = count
    return count


def custom_instruments() -> dict[str, Instrument]:
    found: dict[str, Instrument] = _state().get(KEYS.CUSTOM_INSTRUMENTS, {})
    return found


def add_custom_instrument(inst: Instrument) -> None:
    _mapping(KEYS.CUSTOM_INSTRUMENTS)[inst.id] = inst


def crisis_pick() -> str | None:
    found: str | None = _state().get(KEYS.CRISIS_COUNTRY)
    return found


def set_crisis_pick(country: str) -> None:
    _state()[KEYS.CRISIS_COUNTRY] = country


# --------------------------------------------------------------------------- browser storage


def browser_session(make: Any) -> str:
    """This session's mark for the browser bridge, made by ``make()`` the first time only."""
    found: str | None = _state().get(KEYS.BROWSER_SESSION)
    if found is None:  # not setdefault: that would call make() on every call
        found = _state()[KEYS.BROWSER_SESSION] = make()
    return str(found)


def browser_changes() -> dict[str, tuple[tuple[str, bool], int]]:
    return _mapping(KEYS.BROWSER_CHANGES)


# --------------------------------------------------------------------------- research


def researcher_token() -> str | None:
    found: str | None = _state().get(KEYS.RESEARCHER)
    return found


def set_researcher_token(token: str | None) -> None:
    if token is None:
        _state().pop(KEYS.RESEARCHER, None)
    else:
        _state()[KEYS.RESEARCHER] = token


def mark_study_created() -> None:
    _state()[KEYS.STUDY_CREATED] = True


def take_study_created() -> bool:
    return bool(_state().pop(KEYS.STUDY_CREATED, False))


def participant(study_code: str) -> ParticipantState:
    studies: dict[str, ParticipantState] = _mapping(KEYS.PARTICIPANT)
    found = studies.get(study_code)
    if found is None:
        found = studies[study_code] = ParticipantState()
    return found


# --------------------------------------------------------------------------- widgets


def widget_key(*parts: object) -> str:
    """A widget's key: its parts joined by "_" (``widget_key("next", "vetting")`` is "next_vetting")."""
    return "_".join(str(p) for p in parts)


def widget_value(key: str) -> Any:
    """The value a widget holds in the session (read in its on_change callback)."""
    return _state()[key]


def set_widget_value(key: str, value: object) -> None:
    _state()[key] = value


def drop_widgets(keys: Iterable[str] = (), prefix: str | None = None) -> None:
    """Forget the values of these widgets (and of every widget whose key starts with ``prefix``):
    they are drawn again from their defaults."""
    state = _state()
    doomed = list(keys)
    if prefix is not None:
        doomed += [k for k in state if str(k).startswith(prefix)]
    for key in doomed:
        state.pop(key, None)
