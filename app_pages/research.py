"""The researcher's page: studies, the dashboard, exports and a database-free CSV import.
Every run starts at the gate: without a login nothing below it is computed or shown."""

import io
import logging
from collections.abc import Callable
from typing import Any, cast

import pandas as pd
import streamlit as st

from app_pages import state
from app_pages.common import CHART_CONFIG, T, app_url, builtin_instruments, lang, not_a_guarantee, safe
from app_pages.research_access import get_store, logout_button, researcher_gate, unavailable
from scoring import charts, consent, export, research
from scoring.aggregate import aggregate
from scoring.answers import AnswerError, AnswerFileError, read_csv_compact
from scoring.codebook import codebook
from scoring.convert.imports import normalise
from scoring.i18n import LANGUAGE_NAMES, LANGUAGES
from scoring.instrument import Instrument
from scoring.store import Store, StoreError, Study

log = logging.getLogger("guidecheck")

st.title(T("research.title"))
researcher_gate()
logout_button()
found_store = get_store()
if found_store is None:
    st.stop()
store: Store = found_store
available, _ = builtin_instruments()
research_instruments = [i for i, inst in available.items() if "research" in inst.spec.audiences]
language = lang()


@st.cache_data(show_spinner=False, max_entries=64)
def figures(url: str, study_code: str, instrument_id: str, content_hash: str, count: int, upto: int,
            language: str) -> dict[str, Any]:
    """Everything the dashboard draws for one study, instrument and version, figures included
    (as plain dicts: a cached go.Figure would be validated again on every unpickling), from the
    snapshot of the first ``count`` responses (up to id ``upto``, see ``Store.snapshot``): it moves
    on only after K new responses, so a rerun or a single new response costs nothing and shows
    nothing new. It reads the version's running totals (a few hundred rows, kept as responses
    are stored) minus the fewer than K responses after the snapshot, never every response."""
    study = store.study(study_code)
    if study is None:
        raise StoreError(f"study {study_code} is not stored")
    inst = version_of(instrument_id, content_hash)  # the version answered, never today's file
    totals = store.tally(study.id, inst, content_hash, upto)
    labels = {s.spec.id: inst.text(s.spec.label, language) for s in inst.scores}
    means = research.provider_means(totals, study, inst)
    likert = research.likert_shares(totals, study, inst)
    flags = research.flag_shares_from(totals, study, inst, count)
    charts_out = [charts.per_day(research.per_day(totals), language)]
    if inst.score_ids:
        main = inst.score_ids[-1]
        charts_out.append(charts.histogram(research.distribution(totals, inst, main), labels[main], language))
        charts_out += [charts.provider_means(means, sid, labels[sid], language) for sid in inst.score_ids]
    after = []
    if not likert.empty:
        item_labels = {i: inst.text(f.spec.text, language)[:60] for i, f in inst.items.items()}
        after.append(charts.diverging(likert, item_labels, language))
    if not flags.empty:
        after.append(charts.flag_bars(flags, language))
    return {"charts": [_plain(f) for f in charts_out], "means": _marked(means),
            "icc": research.icc_table(means, labels), "alphas": research.alphas(totals, study, inst),
            "after": [_plain(f) for f in after]}


def version_of(instrument_id: str, content_hash: str) -> Instrument:
    """The instrument version the responses were answered with, from the store (registered from
    the loaded instrument when it is that version and the store does not have it yet)."""
    loaded = available.get(instrument_id)
    found = store.instrument(content_hash)
    if found is None and loaded is not None and loaded.content_hash == content_hash:
        store.register(loaded)
        found = loaded
    if found is None:
        raise StoreError(f"the definition of version {content_hash} is not stored")
    return found


def _title(instrument_id: str) -> str:
    if instrument_id in available:
        return available[instrument_id].title(language)
    return instrument_id


def _marked(means: pd.DataFrame) -> pd.DataFrame:
    """The means table as shown: providers whose mean is not reliable enough marked in words."""
    shown = means.copy()
    shown.attrs = {}  # the fitted ICCs are shown in a table of their own
    shown["note"] = shown["note"].map(lambda v: T("research.too_few_to_compare") if v else "")
    return shown.rename(columns={"note": T("research.compare_column")})


