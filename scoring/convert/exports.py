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
from pathlib import Path

import numpy as np
import pandas as pd

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


def _options(inst: Instrument, item) -> list[tuple[object, str | dict]]:
    if item.type == "yes_no":
        return [("yes", {"en": "yes", "nl": "ja"}), ("no", {"en": "no", "nl": "nee"})]
    if item.type == "likert":
        points = item.options if item.options is not None else inst.spec.scales[item.scale]
        return [(p.value, p.label) for p in points]
    return [(o.value, o.label) for o in item.options if not o.unsure]


def _codes(inst, item) -> dict:
    """GuideCheck value -> numeric code."""
    if item.type == "yes_no":
        return {"yes": 1, "no": 0}
    values = [v for v, _ in _options(inst, item)]
    if all(isinstance(v, (int, float)) for v in values):
        return {v: v for v in values}
    return {v: k for k, v in enumerate(values, start=1)}


def _short_names(names: list[str], limit: int) -> dict[str, str]:
    out, used = {}, set()
    for name in names:
        short = re.sub(r"[^A-Za-z0-9_]", "_", name)[:limit]
        k = 2
        while short.lower() in used:
            suffix = f"_{k}"
            short, k = short[: limit - len(suffix)] + suffix, k + 1
        used.add(short.lower())
        out[name] = short
    return out


def labelled(inst: Instrument, tidy: pd.DataFrame, lang: str | None = None, limit: int = 64):
    """(numeric frame, variable labels, value labels, user-missing codes) for SPSS and Stata."""
    tx = lambda v: inst.text(v, lang)  # noqa: E731
    unsure = UNSURE_LABEL.get(lang or inst.languages[0], UNSURE_LABEL["en"])
    columns: dict[str, object] = {}
    var_labels: dict[str, str] = {}
    value_labels: dict[str, dict] = {}
    missing: dict[str, list] = {}
    scales = inst.spec.scales
    n = len(tidy)
    for c in tidy.columns:
        if c in inst.items:
            item = inst.items[c].spec
            raw = tidy[c].to_numpy(dtype=object)
            parsed = []
            for v in raw:
                try:
                    parsed.append(check_value(item, None if is_missing(v) else v, scales))
                except BadAnswer:
                    parsed.append(("missing", None))
            if item.type == "multi":
                for value, label in _options(inst, item):
                    name = f"{c}__{value}"
                    columns[name] = np.array([np.nan if s != "answered" else float(value in got)
                                              for s, got in parsed])
                    var_labels[name] = f"{tx(item.text)}: {tx(label)}"[:255]
                    value_labels[name] = {1: tx(label)[:120], 0: "-"}
                continue
            if item.type == "text":
                columns[c] = np.array(["" if s != "answered" else v for s, v in parsed], dtype=object)
            elif item.type == "number":
                columns[c] = np.array([v if s == "answered" else (UNSURE_CODE if s == "unsure" else np.nan)
                                       for s, v in parsed], dtype=float)
                if any(s == "unsure" for s, _ in parsed) or getattr(item, "allow_unsure", False):
                    value_labels[c] = {UNSURE_CODE: unsure}
                    missing[c] = [UNSURE_CODE]
            else:
                codes = _codes(inst, item)
                by_text = {str(k): code for k, code in codes.items()}
                col = []
                for s, v in parsed:
                    if s == "answered":
                        key = v if v in codes else (int(v) if isinstance(v, float) and v.is_integer() else v)
                        col.append(float(codes.get(key, by_text.get(str(key), np.nan))))
                    else:
                        col.append(float(UNSURE_CODE) if s == "unsure" else np.nan)
                columns[c] = np.array(col, dtype=float)
                labels = {codes[v]: tx(label)[:120] for v, label in _options(inst, item)}
                if getattr(item, "allow_unsure", False) or item.type == "choice":
                    labels[UNSURE_CODE] = unsure
                    missing[c] = [UNSURE_CODE]
                value_labels[c] = labels
            var_labels[c] = tx(item.text)[:255]
        elif c.startswith("score_"):
            columns[c] = pd.to_numeric(tidy[c], errors="coerce").to_numpy(dtype=float)
            sid = c[len("score_"):]
            spec = next((s.spec for s in inst.scores if s.spec.id == sid), None)
            var_labels[c] = f"{tx(spec.label)} ({spec.method})" if spec else c
        else:
            columns[c] = np.array(["" if is_missing(v) else str(v) for v in tidy[c].to_numpy(dtype=object)],
                                  dtype=object)
            var_labels[c] = c
    frame = pd.DataFrame(columns, index=range(n))
    names = _short_names(list(frame.columns), limit)
    frame = frame.rename(columns=names)
    rename = names.get
    return (frame, {rename(k): v for k, v in var_labels.items()},
            {rename(k): v for k, v in value_labels.items()}, {rename(k): v for k, v in missing.items()})


def _via_file(write, suffix: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"data{suffix}"
        write(str(path))
        return path.read_bytes()


def sav_bytes(inst: Instrument, tidy: pd.DataFrame, lang: str | None = None) -> bytes:
    import pyreadstat

    frame, var_labels, value_labels, missing = labelled(inst, tidy, lang, limit=64)
    return _via_file(lambda p: pyreadstat.write_sav(
        frame, p, column_labels=var_labels, variable_value_labels=value_labels,
        missing_ranges={k: v for k, v in missing.items()}, file_label=f"{inst.id} {inst.version} {inst.content_hash}",
        note=f"GuideCheck instrument {inst.id} {inst.version}, content hash {inst.content_hash}"), ".sav")


def dta_bytes(inst: Instrument, tidy: pd.DataFrame, lang: str | None = None) -> bytes:
    import pyreadstat

    frame, var_labels, value_labels, _ = labelled(inst, tidy, lang, limit=32)
    value_labels = {k: {int(code): label[:80] for code, label in v.items()} for k, v in value_labels.items()}
    return _via_file(lambda p: pyreadstat.write_dta(
        frame, p, column_labels={k: v[:80] for k, v in var_labels.items()}, variable_value_labels=value_labels,
        file_label=f"{inst.id} {inst.version} {inst.content_hash}"[:80], version=15), ".dta")


# --------------------------------------------------------------------------- Frictionless


def _field(inst: Instrument, column: str, lang) -> dict:
    tx = lambda v: inst.text(v, lang)  # noqa: E731
    if column in inst.items:
        item = inst.items[column].spec
        field = {"name": column, "title": tx(item.text)[:200]}
        if item.type in ("yes_no", "choice"):
            values = [v for v, _ in _options(inst, item)] + [o.value for o in getattr(item, "options", None) or []
                                                             if o.unsure]
            if all(isinstance(v, int) for v in values):
                field.update(type="integer", constraints={"enum": values})
            else:
                field.update(type="string", constraints={"enum": [str(v) for v in values]})
        elif item.type == "likert":
            values = [v for v, _ in _options(inst, item)]
            field.update(type="number", constraints={"enum": values})
        elif item.type == "number":
            field["type"] = "integer" if item.integer else "number"
            bounds = {k: v for k, v in (("minimum", item.min), ("maximum", item.max)) if v is not None}
            if bounds:
                field["constraints"] = bounds
        elif item.type == "multi":
            field.update(type="string", description="options joined with ';': "
                         + ", ".join(str(v) for v, _ in _options(inst, item)))
        else:
            field.update(type="string", constraints={"maxLength": item.max_length})
        return field
    if column.startswith("score_"):
        return {"name": column, "type": "number"}
    return {"name": column, "type": "string"}


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
