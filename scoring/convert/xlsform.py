"""Instruments to and from XLSForm (the spreadsheet form format of ODK, KoboToolbox and SurveyCTO).

Writing: a ``survey`` sheet (one group per section, one row per item, ``calculate`` rows for
derived values), a ``choices`` sheet and a ``settings`` sheet in the column conventions of
pyxform, plus what XLSForm has no column for. That part is generic so that keys added to the
models travel without code changes: each row's ``guidecheck`` column holds the JSON of whatever
the standard columns do not carry, and the ``guidecheck`` sheet holds the instrument's own keys
(scores, rules, bands, sources, examples, ...). XLSForm tools ignore both. A few readable
``gc_*`` columns (criteria, severity, ...) show that data to people; they are written, never read.

Reading: our own forms come back whole; anyone else's form becomes an instrument with every
construct that cannot be carried reported by sheet and row (``Note``), never dropped silently.
openpyxl reads and writes the workbook (the spreadsheet library pyxform itself uses).
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass

import yaml

from .. import expressions as ex
from ..errors import GuideCheckError
from ..i18n import t
from ..instrument import RESERVED, Instrument
from .xpath import Unsupported, from_xpath, parse_constraint, to_xpath

LANG_NAMES = {"en": "English", "nl": "Nederlands", "de": "Deutsch", "fr": "Français", "es": "Español",
              "it": "Italiano", "pt": "Português"}
GC = "guidecheck"  # the JSON column and the instrument sheet
META_LISTS = {"context": "gc_context", "audience": "gc_audience", "stage": "gc_stage"}
YES_NO = "gc_yes_no"
UNSURE = "unsure"
UNSURE_LABEL = {"en": "I don't know", "nl": "Weet ik niet"}
YES_NO_LABELS = {"yes": {"en": "Yes", "nl": "Ja"}, "no": {"en": "No", "nl": "Nee"}}
TEXTS = ("label", "hint", "constraint_message", "required_message")
# Item keys that standard XLSForm columns carry; every other key goes into the guidecheck column.
STANDARD = {"id", "text", "help", "required", "show_if"}
STANDARD_BY_TYPE = {"number": {"min", "max", "integer"}, "text": {"max_length"},
                    "choice": {"options", "type"}, "multi": {"options", "type"}}
# Readable copies of some JSON keys (written for people, not read back).
READABLE = {
    "gc_criteria": lambda d: ";".join(d.get("criteria") or []),
    "gc_severity": lambda d: (d.get("flag") or {}).get("severity", ""),
    "gc_flag": lambda d: (d.get("flag") or {}).get("when", ""),
    "gc_stage": lambda d: d.get("stage", ""),
    "gc_weight": lambda d: "" if d.get("weight") is None else d["weight"],
}


def lang_column(prefix: str, lang: str) -> str:
    return f"{prefix}::{LANG_NAMES.get(lang, lang)} ({lang})"


def _num(value) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True) if data else ""


# --------------------------------------------------------------------------- writing


class _Sheet:
    def __init__(self, columns: list[str]):
        self.columns = list(columns)
        self.rows: list[dict] = []

    def add(self, **row) -> None:
        for key in row:
            if key not in self.columns:
                self.columns.append(key)
        self.rows.append(row)


def _texts(inst: Instrument, value, prefix: str, out: dict) -> None:
    for lang in inst.languages:
        text = inst.text(value, lang)
        if text:
            out[lang_column(prefix, lang)] = text


def _fixed_texts(inst, labels: dict, prefix="label") -> dict:
    return {lang_column(prefix, lang): labels.get(lang, labels["en"]) for lang in inst.languages}


META_LABELS = {"context": {"en": "In which setting are the sessions?", "nl": "In welke setting zijn de sessies?"},
               "audience": {"en": "Who answers?", "nl": "Wie antwoordt?"},
               "stage": {"en": "How far along are you?", "nl": "Hoe ver ben je?"}}


def _ui(key: str, lang: str, default: str) -> str:
    try:
        return t(key, lang)
    except KeyError:
        return default


def _meta_names(inst: Instrument) -> list[str]:
    used: set[str] = set()
    for info in inst.items.values():
        if info.spec.show_if:
            used |= ex.names(ex.parse(info.spec.show_if))
    for d in inst.spec.derived:
        used |= ex.names(ex.parse(d.expr))
    return [m for m in META_LISTS if m in used]


def _meta_values(name: str) -> tuple:
    from .. import model

    return {"context": model.CONTEXTS, "audience": model.AUDIENCES}.get(
        name, tuple(getattr(model, "STAGES", ("before_intake", "after_intake", "after_session"))))


def _list_for(inst, item, choices: _Sheet, made: set) -> str:
    """The choice list of a select item (written once per list name)."""
    unsure = getattr(item, "allow_unsure", False)
    if item.type == "yes_no":
        name, points = YES_NO + ("-u" if unsure else ""), [("yes", YES_NO_LABELS["yes"]), ("no", YES_NO_LABELS["no"])]
        rows = [{"name": v, **_fixed_texts(inst, lab)} for v, lab in points]
    elif item.type == "likert":
        points = item.options if item.options is not None else inst.spec.scales[item.scale]
        name = (f"scale_{item.scale}" if item.scale else f"opt_{item.id}") + ("-u" if unsure else "")
        rows = []
        for p in points:
            row = {"name": _num(p.value)}
            _texts(inst, p.label, "label", row)
            rows.append(row)
    else:
        name = f"opt_{item.id}"
        rows = []
        for o in item.options:
            row = {"name": str(o.value), GC: _json(o.model_dump(mode="json", exclude_defaults=True,
                                                                 exclude={"value", "label"}))}
            if o.points is not None:
                row["gc_points"] = _num(o.points)
            _texts(inst, o.label, "label", row)
            rows.append(row)
        unsure = unsure and item.type == "choice" and not any(o.unsure or str(o.value) == UNSURE
                                                              for o in item.options)
    if unsure:
        rows.append({"name": UNSURE, **_fixed_texts(inst, UNSURE_LABEL)})
    if name not in made:
        made.add(name)
        for row in rows:
            choices.add(list_name=name, **row)
    return name


def to_xlsform(inst: Instrument) -> bytes:
    """The instrument as an XLSForm workbook (.xlsx bytes)."""
    import openpyxl

    langs = inst.languages
    survey = _Sheet(["type", "name", *(lang_column("label", lg) for lg in langs),
                     *(lang_column("hint", lg) for lg in langs), "relevant", "required", "constraint",
                     *(lang_column("constraint_message", lg) for lg in langs), "calculation", GC, *READABLE])
    choices = _Sheet(["list_name", "name", *(lang_column("label", lg) for lg in langs), GC, "gc_points"])
    made: set[str] = set()
    for meta in _meta_names(inst):
        label = META_LABELS.get(meta, {"en": meta})
        row = {"type": f"select_one {META_LISTS[meta]}", "name": meta, "required": "yes"}
        row.update(_fixed_texts(inst, label))
        survey.add(**row)
        for v in _meta_values(meta):
            choices.add(list_name=META_LISTS[meta], name=v,
                        **_fixed_texts(inst, {lg: _ui(f"{meta}.{v}", lg, v) for lg in ("en", "nl")}))
    for section in inst.spec.sections:
        row = {"type": "begin_group", "name": section.id,
               GC: _json(section.model_dump(mode="json", exclude_defaults=True, exclude={"id", "title", "items"}))}
        _texts(inst, section.title, "label", row)
        survey.add(**row)
        for item in section.items:
            survey.add(**_item_row(inst, item, choices, made))
        survey.add(type="end_group", name=section.id)
    for d in inst.spec.derived:
        survey.add(type="calculate", name=d.id, calculation=to_xpath(d.expr),
                   **{GC: _json(d.model_dump(mode="json", exclude_defaults=True, exclude={"id", "expr"}))})
    first = langs[0]
    settings = _Sheet(["form_title", "form_id", "version", "default_language"])
    settings.add(form_title=inst.title(first), form_id=inst.id, version=inst.version,
                 default_language=f"{LANG_NAMES.get(first, first)} ({first})")
    own = _Sheet(["key", "part", "value"])
    top = inst.spec.model_dump(mode="json", exclude_defaults=True, exclude={"sections", "derived"})
    for key, value in top.items():  # one row per list element or mapping entry: cells stay small
        if isinstance(value, list):
            for i, v in enumerate(value):
                own.add(key=key, part=str(i), value=json.dumps(v, ensure_ascii=False))
        elif isinstance(value, dict):
            for k, v in value.items():
                own.add(key=key, part="." + str(k), value=json.dumps(v, ensure_ascii=False))
        else:
            own.add(key=key, part="", value=json.dumps(value, ensure_ascii=False))

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, sheet in (("survey", survey), ("choices", choices), ("settings", settings), (GC, own)):
        ws = book.create_sheet(title)
        ws.append(sheet.columns)
        for row in sheet.rows:
            ws.append([row.get(c, "") for c in sheet.columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _item_row(inst, item, choices, made) -> dict:
    kind = item.type
    standard = STANDARD | STANDARD_BY_TYPE.get(kind, set())
    if kind == "likert" and item.options is not None:
        standard = standard | {"options"}
    extra = item.model_dump(mode="json", exclude_defaults=True, exclude=standard)
    extra["type"] = kind if kind not in ("choice", "multi", "number", "text") else extra.pop("type", None)
    extra = {k: v for k, v in extra.items() if v is not None}
    row = {"name": item.id, "required": "yes" if item.required else "no", GC: _json(extra)}
    for col, fn in READABLE.items():
        value = fn(extra)
        if value != "":
            row[col] = value
    _texts(inst, item.text, "label", row)
    _texts(inst, item.help, "hint", row)
    if item.show_if:
        row["relevant"] = to_xpath(item.show_if)
    if kind in ("yes_no", "choice", "likert"):
        row["type"] = f"select_one {_list_for(inst, item, choices, made)}"
    elif kind == "multi":
        row["type"] = f"select_multiple {_list_for(inst, item, choices, made)}"
    elif kind == "number":
        row["type"] = "integer" if item.integer else "decimal"
        bounds = [f". >= {_num(item.min)}"] if item.min is not None else []
        bounds += [f". <= {_num(item.max)}"] if item.max is not None else []
        if bounds:
            row["constraint"] = " and ".join(bounds)
            low = _num(item.min) if item.min is not None else "…"
            high = _num(item.max) if item.max is not None else "…"
            row.update(_fixed_texts(inst, {"en": f"Between {low} and {high}", "nl": f"Tussen {low} en {high}"},
                                    "constraint_message"))
    else:
        row["type"] = "text"
        row["constraint"] = f"string-length(.) <= {item.max_length}"
    return row


# --------------------------------------------------------------------------- reading


@dataclass
class Note:
    """One construct of the form that the instrument does not carry (or carries differently)."""

    sheet: str
    row: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.sheet}" + (f" row {self.row}" if self.row else "") + f": {self.message}"


class FormError(GuideCheckError, ValueError):
    """The workbook cannot be read as an XLSForm at all."""


_LANG_COL = re.compile(r"^(label|hint|constraint_message|required_message|constraint message|required message)"
                       r"(?:\s*::\s*(.+))?$", re.I)
_ALIASES = {"relevance": "relevant", "calculate": "calculation", "list name": "list_name",
            "constraint message": "constraint_message", "required message": "required_message",
            "bind::relevant": "relevant", "bind::required": "required", "bind::constraint": "constraint",
            "bind::calculate": "calculation", "caption": "label"}
METADATA = {"start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username",
            "email", "audit", "start-geopoint", "background-audio", "uri:subscriberid", "uri:deviceid",
            "uri:simserial", "uri:phonenumber", "uri:username", "uri:email"}
_SLUG_BAD = re.compile(r"[^a-z0-9_]+")


def slug_id(name: str) -> str:
    """The GuideCheck id for a form's name: lower case letters, digits and _, never a reserved word."""
    gid = _SLUG_BAD.sub("_", name.lower()).strip("_") or "q"
    return "q_" + gid if gid in RESERVED or gid[0].isdigit() else gid