def _plain(fig: Any) -> dict[str, Any]:
    """A figure as a plain dict without Plotly's default template: st.plotly_chart applies
    Streamlit's theme anyway, and validating the written-out template costs ~10 ms a chart."""
    spec: dict[str, Any] = fig.to_dict()
    spec["layout"].pop("template", None)
    return spec


@st.cache_data(show_spinner=False, max_entries=256)
def versions(url: str, study_id: int, instrument_id: str, latest: int) -> pd.DataFrame:
    return store.versions(study_id, instrument_id)


@st.cache_data(show_spinner=False, max_entries=256)
def count_responses(url: str, study_id: int, latest: int, k: int) -> int:
    """The study's responses counted in steps of K, as every other figure moves."""
    return store.count(study_id) // k * k


STUDY_FORM_KEYS = ("study_title", "study_instruments", "study_languages", "study_min_group", "study_free_text",
                   "study_providers")


def _language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def studies_tab() -> None:
    if state.take_study_created():
        st.success(T("research.created"))
    new_study_form()
    existing = store.studies()
    if not existing:
        st.info(T("research.no_studies"))
    for study in reversed(existing):
        study_box(study)


def new_study_form() -> None:
    """The form for a new study. Not clear_on_submit: a refused study (a consent text missing, a bad
    provider code) keeps what was typed; the fields are cleared only once the study exists."""
    with st.form("new_study"):
        st.subheader(T("research.new_study"))
        title = st.text_input(T("research.study_title"), max_chars=200, key="study_title")
        chosen = st.multiselect(T("research.study_instruments"), research_instruments,
                                format_func=lambda i: available[i].title(language), key="study_instruments")
        langs = st.multiselect(T("research.study_languages"), LANGUAGES, default=list(LANGUAGES),
                               format_func=_language_name, key="study_languages") or ["en"]
        min_group = st.number_input(T("research.min_group"), min_value=5, max_value=1000, value=11, step=1,
                                    key="study_min_group")
        free_text = st.checkbox(T("research.free_text"), help=T("research.free_text_warning"), key="study_free_text")
        # one consent text per language: a participant reads it in the page's language (issue 15)
        consents = {code: st.text_area(T("research.consent_text_in", language=LANGUAGE_NAMES[code]),
                                       max_chars=5000, key=state.widget_key("consent", code)) for code in LANGUAGES}
        providers = st.text_area(T("research.providers"), max_chars=20000, key="study_providers")
        if st.form_submit_button(T("research.create"), type="primary"):
            create_study(title, chosen, langs, int(min_group), free_text, consents, providers)


def create_study(title: str, chosen: list[str], langs: list[str], min_group: int, free_text: bool,
                 consents: dict[str, str], providers: str) -> None:
    """Make the study as filled in, or say (in the form) why not."""
    codes = [line.strip() for line in providers.splitlines() if line.strip()]
    consent_texts = consent.pack({code: consents[code] for code in langs})
    refused = study_refused(title, chosen, langs, consent_texts, codes)
    if refused:
        st.error(refused)
        return
    store.create_study(title, chosen, languages=langs, min_group=min_group, free_text=free_text,
                       consent=consent_texts, providers=codes)
    # a fresh form for the next study
    state.drop_widgets([*STUDY_FORM_KEYS, *(state.widget_key("consent", code) for code in LANGUAGES)])
    state.mark_study_created()
    st.rerun()


def study_refused(title: str, chosen: list[str], langs: list[str], consent_texts: str, codes: list[str]) -> str | None:
    """Why a new study cannot be made as filled in (in the page's language), or None."""
    if not title.strip() or not chosen:
        return T("research.need_title")
    missing = consent.missing(consent_texts, langs)
    if missing:
        return T("research.consent_missing", languages=", ".join(LANGUAGE_NAMES[c] for c in missing))
    bad = research.bad_provider_codes(codes)
    if bad:
        return T("research.bad_providers", max=research.MAX_PROVIDER, codes=", ".join(safe(c) for c in bad[:10]))
    return None


def study_box(study: Study) -> None:
    """One study: its links (per provider too), the free-text warning, and open or closed."""
    n = count_responses(store.url, study.id, store.latest(study.id), study.min_group)
    with st.expander(f"{safe(study.title)} · {T('research.responses', n=n)}"):
        # as code blocks: plain text that copies as it is, whatever a code holds
        st.markdown(T("research.link"))
        base = app_url("research")
        st.code(base + research.participant_link(study.code), language=None)
        if study.providers:
            st.markdown(T("research.links_per_provider"))
            st.code("\n".join(base + research.participant_link(study.code, p) for p in study.providers),
                    language=None)
        if study.free_text:
            st.warning(T("research.free_text_warning"))
        is_open = st.toggle(T("research.open"), value=study.is_open, key=state.widget_key("open", study.code))
        if is_open != study.is_open:
            store.set_open(study.code, is_open)
            st.rerun()


