"""Response data for SPSS (.sav), Stata (.dta) and Frictionless (datapackage.json + CSV).

All three start from the tidy frame the Research page exports (``Store.export_frame``): one row per
response, one column per item with its answer as text, ``score_<id>`` columns, and meta columns.
``tidy_from_answers`` makes the same frame from an answer file for the command line.

SPSS and Stata get numeric codes with value labels (Stata labels only whole numbers): a yes/no
item is 1 = yes, 0 = no; a choice item its own number, or 1..k in option order when its values are
words; a likert item its scale value; ``unsure`` is -1 (an SPSS user-missing value); a multi item
becomes one 0/1 variable per option (``item__option``). pyreadstat writes both files.

The data package is written by hand: it is a small documented JSON file (specs.frictionlessdata.io),
and the frictionless library (large) is only needed to check it, which the tests do.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import model
from ..answers import BadAnswer, check_value, is_missing
from ..export import neutralise
from ..instrument import Instrument

UNSURE_CODE = -1
UNSURE_LABEL = {"en": "I don't know", "nl": "Weet ik niet"}


def tidy_from_answers(inst: Instrument, answers: pd.DataFrame, context: str = "unknown",
                      audience: str = "research", kind: str = "csv") -> pd.DataFrame:
    """The export frame for an answer file: meta columns, items as given, scores, verdict, flags."""
    from ..frame import score_frame

    scored = score_frame(inst, answers, context=context, audience=audience, kind=kind)
    meta = [c for c in answers.columns if c not in inst.items and c != "response_id"]
    out = pd.DataFrame({"response_id": scored["response_id"].astype(object)})
    out["instrument_id"], out["instrument_version"], out["instrument_hash"] = inst.id, inst.version, inst.content_hash
    for c in meta:
        out[c] = answers[c].to_numpy()
    for iid in inst.items:
        out[iid] = answers[iid].to_numpy() if iid in answers.columns else None
    for s in inst.score_ids:
        out[f"score_{s}"] = scored[s].to_numpy()
    for c in ("verdict", "flags"):
        out[c] = scored[c].to_numpy()
    return out


Value = int | float | str  # an option's or scale point's value
Code = int | float  # its numeric code in SPSS and Stata


def _options(inst: Instrument, item: model.AnyItem) -> list[tuple[Value, model.Text]]:
    match item:
        case model.YesNoItem():
            return [("yes", {"en": "yes", "nl": "ja"}), ("no", {"en": "no", "nl": "nee"})]
        case model.LikertItem():
            return [(p.value, p.label) for p in inst.scale_points(item)]
        case model.ChoiceItem() | model.MultiItem():
            return [(o.value, o.label) for o in item.options if not o.unsure]
    raise TypeError(f"a {item.type} item has no options")


def _codes(inst: Instrument, item: model.AnyItem) -> dict[Value, Code]:
    """GuideCheck value -> numeric code."""
    if item.type == "yes_no":
        return {"yes": 1, "no": 0}
    values = [v for v, _ in _options(inst, item)]
    numbers = [v for v in values if isinstance(v, (int, float))]
    if len(numbers) == len(values):
        return {v: v for v in numbers}
    return {v: k for k, v in enumerate(values, start=1)}


def _short_names(names: list[str], limit: int) -> dict[str, str]:
    out: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        short = re.sub(r"[^A-Za-z0-9_]", "_", name)[:limit]
        k = 2
        while short.lower() in used:
            suffix = f"_{k}"
            short, k = short[: limit - len(suffix)] + suffix, k + 1
        used.add(short.lower())
        out[name] = short
    return out


Parsed = list[tuple[str, object]]  # (answered / unsure / missing, the value) of each row


class _Labelled:
    """The columns of a labelled (SPSS / Stata) file, filled column by column."""

    def __init__(self, inst: Instrument, lang: str | None):
        self.inst = inst
        self.lang = lang
        self.unsure = UNSURE_LABEL.get(lang or inst.languages[0], UNSURE_LABEL["en"])
        self.columns: dict[str, np.ndarray] = {}
        self.var_labels: dict[str, str] = {}
        self.value_labels: dict[str, dict[Code, str]] = {}
        self.missing: dict[str, list[int]] = {}

    def tx(self, value: model.Text | None) -> str:
        return self.inst.text(value, self.lang)

    def add(self, c: str, values: pd.Series) -> None:
        if c in self.inst.items:
            self.item(c, values)
        elif c.startswith("score_"):
            self.columns[c] = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
            sid = c[len("score_"):]
            spec = next((s.spec for s in self.inst.scores if s.spec.id == sid), None)
            self.var_labels[c] = f"{self.tx(spec.label)} ({spec.method})" if spec else c
        else:
            self.columns[c] = np.array(["" if is_missing(v) else str(v) for v in values.to_numpy(dtype=object)],
                                       dtype=object)
            self.var_labels[c] = c

    def item(self, c: str, values: pd.Series) -> None:
        item = self.inst.items[c].spec
        parsed = _parsed(item, values, self.inst.spec.scales)
        if item.type == "multi":
            self.multi(c, item, parsed)
            return
        if item.type == "text":
            self.columns[c] = np.array(["" if s != "answered" else v for s, v in parsed], dtype=object)
        elif item.type == "number":
            self.number(c, item, parsed)
        else:
            self.coded(c, item, parsed)
        self.var_labels[c] = self.tx(item.text)[:255]

    def multi(self, c: str, item: model.MultiItem, parsed: Parsed) -> None:
        """One 0/1 variable per option."""
        for value, label in _options(self.inst, item):
            name = f"{c}__{value}"
            self.columns[name] = np.array([float(value in got) if s == "answered" and isinstance(got, frozenset)
                                           else np.nan for s, got in parsed])
            self.var_labels[name] = f"{self.tx(item.text)}: {self.tx(label)}"[:255]
            self.value_labels[name] = {1: self.tx(label)[:120], 0: "-"}

    def number(self, c: str, item: model.NumberItem, parsed: Parsed) -> None:
        self.columns[c] = np.array([v if s == "answered" else (UNSURE_CODE if s == "unsure" else np.nan)
                                    for s, v in parsed], dtype=float)
        if any(s == "unsure" for s, _ in parsed) or item.allow_unsure:
            self.value_labels[c] = {UNSURE_CODE: self.unsure}
            self.missing[c] = [UNSURE_CODE]

    def coded(self, c: str, item: model.AnyItem, parsed: Parsed) -> None:
        """A yes/no, choice or likert item as numeric codes with value labels."""
        codes = _codes(self.inst, item)
        by_text = {str(k): code for k, code in codes.items()}
        self.columns[c] = np.array([_code(s, v, codes, by_text) for s, v in parsed], dtype=float)
        labels = {codes[v]: self.tx(label)[:120] for v, label in _options(self.inst, item)}
        if getattr(item, "allow_unsure", False) or item.type == "choice":
            labels[UNSURE_CODE] = self.unsure
            self.missing[c] = [UNSURE_CODE]
        self.value_labels[c] = labels


def _parsed(item: model.AnyItem, values: pd.Series, scales: dict[str, list[model.ScalePoint]]) -> Parsed:
    parsed: Parsed = []
    for v in values.to_numpy(dtype=object):
        try:
            parsed.append(check_value(item, None if is_missing(v) else v, scales))
        except BadAnswer:
            parsed.append(("missing", None))
    return parsed


def _code(status: str, value: Any, codes: dict[Value, Code], by_text: dict[str, Code]) -> float:
    """The numeric code of one answer (-1 for unsure, NaN when missing)."""
    if status != "answered":
        return float(UNSURE_CODE) if status == "unsure" else np.nan
    key = value if value in codes else (int(value) if isinstance(value, float) and value.is_integer() else value)
    return float(codes.get(key, by_text.get(str(key), np.nan)))


def labelled(inst: Instrument, tidy: pd.DataFrame, lang: str | None = None, limit: int = 64) -> tuple[
        pd.DataFrame, dict[str, str], dict[str, dict[Code, str]], dict[str, list[int]]]:
    """(numeric frame, variable labels, value labels, user-missing codes) for SPSS and Stata."""
    out = _Labelled(inst, lang)
    for c in tidy.columns:
        out.add(str(c), tidy[c])
    frame = pd.DataFrame(out.columns, index=range(len(tidy)))
    names = _short_names(list(frame.columns), limit)
    frame = frame.rename(columns=names)
    return (frame, {names[k]: v for k, v in out.var_labels.items()},
            {names[k]: v for k, v in out.value_labels.items()}, {names[k]: v for k, v in out.missing.items()})


def _via_file(write: Callable[[str], object], suffix: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"data{suffix}"
        write(str(path))
        return path.read_bytes()


def sav_bytes(inst: Instrument, tidy: pd.DataFrame, lang: str | None = None) -> bytes:
    import pyreadstat

    frame, var_labels, value_labels, missing = labelled(inst, tidy, lang, limit=64)
    column_labels: dict[str, str | None] = {**var_labels}
    missing_ranges: dict[str, list[Any]] = {k: list(v) for k, v in missing.items()}
    return _via_file(lambda p: pyreadstat.write_sav(
        frame, p, column_labels=column_labels, variable_value_labels=value_labels,
        missing_ranges=missing_ranges, file_label=f"{inst.id} {inst.version} {inst.content_hash}",
        note=f"GuideCheck instrument {inst.id} {inst.version}, content hash {inst.content_hash}"), ".sav")


def dta_bytes(inst: Instrument, tidy: pd.DataFrame, lang: str | None = None) -> bytes:
    import pyreadstat

    frame, var_labels, value_labels, _ = labelled(inst, tidy, lang, limit=32)
    whole: dict[str, dict[Code, str]] = {k: {int(code): label[:80] for code, label in v.items()}
                                         for k, v in value_labels.items()}
    column_labels: dict[str, str | None] = {k: v[:80] for k, v in var_labels.items()}
    return _via_file(lambda p: pyreadstat.write_dta(
        frame, p, column_labels=column_labels, variable_value_labels=whole,
        file_label=f"{inst.id} {inst.version} {inst.content_hash}"[:80], version=15), ".dta")


# --------------------------------------------------------------------------- Frictionless


def _field(inst: Instrument, column: str, lang: str | None) -> dict[str, Any]:
    if column in inst.items:
        item = inst.items[column].spec
        return {"name": column, "title": inst.text(item.text, lang)[:200], **_item_field(inst, item)}
    if column.startswith("score_"):
        return {"name": column, "type": "number"}
    return {"name": column, "type": "string"}


def _item_field(inst: Instrument, item: model.AnyItem) -> dict[str, Any]:
    """The type and constraints of an item's field in the data package."""
    match item:
        case model.YesNoItem() | model.ChoiceItem():
            return _choice_field(inst, item)
        case model.LikertItem():
            return {"type": "number", "constraints": {"enum": [v for v, _ in _options(inst, item)]}}
        case model.NumberItem():
            bounds = {k: v for k, v in (("minimum", item.min), ("maximum", item.max)) if v is not None}
            return {"type": "integer" if item.integer else "number", **({"constraints": bounds} if bounds else {})}
        case model.MultiItem():
            return {"type": "string",
                    "description": "options joined with ';': " + ", ".join(str(v) for v, _ in _options(inst, item))}
        case model.TextItem():
            return {"type": "string", "constraints": {"maxLength": item.max_length}}
    raise TypeError(f"unknown item type {item.type}")


