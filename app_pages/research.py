"""The researcher's page: studies, the dashboard, exports and a database-free CSV import.
Every run starts at the gate: without a login nothing below it is computed or shown."""

import io

import pandas as pd
import streamlit as st

from app_pages.common import T, builtin_instruments, lang, safe
from app_pages.research_access import get_store, logout_button, researcher_gate
from scoring import charts, export, research
from scoring.aggregate import aggregate
from scoring.answers import AnswerError
from scoring.codebook import codebook
from scoring.i18n import LANGUAGES

st.title(T("research.title"))
researcher_gate()
logout_button()
store = get_store()
if store is None:
    st.stop()
available, _ = builtin_instruments()
research_instruments = [i for i, inst in available.items() if "research" in inst.spec.audiences]
language = lang()


@st.cache_data(show_spinner=False, max_entries=64)
def figures(url: str, study_code: str, instrument_id: str, content_hash: str, count: int, language: str):
    """Everything the dashboard draws for one study, instrument and version. Cached on the number
    of stored responses, so a new response refreshes it and a rerun without one costs nothing."""
    study = store.study(study_code)
    inst = available[instrument_id]
    return {
        "per_day": store.per_day(study.id),
        "means": research.provider_means(store, study, inst, content_hash),
        "alphas": research.alphas(store, study, inst, content_hash),
        "likert": research.likert_shares(store, study, inst, content_hash, language),
        "flags": research.flag_shares(store, study, inst, content_hash, count),
        "total": store.score_column(study.id, instrument_id, content_hash, inst.score_ids[-1])
        if inst.score_ids else pd.Series(dtype=float),
    }


def studies_tab():
    with st.form("new_study", clear_on_submit=True):
        st.subheader(T("research.new_study"))
        title = st.text_input(T("research.study_title"), max_chars=200)
        chosen = st.multiselect(T("research.study_instruments"), research_instruments,
                                format_func=lambda i: available[i].title(language))
        langs = st.multiselect(T("research.study_languages"), LANGUAGES, default=list(LANGUAGES))
        min_group = st.number_input(T("research.min_group"), min_value=5, max_value=1000, value=11, step=1)
        free_text = st.checkbox(T("research.free_text"), help=T("research.free_text_warning"))
        consent = st.text_area(T("research.consent_text"), max_chars=5000)
        providers = st.text_area(T("research.providers"), max_chars=20000)
        if st.form_submit_button(T("research.create"), type="primary"):
            if not title.strip() or not chosen:
                st.error(T("research.need_title"))
            else:
                store.create_study(title, chosen, languages=langs or ["en"], min_group=int(min_group),
                                   free_text=free_text, consent=consent, providers=providers.splitlines())
                st.success(T("research.created"))
    existing = store.studies()
    if not existing:
        st.info(T("research.no_studies"))
    for study in reversed(existing):
        with st.expander(f"{safe(study.title)} · {T('research.responses', n=store.count(study.id))}"):
            st.markdown(f"{T('research.link')}: `?study={study.code}`")
            if study.providers:
                st.markdown(T("research.links_per_provider") + "\n" + "\n".join(
                    f"- `?study={study.code}&p={p}`" for p in study.providers))
            if study.free_text:
                st.warning(T("research.free_text_warning"))
            is_open = st.toggle(T("research.open"), value=study.is_open, key=f"open_{study.code}")
            if is_open != study.is_open:
                store.set_open(study.code, is_open)
                st.rerun()


def pick(key: str):
    """(study, instrument, version hash, count) chosen by the researcher, or None (said why)."""
    existing = store.studies()
    if not existing:
        st.info(T("research.no_studies"))
        return None
    study = st.selectbox(T("research.choose_study"), existing, format_func=lambda s: s.title,
                         index=len(existing) - 1, key=f"study_{key}")
    inst_id = st.selectbox(T("research.choose_instrument"), [i for i in study.instruments if i in available],
                           format_func=lambda i: available[i].title(language), key=f"instrument_{key}")
    versions = store.versions(study.id, inst_id)
    if versions.empty:
        st.info(T("research.no_data"))
        return None
    if len(versions) > 1:
        st.warning(T("research.versions_warning", n=len(versions)))
    row = st.selectbox(T("research.choose_version"), versions.index, key=f"version_{key}",
                       format_func=lambda k: f"{versions.loc[k, 'instrument_version']} · "
                                             f"{versions.loc[k, 'instrument_hash']} · n={versions.loc[k, 'n']}")
    return study, available[inst_id], versions.loc[row, "instrument_hash"], int(versions.loc[row, "n"])