@st.cache_data(show_spinner=False, max_entries=256)
def snapshot(url: str, study_id: int, instrument_id: str, content_hash: str, k: int, latest: int) -> tuple[int, int]:
    return store.snapshot(study_id, instrument_id, content_hash, k)


Picked = tuple[Study, Instrument, str, int, int]  # study, instrument version, its hash, snapshot count, last id


def pick(key: str) -> Picked | None:
    """(study, instrument, version hash, snapshot count, snapshot's last id) chosen by the
    researcher, or None (said why). Counts are shown in steps of K, as the figures move."""
    existing = store.studies()
    if not existing:
        st.info(T("research.no_studies"))
        return None
    # cast: under mypy's python_version 3.10, Streamlit's "typing.Never" overload makes a selectbox None
    study = cast(Study, st.selectbox(T("research.choose_study"), existing, format_func=lambda s: s.title,
                                     index=len(existing) - 1, key=state.widget_key("study", key)))
    inst_id = cast(str, st.selectbox(T("research.choose_instrument"), list(study.instruments),
                                     format_func=_title, key=state.widget_key("instrument", key)))
    latest = store.latest(study.id)
    found = versions(store.url, study.id, inst_id, latest)
    if found.empty:
        st.info(T("research.no_data"))
        return None
    if len(found) > 1:
        st.warning(T("research.versions_warning", n=len(found)))
    k_min = study.min_group
    row = st.selectbox(T("research.choose_version"), found.index, key=state.widget_key("version", key),
                       format_func=lambda k: f"{found.loc[k, 'instrument_version']} · "
                                             f"{found.loc[k, 'instrument_hash']} · "
                                             f"n={found.loc[k, 'n'] // k_min * k_min}")
    content_hash = found.loc[row, "instrument_hash"]
    try:
        inst = version_of(inst_id, content_hash)
    except StoreError:
        log.exception("instrument version %s of %s cannot be read", content_hash, inst_id)
        st.error(T("research.version_missing"))
        return None
    n, upto = snapshot(store.url, study.id, inst_id, content_hash, k_min, latest)
    return study, inst, content_hash, n, upto


def dashboard_tab() -> None:
    picked = pick("dashboard")
    if picked is None:
        return
    study, inst, content_hash, n, upto = picked
    if n < study.min_group:
        st.info(T("research.too_few", k=study.min_group))
        return
    try:
        data = figures(store.url, study.code, inst.id, content_hash, n, upto, language)
    except Exception:  # noqa: BLE001 - the researcher sees a plain message, the log has the traceback
        log.exception("the dashboard of study %s, %s %s failed", study.id, inst.id, content_hash)
        st.error(T("research.failed"))
        return
    not_a_guarantee()
    st.caption(T("research.snapshot", k=study.min_group, n=n))
    for fig in data["charts"]:
        st.plotly_chart(fig, width="stretch", config=CHART_CONFIG)
    st.caption(T("research.suppressed", k=study.min_group))
    st.dataframe(data["means"], hide_index=True, width="stretch")
    st.subheader(T("research.icc_title"))
    st.markdown(T("research.icc_explain"))
    if data["icc"].empty:
        st.info(T("research.icc_none"))
    else:
        st.dataframe(data["icc"], hide_index=True, width="stretch")
    if not data["alphas"].empty:
        st.subheader(T("research.alpha"))
        st.dataframe(data["alphas"], hide_index=True, width="stretch")
    for fig in data["after"]:
        st.plotly_chart(fig, width="stretch", config=CHART_CONFIG)