def _lang_code(spec: str) -> str | None:
    m = re.search(r"\(([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)\)\s*$", spec)
    if m:
        return m.group(1).lower()
    lowered = spec.strip().lower()
    for code, name in LANG_NAMES.items():
        if lowered in (name.lower(), code):
            return code
    return None


def _rows(ws) -> tuple[list[str], list[tuple[int, dict]]]:
    it = ws.iter_rows(values_only=True)
    try:
        header = [("" if h is None else str(h).strip()) for h in next(it)]
    except StopIteration:
        return [], []
    out = []
    for n, values in enumerate(it, start=2):
        row = {}
        for h, v in zip(header, values, strict=False):
            if h and v is not None and str(v).strip() != "":
                row[h] = str(v).strip() if not isinstance(v, float) or not v.is_integer() else str(int(v))
        if row:
            out.append((n, row))
    return header, out


def _key(header: str) -> tuple[str, str | None]:
    """(column kind, language code or None) for a header."""
    m = _LANG_COL.match(header)
    if m:
        kind = _ALIASES.get(m.group(1).lower(), m.group(1).lower())
        return kind, m.group(2)
    low = header.lower()
    return _ALIASES.get(low, low), None


class _Reader:
    def __init__(self, book, name: str):
        self.book = book
        self.name = name
        self.notes: list[Note] = []
        sheets = {ws.title.lower(): ws for ws in book.worksheets}
        if "survey" not in sheets:
            raise FormError(f"{name}: no 'survey' sheet, so this is not an XLSForm")
        self.survey = _rows(sheets["survey"])
        self.choices = _rows(sheets["choices"]) if "choices" in sheets else ([], [])
        self.settings = _rows(sheets["settings"]) if "settings" in sheets else ([], [])
        self.own = _rows(sheets[GC]) if GC in sheets else None
        for title in sheets:
            if title not in ("survey", "choices", "settings", GC, "external_choices", "entities"):
                self.note(title, None, "this sheet is not read")
        for title in ("external_choices", "entities"):
            if title in sheets:
                self.note(title, None, f"the {title} sheet has no GuideCheck form; left out")

    def note(self, sheet, row, message) -> None:
        self.notes.append(Note(sheet, row, message))


