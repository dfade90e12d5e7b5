import streamlit as st

from app_pages import state
from app_pages.common import T, builtin_instruments, lang, problem_line, safe, validated_upload
from scoring.instrument import Instrument
from scoring.plaintext import clean

st.title(T("instruments.title"))
st.markdown(T("instruments.intro_people"))
language = lang()


def describe(inst: Instrument) -> None:
    """What a person reads: the purpose, the parts and their questions, and the sources by author,
    title and section. Ids, hashes, expressions and source keys are under "For developers"."""
    st.caption(T("instruments.size", questions=T("instruments.questions", n=len(inst.items)),
                 parts=T("instruments.parts", n=len(inst.spec.sections))))
    if inst.spec.description:
        st.markdown(safe(inst.text(inst.spec.description, language)))
    for section in inst.spec.sections:
        st.markdown(f"**{safe(inst.text(section.title, language))}**")
        if section.description:
            st.caption(safe(inst.text(section.description, language)))
        st.markdown("\n".join(f"1. {safe(inst.text(item.text, language))}" for item in section.items))
    cited = sources_cited(inst)
    if cited:
        st.markdown(f"**{T('instruments.sources')}**")
        st.markdown("\n".join(
            f"- {safe(reference)}" + (f"  \n  {safe(T('instruments.sections_cited', sections='; '.join(places)))}"
                                      if places else "")
            for reference, places in cited.items()))
    with st.expander(T("instruments.developers")):
        developer_details(inst)


def sources_cited(inst: Instrument) -> dict[str, list[str]]:
    """Each source the questions cite (its full reference), with the sections cited, in order."""
    out: dict[str, list[str]] = {}
    for item_id in inst.items:
        found = inst.source_of(item_id)
        if found is None:
            continue
        _, reference, locator = found
        places = out.setdefault(reference, [])
        if locator and locator not in places:
            places.append(locator)
    return out


def developer_details(inst: Instrument) -> None:
    st.caption(T("instruments.developers_help"))
    st.markdown(safe(f"{inst.id} · " + T("instruments.summary", items=len(inst.items),
                                         sections=len(inst.spec.sections), version=inst.version)
                     + f" · {inst.content_hash}"))
    for section in inst.spec.sections:
        st.markdown(f"**{safe(inst.text(section.title, language))}** · {safe(section.id)}")
        lines = []
        for item in section.items:
            info = inst.items[item.id]
            extra = [", ".join(f"`{c}`" for c in item.criteria if c.replace("-", "").isalnum())]
            if info.scored:
                extra.append(f"{info.pmin:g}–{info.pmax:g} {T('instruments.points')} × {info.weight:g}")
            if item.show_if:
                extra.append(safe(T("instruments.shown_if", expr=item.show_if)))
            if item.flag:
                extra.append(safe(T("instruments.flag", severity=T("severity." + item.flag.severity),
                                    when=item.flag.when)))
            src = inst.source_of(item.id)
            if src:
                extra.append(safe(src[0] + (f" ({src[2]})" if src[2] else "")))
            lines.append(f"- {safe(item.id)}  \n  " + " · ".join(e for e in extra if e))
        st.markdown("\n".join(lines))
    st.markdown(f"**{T('instruments.scoring')}**")
    lines = [f"- {safe(T('instruments.score_line', label=inst.text(s.spec.label, language), n=len(s.items), method=T('method.' + s.spec.method)))}"  # noqa: E501
             for s in inst.scores]
    lines += [f"- {safe(T('severity.' + r.severity))}: {safe(inst.text(r.message, language))}"
              for r in inst.spec.rules]
    lines += [f"- {safe(inst.text(b.label, language))}: ≥ {b.min:g}" for b in inst.spec.bands]
    st.markdown("\n".join(lines))
    if inst.spec.sources:
        st.caption(safe(" · ".join(f"{k}: {v}" for k, v in inst.spec.sources.items())))


loaded, problems = builtin_instruments()
for p in problems:
    st.error(safe(problem_line(p)))
order = sorted(loaded, key=lambda i: (i != "red-flags", i == "working-alliance", loaded[i].title(language)))
for inst in (loaded[i] for i in order):
    with st.expander(safe(inst.title(language))):
        describe(inst)

st.header(T("instruments.upload"))
upload = st.file_uploader(T("instruments.upload"), type=["yaml", "yml"], label_visibility="collapsed")
if upload is not None:
    uploaded, found = validated_upload(upload)
    if found or uploaded is None:  # no instrument comes without a problem saying why
        st.error(T("instruments.problems", n=len(found)))
        st.code(clean("\n".join(problem_line(p) for p in found)), language=None, wrap_lines=True)
    else:
        st.success(T("instruments.valid"))
        if uploaded.id in loaded:
            st.error(T("instruments.clash", id=uploaded.id))
        else:
            with st.container(border=True):
                st.subheader(safe(uploaded.title(language)))
                describe(uploaded)
            if st.button(T("instruments.use"), type="primary"):
                state.add_custom_instrument(uploaded)
                st.success(T("instruments.used"))