def export_tab() -> None:
    picked = pick("export")
    if picked is None:
        return
    study, inst, content_hash, n, upto = picked
    if n < study.min_group:
        st.info(T("research.too_few", k=study.min_group))
        return
    st.caption(T("research.export_note"))
    st.caption(T("research.snapshot", k=study.min_group, n=n))
    stem = f"guidecheck-{inst.id}-{inst.version}-{content_hash}"

    def frame() -> pd.DataFrame:
        return research.export_frame(store, study, inst, content_hash, upto, include_text=study.free_text)

    def parquet() -> bytes:
        data = frame()
        buffer = io.BytesIO()
        data.astype({c: "string" for c in data.columns if data[c].dtype == object}).to_parquet(buffer, index=False)
        return buffer.getvalue()

    # made when clicked, not on every rerun of the page
    left, middle, right = st.columns(3)
    left.download_button(T("research.export_csv"), lambda: export.rows_csv(frame().to_dict("records")),
                         f"{stem}.csv", "text/csv", width="stretch")
    middle.download_button(T("research.export_parquet"), parquet, f"{stem}.parquet", "application/octet-stream",
                           width="stretch")
    right.download_button(T("research.export_codebook"),
                          lambda: export.rows_csv(codebook(inst, language).to_dict("records")),
                          f"{stem}-codebook.csv", "text/csv", width="stretch")
    from scoring.convert import exports  # SPSS, Stata and Frictionless (issue 14)

    sav, dta, package = st.columns(3)
    sav.download_button(T("research.export_sav"), lambda: exports.sav_bytes(inst, frame(), language),
                        f"{stem}.sav", "application/octet-stream", width="stretch")
    dta.download_button(T("research.export_dta"), lambda: exports.dta_bytes(inst, frame(), language),
                        f"{stem}.dta", "application/octet-stream", width="stretch")
    package.download_button(T("research.export_datapackage"),
                            lambda: exports.datapackage_zip(inst, frame(), language),
                            f"{stem}-datapackage.zip", "application/zip", width="stretch")


def import_tab() -> None:
    st.markdown(T("research.import_intro"))
    inst_id = cast(str, st.selectbox(T("research.choose_instrument"), research_instruments,
                                     format_func=lambda i: available[i].title(language), key="import_instrument"))
    upload = st.file_uploader(T("research.import_file"), type=["csv"])
    if upload is None:
        return
    # Arrow, block by block, as the CLI reads (categoricals: a fraction of pandas' memory and time)
    bar = st.progress(0.0, T("research.import_reading")) if upload.size > 10_000_000 else None
    progress = None if bar is None else (lambda done: bar.progress(done, T("research.import_reading")))
    frame = read_csv_compact(upload, progress, upload.size)
    if bar is not None:
        bar.empty()
    try:
        if frame is None:  # Arrow cannot read it: pandas reads it or words the problem
            frame = pd.read_csv(upload, dtype=str, keep_default_na=False).astype(object)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        st.error(T("file.bad", name=safe(upload.name), error=safe(str(exc).splitlines()[0])))
        return
    # this page's own export (and Kobo/ODK or REDCap exports) made into an answer frame, as the CLI does
    try:
        frame, platform, notes = normalise(available[inst_id], frame)
    except AnswerFileError as exc:
        st.error(T("file.bad", name=safe(upload.name), error=safe(str(exc))))
        return
    if platform == "guidecheck":
        st.info(T("research.import_own_export"))
    for note in notes:
        st.caption(safe(note))
    options = [None] + [c for c in frame.columns if c not in available[inst_id].items]
    by = st.selectbox(T("research.import_by"), options, format_func=lambda c: c or T("research.import_none"))
    min_group = st.number_input(T("research.min_group"), min_value=5, max_value=1000, value=11, step=1,
                                key="import_k")
    try:
        table = aggregate(available[inst_id], frame, by=by, min_group=int(min_group), kind="csv")
    except AnswerError as exc:
        st.error("\n".join(safe(p.render(lang())) for p in exc.problems[:20]))
        return
    icc = research.icc_table(table, {})
    table.attrs = {}
    st.dataframe(table, hide_index=True, width="stretch")
    if not icc.empty:
        st.markdown(T("research.icc_explain"))
        st.dataframe(icc, hide_index=True, width="stretch")


studies, dashboard, exports, imports = st.tabs([T("research.tab_studies"), T("research.tab_dashboard"),
                                                T("research.tab_export"), T("research.tab_import")])


def guarded(tab: Callable[[], None]) -> None:
    """A tab whose database went away says so plainly; the log has the details (Store logs them)."""
    try:
        tab()
    except StoreError:
        unavailable(participant=False)


with studies:
    guarded(studies_tab)
with dashboard:
    guarded(dashboard_tab)
with exports:
    guarded(export_tab)
with imports:
    import_tab()
