import pandas as pd
import streamlit as st

from app_pages.common import CHART_CONFIG, T, instruments, lang, not_a_guarantee, safe
from scoring import charts
from scoring import results as resultfile
from scoring.engine import Result
from scoring.plaintext import clean
from scoring.report import flag_text, format_score, verdict_text

st.title(T("compare.title"))
st.markdown(T("compare.intro"))
uploads = st.file_uploader(T("compare.upload"), type=["json"], accept_multiple_files=True)
if len(uploads or []) > 6:
    st.warning(T("compare.too_many"))
available = instruments()
language = lang()
loaded: list[tuple[str, resultfile.ResultFile, dict[str, Result]]] = []
for upload in (uploads or [])[:6]:
    try:
        file, answers, warnings = resultfile.parse(upload.getvalue(), available, lang=language)
    except resultfile.ResultFileError as exc:
        st.error(T("file.bad", name=safe(upload.name), error=safe(str(exc))))
        continue
    for w in warnings:
        st.caption(safe(f"{upload.name}: {w}"))
    name = clean(file.label or upload.name)
    if any(name == other[0] for other in loaded):
        name = f"{name} ({upload.name})"
    loaded.append((name, file, resultfile.rescore(file, answers, available)))

if len(loaded) < 2:
    st.info(T("compare.need_two"))
    st.stop()
if len({file.kind for _, file, _ in loaded}) > 1:  # a vetting result and a self-audit answer different questions
    st.warning(T("compare.mixed_audiences"))

titles = {iid: available[iid].title(language) for _, _, res in loaded for iid in res}
series = {name: {iid: r.scores.get(band) for iid, r in res.items() if (band := available[iid].band_score)}
          for name, _, res in loaded}
methods = {iid: next((sc.spec.method for sc in available[iid].scores if sc.spec.id == available[iid].band_score), None)
           for iid in titles}
st.plotly_chart(charts.compare_chart(series, titles, language, methods), width="stretch", config=CHART_CONFIG)

st.header(T("compare.differences"))
# The compared files are the columns (they are what is compared). Static tables rather than
# st.dataframe: their cells wrap, so on a phone every file's column is on screen and no label is
# cut off. First the checklists whose score or verdict differ, then per checklist, folded, the
# warning signs raised in some files and not in others (there can be dozens).
wording = "self_audit" if all(f.kind == "self_audit" for _, f, _ in loaded) else "vetting"
scores_rows, flag_tables = [], []
for iid, title in titles.items():
    per_file = {name: res.get(iid) for name, _, res in loaded}
    verdicts = {name: (r.verdict if r else None) for name, r in per_file.items()}
    main = available[iid].band_score
    scores = {name: (r.scores.get(main) if r and main else None) for name, r in per_file.items()}
    method = next((sc.spec.method for sc in available[iid].scores if sc.spec.id == main), None)
    if (len({str(v) for v in verdicts.values()}) > 1
            or len({None if v is None else round(v, 1) for v in scores.values()}) > 1):
        scores_rows.append({T("table.instrument"): safe(title), **{
            safe(name): safe(format_score(scores[name], method)
                             + (f" · {verdict_text(available[iid], verdicts[name], language)}" if verdicts[name]
                                else "")) for name in per_file}})
    flags = []
    for fid in sorted({f for r in per_file.values() if r for f in r.flags}):
        raised = {name: bool(r and fid in r.flags) for name, r in per_file.items()}
        if len(set(raised.values())) > 1:
            flags.append({T("table.flag"): safe(flag_text(available[iid], fid, language, wording)),
                          **{safe(name): (T("compare.raised") if v else "–") for name, v in raised.items()}})
    if flags:
        flag_tables.append((title, flags))
# a long word (a Dutch compound, a file name) may break inside a narrow column rather than push the
# table past a phone's screen
st.html("<style>[data-testid='stTable'] [data-testid='stMarkdownContainer'],"
        "[data-testid='stTable'] [data-testid='stMarkdownContainer'] p{overflow-wrap:anywhere}</style>")
if scores_rows:
    st.table(pd.DataFrame(scores_rows), hide_index=True)
for title, flags in flag_tables:
    with st.expander(T("compare.flags_differ", title=safe(title), n=len(flags))):
        st.table(pd.DataFrame(flags), hide_index=True)
if not scores_rows and not flag_tables:
    st.success(T("compare.same"))
not_a_guarantee()
