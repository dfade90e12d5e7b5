"""An instrument as a REDCap data dictionary (the CSV REDCap imports under Project Setup).

REDCap has no severities, flags, points or "unverified"; GuideCheck stays the scoring layer. Each
field's note shows its criteria and flag in words, and its annotation holds the JSON of the
GuideCheck keys REDCap has no column for (REDCap treats annotation text that is not an @ action
tag as a comment). Labels are in the instrument's first language (or ``lang``): REDCap keeps
translations in its Multi-Language Management module, not in the dictionary.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from .. import expressions as ex
from .. import model
from ..instrument import Instrument
from .xlsform import META_LABELS, UNSURE_LABEL, YES_NO_LABELS, _meta_names, _meta_values, _num, _ui
from .xpath import to_redcap

COLUMNS = [
    "Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
    "Choices, Calculations, OR Slider Labels", "Field Note", "Text Validation Type OR Show Slider Number",
    "Text Validation Min", "Text Validation Max", "Identifier?", "Branching Logic (Show field only if...)",
    "Required Field?", "Custom Alignment", "Question Number (surveys only)", "Matrix Group Name",
    "Matrix Ranking?", "Field Annotation",
]
SEVERITY_WORDS = {"critical": "critical", "major": "major", "minor": "minor"}


def _choices(pairs: Iterable[tuple[object, str]]) -> str:
    return " | ".join(f"{value}, {label.replace('|', '/')}" for value, label in pairs)


def _item_cells(inst: Instrument, item: model.AnyItem, lang: str, checkbox: set[str]) -> dict[str, str]:
    """The cells of an item's field (all but its form and section header)."""
    cells = {"Variable / Field Name": item.id, "Field Label": inst.text(item.text, lang),
             "Required Field?": "y" if item.required else "", **_field_type(inst, item, lang)}
    if item.show_if:
        cells["Branching Logic (Show field only if...)"] = to_redcap(item.show_if, checkbox)
    cells["Field Note"] = _field_note(inst, item, lang)
    extra = item.model_dump(mode="json", exclude_defaults=True,
                            exclude={"id", "text", "required", "show_if", "options"})
    cells["Field Annotation"] = "GUIDECHECK " + json.dumps(extra, ensure_ascii=False, sort_keys=True)
    return cells


def _field_type(inst: Instrument, item: model.AnyItem, lang: str) -> dict[str, str]:
    """Field type, choices and validation of an item."""
    tx = lambda v: inst.text(v, lang)  # noqa: E731 - a short local alias
    unsure = [("unsure", UNSURE_LABEL.get(lang, UNSURE_LABEL["en"]))] if getattr(item, "allow_unsure", False) else []
    choices = "Choices, Calculations, OR Slider Labels"
    match item:
        case model.YesNoItem():
            pairs = [(v, YES_NO_LABELS[v].get(lang, YES_NO_LABELS[v]["en"])) for v in ("yes", "no")]
            return {"Field Type": "radio", choices: _choices(pairs + unsure)}
        case model.ChoiceItem() | model.MultiItem():
            return {"Field Type": "radio" if item.type == "choice" else "checkbox",
                    choices: _choices(_option_pairs(inst, item, lang, unsure))}
        case model.LikertItem():
            return {"Field Type": "radio",
                    choices: _choices([(_num(p.value), tx(p.label)) for p in inst.scale_points(item)] + unsure)}
        case model.NumberItem():
            return {"Field Type": "text",
                    "Text Validation Type OR Show Slider Number": "integer" if item.integer else "number",
                    "Text Validation Min": "" if item.min is None else _num(item.min),
                    "Text Validation Max": "" if item.max is None else _num(item.max)}
    return {"Field Type": "notes"}


def _option_pairs(inst: Instrument, item: model.ChoiceItem | model.MultiItem, lang: str,
                  unsure: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(code, label) of each option; a choice item without an unsure option of its own gets ours."""
    pairs = [(str(o.value), inst.text(o.label, lang)) for o in item.options]
    if item.type == "choice" and not any(o.unsure or str(o.value) == "unsure" for o in item.options):
        pairs += unsure
    return pairs


def _field_note(inst: Instrument, item: model.AnyItem, lang: str) -> str:
    """Criteria, flag and unit in words."""
    note = []
    if item.criteria:
        note.append("Criteria: " + ", ".join(item.criteria))
    if item.flag is not None:
        note.append(f"Flag ({item.flag.severity}) when {item.flag.when}: {inst.text(item.flag.message, lang)}")
    if item.type == "number" and item.unit is not None:
        note.append(inst.text(item.unit, lang))
    return " · ".join(note)


def to_redcap_dictionary(inst: Instrument, lang: str | None = None) -> bytes:
    """The REDCap data dictionary (CSV bytes, UTF-8) of an instrument."""
    lang = lang if lang in inst.languages else inst.languages[0]
    tx = lambda v: inst.text(v, lang)  # noqa: E731 - a short local alias
    form = inst.id.replace("-", "_")
    checkbox = {iid for iid, info in inst.items.items() if info.spec.type == "multi"}
    rows = []

    def row(**cells: str) -> None:
        rows.append({c: "" for c in COLUMNS} | {"Form Name": form} | cells)

    rows.append({c: "" for c in COLUMNS} | {"Variable / Field Name": "record_id", "Form Name": form,
                                             "Field Type": "text", "Field Label": "Record ID"})
    for meta in _meta_names(inst):
        pairs = [(v, _ui(f"{meta}.{v}", lang, v)) for v in _meta_values(meta)]
        row(**{"Variable / Field Name": meta, "Field Type": "radio",
               "Field Label": META_LABELS.get(meta, {}).get(lang, META_LABELS.get(meta, {}).get("en", meta)),
               "Choices, Calculations, OR Slider Labels": _choices(pairs), "Required Field?": "y"})
    for section in inst.spec.sections:
        header = tx(section.title)
        for item in section.items:
            row(**_item_cells(inst, item, lang, checkbox), **{"Section Header": header})
            header = ""
    for d in inst.spec.derived:
        tree = ex.parse(d.expr)
        logic = to_redcap(d.expr, checkbox)
        if isinstance(tree, (ex.Cmp, ex.And, ex.Or, ex.Not, ex.InList, ex.InSet)):  # REDCap calc fields are numbers
            logic = f"if({logic}, 1, 0)"
        row(**{"Variable / Field Name": d.id, "Field Type": "calc", "Field Label": tx(d.label) or d.id,
               "Choices, Calculations, OR Slider Labels": logic,
               "Field Annotation": "GUIDECHECK " + json.dumps({"expr": d.expr}, ensure_ascii=False)})
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
