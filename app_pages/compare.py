import pandas as pd
import streamlit as st

from app_pages.common import CHART_CONFIG, T, instruments, lang, not_a_guarantee, safe
from scoring import charts
from scoring import results as resultfile
from scoring.plaintext import clean
from scoring.report import flag_text, format_score, verdict_text

st.title(T("compare.title"))
st.markdown(T("compare.intro"))
uploads = st.file_uploader(T("compare.upload"), type=["json"], accept_multiple_files=True)
if len(uploads or []) > 6:
    st.warning(T("compare.too_many"))
available = instruments()
language = lang()
loaded = []
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
series = {name: {iid: r.scores.get(available[iid].band_score) for iid, r in res.items() if available[iid].band_score}
          for name, _, res in loaded}
st.plotly_chart(charts.compare_chart(series, titles, language), width="stretch", config=CHART_CONFIG)

st.header(T("compare.differences"))
rows = []
for iid, title in titles.items():
    per_file = {name: res.get(iid) for name, _, res in loaded}
    verdicts = {name: (r.verdict if r else None) for name, r in per_file.items()}
    main = available[iid].band_score
    scores = {name: (r.scores.get(main) if r and main else None) for name, r in per_file.items()}
    if len({str(v) for v in verdicts.values()}) > 1 or len({None if v is None else round(v, 1)
                                                            for v in scores.values()}) > 1:
        method = next((sc.spec.method for sc in available[iid].scores if sc.spec.id == main), None)
        rows.append({T("table.instrument"): clean(title), T("table.flag"): "",
                     **{name: format_score(scores[name], method)
                        + (f" · {verdict_text(available[iid], verdicts[name], language)}" if verdicts[name] else "")
                        for name in per_file}})
    flag_ids = sorted({f for r in per_file.values() if r for f in r.flags})
    for fid in flag_ids:
        raised = {name: bool(r and fid in r.flags) for name, r in per_file.items()}
        if len(set(raised.values())) > 1:
            wording = "self_audit" if all(f.kind == "self_audit" for _, f, _ in loaded) else "vetting"
            flag = clean(flag_text(available[iid], fid, language, wording))
            rows.append({T("table.instrument"): clean(title), T("table.flag"): flag,
                         **{name: (T("compare.raised") if v else "") for name, v in raised.items()}})
if rows:
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
else:
    st.success(T("compare.same"))
not_a_guarantee()