def _top_from_sheet(rows) -> dict:
    top: dict = {}
    for _n, row in rows:
        key, part, raw = row.get("key"), row.get("part", ""), row.get("value")
        if not key or raw is None:
            continue
        value = json.loads(raw)
        if part == "":
            top[key] = value
        elif part.startswith("."):
            top.setdefault(key, {})[part[1:]] = value
        else:
            top.setdefault(key, []).append(value)
    return top


def read_xlsform(raw: bytes, name: str = "form.xlsx") -> tuple[dict, list[Note]]:
    """An instrument (as the data of a YAML file) from XLSForm bytes, and the notes on what was left out."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not xlsx
        raise FormError(f"{name}: cannot read as an .xlsx workbook ({type(exc).__name__})") from None
    r = _Reader(book, name)
    own = r.own is not None
    top = {}
    if own:
        try:
            top = _top_from_sheet(r.own[1])
        except json.JSONDecodeError as exc:
            r.note(GC, None, f"the guidecheck sheet holds invalid JSON ({exc.msg}); it is ignored")
            own, top = False, {}

    # settings
    settings = r.settings[1][0][1] if r.settings[1] else {}
    for key in settings:
        if key not in ("form_title", "form_id", "version", "default_language"):
            r.note("settings", 2, f"'{key}' has no GuideCheck form; left out")
    default_lang = _lang_code(settings.get("default_language", "")) if settings.get("default_language") else None

    # languages from the text columns
    survey_header, survey_rows = r.survey
    langs: list[str] = list(top.get("languages") or [])
    found: list[str] = []
    for header in survey_header + r.choices[0]:
        kind, spec = _key(header)
        if kind in TEXTS and spec:
            code = _lang_code(spec)
            if code is None:
                r.note("survey", 1, f"the language of column '{header}' has no code like 'English (en)'; "
                                    "its texts are left out")
            elif code not in found:
                found.append(code)
    if not langs:
        langs = found or [default_lang or "en"]
        if default_lang in langs:
            langs.remove(default_lang)
            langs.insert(0, default_lang)
    fallback = default_lang or langs[0]

    def texts(row: dict, kind: str, sheet: str, n: int, required: bool = False):
        values: dict[str, str] = {}
        plain = None
        for header, value in row.items():
            k, spec = _key(header)
            if k != kind:
                continue
            if spec is None:
                plain = value
            else:
                code = _lang_code(spec)
                if code:
                    values[code] = value
        if plain is not None:
            values.setdefault(fallback, plain)
        if not values:
            return None
        out = {}
        for lang in langs:
            if lang in values:
                out[lang] = values[lang]
            else:
                other = values.get(fallback) or next(iter(values.values()))
                out[lang] = other
                r.note(sheet, n, f"no {kind} in '{lang}'; the text in another language is used")
        return out if len(langs) > 1 else out[langs[0]]

    # choice lists
    lists: dict[str, list[tuple[int, dict]]] = {}
    for n, row in r.choices[1]:
        ln = row.get("list_name")
        if not ln or "name" not in row:
            r.note("choices", n, "a choice without list_name or name; left out")
            continue
        lists.setdefault(ln, []).append((n, row))
        for header in row:
            k, _ = _key(header)
            if k not in ("list_name", "name", "label", GC, "gc_points") and not k.startswith("gc_"):
                r.note("choices", n, f"column '{header}' ({row[header]!r}) has no GuideCheck form; left out")

    # first pass: names and kinds (expressions need every name before translating)
    rename: dict[str, str] = {}
    kinds: dict[str, str] = {}
    used: set[str] = set()
    for n, row in survey_rows:
        typ = row.get("type", "").split()
        name = row.get("name")
        if not typ or not name or typ[0] in ("begin_group", "end_group", "begin", "end", "note"):
            continue
        if name in META_LISTS and len(typ) > 1 and typ[1] == META_LISTS[name]:
            rename[name], kinds[name] = name, "text"
            continue
        gid = slug_id(name)
        base, k = gid, 2
        while gid in used:
            gid, k = f"{base}_{k}", k + 1
        used.add(gid)
        rename[name] = gid
        extra = _row_json(row, r, n) if own else {}
        t0 = extra.get("type") or {"select_one": "choice", "select_multiple": "multi", "integer": "number",
                                   "decimal": "number", "range": "number"}.get(typ[0], "text")
        numeric = len(typ) > 1 and bool(lists.get(typ[1])) and all(
            re.fullmatch(r"-?\d+", c.get("name", "")) for _, c in lists[typ[1]] if c.get("name") != UNSURE)
        if t0 == "multi" and numeric:
            kinds[gid] = "multi_num"
        elif t0 in ("number", "likert"):
            kinds[gid] = "number"
        elif t0 == "choice" and numeric:
            kinds[gid] = "number"
        elif t0 == "multi":
            kinds[gid] = "multi"
        else:
            kinds[gid] = "yes_no" if t0 == "yes_no" else "text"

    def expr(text, n, what):
        try:
            return from_xpath(text, kinds, rename)
        except (Unsupported, ex.ExprError) as exc:
            r.note("survey", n, f"{what} '{text}' cannot be carried: {exc}; left out")
            return None

    # second pass
    sections: list[dict] = []
    current: dict | None = None
    derived: list[dict] = []
    skip_depth = 0
    group_depth = 0
    loose: dict | None = None
    for n, row in survey_rows:
        typ_text = row.get("type", "").strip()
        typ = typ_text.replace("begin group", "begin_group").replace("end group", "end_group") \
            .replace("begin repeat", "begin_repeat").replace("end repeat", "end_repeat").split()
        if not typ:
            r.note("survey", n, "a row without a type; left out")
            continue
        head = typ[0]
        if skip_depth:
            if head == "begin_repeat":
                skip_depth += 1
            elif head == "end_repeat":
                skip_depth -= 1
            continue
        if head == "begin_repeat":
            skip_depth = 1
            r.note("survey", n, f"repeat '{row.get('name', '')}' has no GuideCheck form (one answer per item); "
                                "it and every row inside it are left out")
            continue
        if head == "begin_group":
            group_depth += 1
            if group_depth > 1:
                r.note("survey", n, f"group '{row.get('name', '')}' is inside another group; GuideCheck sections "
                                    "do not nest, so it becomes a section of its own")
            sid = _SLUG_BAD.sub("_", row.get("name", f"section_{n}").lower()).strip("_") or f"section_{n}"
            title = texts(row, "label", "survey", n) or row.get("name", sid)
            current = {"id": sid, "title": title if isinstance(title, (dict, str)) else sid}
            if len(langs) > 1 and isinstance(current["title"], str):
                current["title"] = {lang: current["title"] for lang in langs}
            if own:
                current.update(_row_json(row, r, n))
            current["items"] = []
            sections.append(current)
            _report_columns(row, r, n, {"type", "name", "label", GC})
            continue
        if head == "end_group":
            group_depth = max(0, group_depth - 1)
            current = None
            continue
        name = row.get("name")
        if head in METADATA:
            r.note("survey", n, f"metadata field '{name or head}' ({head}) is not a question; left out")
            continue
        if head == "note":
            r.note("survey", n, f"note '{name}' is not a question; left out")
            continue
        if name in META_LISTS and len(typ) > 1 and typ[1] == META_LISTS[name]:
            continue  # our own question for the context / audience / stage of a response
        if head == "calculate":
            gid = rename.get(name, name)
            value = expr(row.get("calculation", ""), n, "calculation") if row.get("calculation") else None
            if value is not None:
                d = {"id": gid, "expr": value}
                if own:
                    d.update(_row_json(row, r, n))
                derived.append(d)
            _report_columns(row, r, n, {"type", "name", "calculation", GC, "label", "hint"})
            continue
        if not name:
            r.note("survey", n, f"a '{typ_text}' row without a name; left out")
            continue
        item = _item(row, typ, n, r, texts, lists, langs, own, rename, expr)
        if item is None:
            continue
        if current is None:
            if loose is None:
                loose = {"id": "questions", "title": {"en": "Questions", "nl": "Vragen"}, "items": []}
                loose["title"] = {lang: loose["title"].get(lang, "Questions") for lang in langs}
                if len(langs) == 1:
                    loose["title"] = loose["title"][langs[0]]
                sections.append(loose)
            loose["items"].append(item)
        else:
            current["items"].append(item)

    for s in list(sections):
        if not s["items"]:
            sections.remove(s)
            r.note("survey", None, f"group '{s['id']}' holds no question GuideCheck carries; left out")

    data: dict = {"format": 1}
    if own:
        data.update(top)
    else:
        form_id = settings.get("form_id") or name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        slug = re.sub(r"[^a-z0-9]+", "-", form_id.lower()).strip("-") or "form"
        if slug != form_id:
            r.note("settings", 2, f"form_id '{form_id}' becomes the instrument id '{slug}'")
        data["id"] = slug
        version = str(settings.get("version", "1.0.0"))
        if not re.fullmatch(r"\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?", version):
            kept = "1.0.0+" + (re.sub(r"[^0-9A-Za-z.-]", "", version) or "0")
            r.note("settings", 2, f"version '{version}' is not of the form 1.2.3; kept as {kept}")
            version = kept
        data["version"] = version
        data["languages"] = langs
        title = settings.get("form_title") or form_id
        data["title"] = {lang: title for lang in langs} if len(langs) > 1 else title
    data["languages"] = langs if not own else data.get("languages", langs)
    data["sections"] = sections
    if derived:
        data["derived"] = derived
    order = ["format", "id", "version", "languages", "title"]
    data = {k: data[k] for k in order if k in data} | {k: v for k, v in data.items() if k not in order}
    for rename_from, rename_to in rename.items():
        if rename_from != rename_to and rename_from not in META_LISTS:
            r.note("survey", None, f"name '{rename_from}' becomes the item id '{rename_to}' "
                                   "(ids are lower case letters, digits and _)")
    return data, r.notes


def _row_json(row: dict, r: _Reader, n: int) -> dict:
    raw = row.get(GC)
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        r.note("survey", n, f"the guidecheck column holds invalid JSON ({exc.msg}); it is ignored")
        return {}
    return value if isinstance(value, dict) else {}


def _report_columns(row: dict, r: _Reader, n: int, used: set[str], sheet: str = "survey") -> None:
    for header, value in row.items():
        kind, _ = _key(header)
        if kind in used or kind in READABLE or kind == GC:
            continue
        r.note(sheet, n, f"column '{header}' ({value!r}) has no GuideCheck form; left out")


def _value(name: str):
    return int(name) if re.fullmatch(r"-?\d+", name) else name


def _number(name: str):
    value = float(name)
    return int(value) if value.is_integer() else value


def _item(row, typ, n, r, texts, lists, langs, own, rename, expr) -> dict | None:
    head = typ[0]
    name = row["name"]
    extra = _row_json(row, r, n) if own else {}
    kind = extra.get("type")
    used = {"type", "name", "label", "hint", "relevant", "required", "constraint", "constraint_message",
            "required_message", GC}
    if head in ("select_one", "select_multiple"):
        if len(typ) < 2 or typ[1] not in lists:
            r.note("survey", n, f"'{' '.join(typ)}': the choice list is missing from the choices sheet; left out")
            return None
        if len(typ) > 2:
            r.note("survey", n, f"'{' '.join(typ[2:])}' (e.g. or_other) has no GuideCheck form; left out")
        kind = kind or ("multi" if head == "select_multiple" else "choice")
    elif head in ("integer", "decimal", "range"):
        kind = "number"
    elif head == "text":
        kind = "text"
    else:
        r.note("survey", n, f"question type '{head}' has no GuideCheck form; '{name}' is left out")
        return None
    item: dict = dict(extra)
    item.pop("type", None)
    item = {"id": rename[name], "type": kind, **item}
    label = texts(row, "label", "survey", n)
    if label is None:
        label = name if len(langs) == 1 else {lang: name for lang in langs}
        r.note("survey", n, f"'{name}' has no label; its name is used as its text")
    item["text"] = label
    hint = texts(row, "hint", "survey", n)
    if hint is not None:
        item["help"] = hint
    required = row.get("required", "").strip().lower()
    if required in ("yes", "true", "true()", "1"):
        item["required"] = True
    elif required in ("", "no", "false", "false()", "0"):
        item["required"] = False
    else:
        item["required"] = False
        r.note("survey", n, f"required '{row['required']}' (a condition) has no GuideCheck form; the item is optional")
    if row.get("relevant"):
        show = expr(row["relevant"], n, "relevant")
        if show is not None:
            item["show_if"] = show
    choices = lists.get(typ[1], []) if kind in ("choice", "multi", "likert", "yes_no") else []
    if kind in ("choice", "multi", "likert"):
        has_unsure = any(c["name"] == UNSURE and not c.get(GC) for _, c in choices)
        if not own and kind != "multi":
            item["allow_unsure"] = has_unsure
        if kind == "likert" and "scale" in item:
            pass
        elif kind == "likert":
            try:
                item["options"] = [{"value": _number(c["name"]), "label": texts(c, "label", "choices", cn) or c["name"]}
                                   for cn, c in choices if not (c["name"] == UNSURE and not c.get(GC))]
            except ValueError:
                r.note("survey", n, f"the choices of likert item '{name}' are not numbers; left out")
                return None
        else:
            options = []
            for cn, c in choices:
                if c["name"] == UNSURE and not c.get(GC) and kind == "choice":
                    continue
                option = {"value": _value(c["name"]),
                          "label": texts(c, "label", "choices", cn) or (c["name"] if len(langs) == 1
                                                                        else {lg: c["name"] for lg in langs})}
                if c.get(GC):
                    try:
                        option.update(json.loads(c[GC]))
                    except json.JSONDecodeError as exc:
                        r.note("choices", cn, f"the guidecheck column holds invalid JSON ({exc.msg}); it is ignored")
                options.append(option)
            if len({type(o["value"]) for o in options}) > 1:
                for o in options:
                    o["value"] = str(o["value"])
            item["options"] = options
    elif kind == "yes_no" and not own:
        item["allow_unsure"] = any(c["name"] == UNSURE for _, c in choices)
    if kind == "number":
        if head == "integer":
            item["integer"] = True
        if head == "range":
            used.add("parameters")
            params = dict(p.split("=", 1) for p in re.split(r"[\s;,]+", row.get("parameters", "")) if "=" in p)
            try:
                start, end, step = (float(params.get(k, d)) for k, d in (("start", 1), ("end", 10), ("step", 1)))
                item["min"], item["max"] = sorted((_number(str(start)), _number(str(end))))
                if float(step).is_integer() and float(start).is_integer():
                    item["integer"] = True
                else:
                    r.note("survey", n, f"range step {params.get('step')}: GuideCheck keeps only the bounds")
            except ValueError:
                r.note("survey", n, f"range parameters '{row.get('parameters')}' cannot be read; no bounds kept")
    if row.get("constraint"):
        if kind in ("number", "text"):
            try:
                bounds, notes = parse_constraint(row["constraint"], integer=item.get("integer", False))
                for note in notes:
                    r.note("survey", n, note)
                if kind == "text":
                    bounds = {k: v for k, v in bounds.items() if k == "max_length"}
                else:
                    bounds = {k: v for k, v in bounds.items() if k != "max_length"}
                item.update(bounds)
            except Unsupported as exc:
                r.note("survey", n, f"constraint '{row['constraint']}' cannot be carried: {exc}; left out")
        else:
            r.note("survey", n, f"constraint '{row['constraint']}' on a {head} question has no GuideCheck form; "
                                "left out")
    _report_columns(row, r, n, used)
    return item


class _Dumper(yaml.SafeDumper):
    """Safe YAML without anchors: the same text object used twice is written twice."""

    def ignore_aliases(self, data) -> bool:
        return True


def xlsform_to_yaml(raw: bytes, name: str = "form.xlsx"):
    """(YAML text, notes, load problems) for an XLSForm; the problems are empty when the YAML is valid.

    The YAML starts with a comment listing every note, so that what was left out travels with it.
    """
    from ..loader import validate_bytes

    data, notes = read_xlsform(raw, name)
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=110)
    head = [f"# Converted from {name.rsplit('/', 1)[-1]} by GuideCheck (python -m scoring convert)."]
    if notes:
        head.append(f"# {len(notes)} construct(s) of the form are not carried or carried differently:")
        head += [f"#   {n}" for n in notes]
    text = "\n".join(head) + "\n" + body
    _, problems = validate_bytes(text.encode("utf-8"), name.rsplit(".", 1)[0] + ".yaml")
    return text, notes, problems
