import streamlit as st

from app_pages.common import builtin_instruments

st.title("Instruments")
instruments, problems = builtin_instruments()
for p in problems:
    st.error(str(p))
if not instruments:
    st.warning("No valid instruments were found in questionnaires/.")
for inst in instruments.values():
    with st.expander(f"{inst.title()} · {inst.id} {inst.version}"):
        st.write(inst.text(inst.spec.description))
        st.caption(f"{len(inst.items)} questions in {len(inst.spec.sections)} sections; "
                   f"languages: {', '.join(inst.languages)}; content hash {inst.content_hash}")
        for info in inst.items.values():
            criteria = " ".join(f"`{c}`" for c in info.spec.criteria)
            st.markdown(f"- {inst.text(info.spec.text)}  \n  {criteria}")