def _choice_field(inst: Instrument, item: model.YesNoItem | model.ChoiceItem) -> dict[str, Any]:
    """An enum of the values (whole numbers, else text), the unsure options included."""
    values = [v for v, _ in _options(inst, item)]
    values += [o.value for o in item.options if o.unsure] if isinstance(item, model.ChoiceItem) else []
    if all(isinstance(v, int) for v in values):
        return {"type": "integer", "constraints": {"enum": values}}
    return {"type": "string", "constraints": {"enum": [str(v) for v in values]}}


def datapackage(inst: Instrument, tidy: pd.DataFrame, lang: str | None = None) -> tuple[dict, bytes]:
    """(datapackage.json as a dict, the CSV it describes)."""
    fields = [_field(inst, c, lang) for c in tidy.columns]
    rows = io.StringIO()
    out = tidy.copy()
    for f in fields:
        column = out[f["name"]]
        if f["type"] == "string":
            out[f["name"]] = column.map(lambda v: "" if is_missing(v) else neutralise(str(v)))
        else:
            out[f["name"]] = column.map(lambda v: "" if is_missing(v) else (
                "unsure" if str(v).strip().lower() == "unsure" else f"{float(v):.10g}"))
    out.to_csv(rows, index=False, lineterminator="\n")
    package = {
        "profile": "tabular-data-package",
        "name": f"guidecheck-{inst.id}",
        "title": inst.title(lang),
        "version": inst.version,
        "description": "GuideCheck responses. 'unsure' (the respondent did not know) is read as a missing "
                       "value; in the CSV it stays 'unsure'. A good score is not a guarantee.",
        "keywords": ["guidecheck", inst.id, f"instrument_hash:{inst.content_hash}"],
        "guidecheck": {"instrument_id": inst.id, "instrument_version": inst.version,
                       "instrument_hash": inst.content_hash},
        "resources": [{
            "name": "responses", "path": "responses.csv", "profile": "tabular-data-resource",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "schema": {"fields": fields, "missingValues": ["", "unsure"]},
        }],
    }
    return package, rows.getvalue().encode("utf-8")


def datapackage_zip(inst: Instrument, tidy: pd.DataFrame, lang: str | None = None) -> bytes:
    package, data = datapackage(inst, tidy, lang)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("datapackage.json", json.dumps(package, indent=2, ensure_ascii=False))
        z.writestr("responses.csv", data)
    return out.getvalue()


def write_export(inst: Instrument, answers: pd.DataFrame, to: str, out: str, lang: str | None = None,
                 kind: str = "csv", context: str = "unknown", audience: str = "research") -> list[str]:
    """The CLI's ``export``: write a .sav, a .dta or a data package folder; return the paths written."""
    tidy = tidy_from_answers(inst, answers, context=context, audience=audience, kind=kind)
    if to == "sav":
        Path(out).write_bytes(sav_bytes(inst, tidy, lang))
        return [out]
    if to == "dta":
        Path(out).write_bytes(dta_bytes(inst, tidy, lang))
        return [out]
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    package, data = datapackage(inst, tidy, lang)
    (folder / "datapackage.json").write_text(json.dumps(package, indent=2, ensure_ascii=False), encoding="utf-8")
    (folder / "responses.csv").write_bytes(data)
    return [str(folder / "datapackage.json"), str(folder / "responses.csv")]