def dashboard_tab():
    picked = pick("dashboard")
    if picked is None:
        return
    study, inst, content_hash, count = picked
    if count < study.min_group:
        st.info(T("research.too_few", k=study.min_group))
        return
    data = figures(store.url, study.code, inst.id, content_hash, count, language)
    st.plotly_chart(charts.per_day(data["per_day"], language), width="stretch")
    labels = {s.spec.id: inst.text(s.spec.label, language) for s in inst.scores}
    if len(data["total"]):
        main = inst.score_ids[-1]
        st.plotly_chart(charts.histogram(data["total"], labels[main], language), width="stretch")
    means = data["means"]
    st.caption(T("research.suppressed", k=study.min_group))
    for sid in inst.score_ids:
        st.plotly_chart(charts.provider_means(means, sid, labels[sid], language), width="stretch")
    st.dataframe(means, hide_index=True, width="stretch")
    if not data["alphas"].empty:
        st.subheader(T("research.alpha"))
        st.dataframe(data["alphas"], hide_index=True, width="stretch")
    if not data["likert"].empty:
        item_labels = {i: inst.text(f.spec.text, language)[:60] for i, f in inst.items.items()}
        st.plotly_chart(charts.diverging(data["likert"], item_labels, language), width="stretch")
    if not data["flags"].empty:
        st.plotly_chart(charts.flag_bars(data["flags"], language), width="stretch")


def export_tab():
    picked = pick("export")
    if picked is None:
        return
    study, inst, content_hash, count = picked
    st.caption(T("research.export_note"))
    frame = store.export_frame(study.id, inst.id, content_hash, inst, include_text=study.free_text)
    stem = f"guidecheck-{inst.id}-{inst.version}-{content_hash}"
    left, middle, right = st.columns(3)
    left.download_button(T("research.export_csv"), export.rows_csv(frame.to_dict("records")), f"{stem}.csv",
                         "text/csv", width="stretch")
    buffer = io.BytesIO()
    frame.astype({c: "string" for c in frame.columns if frame[c].dtype == object}).to_parquet(buffer, index=False)
    middle.download_button(T("research.export_parquet"), buffer.getvalue(), f"{stem}.parquet",
                           "application/octet-stream", width="stretch")
    right.download_button(T("research.export_codebook"),
                          export.rows_csv(codebook(inst, language).to_dict("records")), f"{stem}-codebook.csv",
                          "text/csv", width="stretch")


def import_tab():
    st.markdown(T("research.import_intro"))
    inst_id = st.selectbox(T("research.choose_instrument"), research_instruments,
                           format_func=lambda i: available[i].title(language), key="import_instrument")
    upload = st.file_uploader(T("research.import_file"), type=["csv"])
    if upload is None:
        return
    try:
        frame = pd.read_csv(upload, dtype=str, keep_default_na=False).astype(object)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        st.error(T("file.bad", name=upload.name, error=str(exc).splitlines()[0]))
        return
    options = [None] + [c for c in frame.columns if c not in available[inst_id].items]
    by = st.selectbox(T("research.import_by"), options, format_func=lambda c: c or T("research.import_none"))
    min_group = st.number_input(T("research.min_group"), min_value=5, max_value=1000, value=11, step=1,
                                key="import_k")
    try:
        table = aggregate(available[inst_id], frame, by=by, min_group=int(min_group), kind="csv")
    except AnswerError as exc:
        st.error("\n".join(safe(str(p)) for p in exc.problems[:20]))
        return
    st.dataframe(table, hide_index=True, width="stretch")


studies, dashboard, exports, imports = st.tabs([T("research.tab_studies"), T("research.tab_dashboard"),
                                                T("research.tab_export"), T("research.tab_import")])
with studies:
    studies_tab()
with dashboard:
    dashboard_tab()
with exports:
    export_tab()
with imports:
    import_tab()
