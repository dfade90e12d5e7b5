"""Every fixed text of the app, the reports and the core's messages, in every language.

The texts live in ``scoring/locales/<lang>.yaml`` (one flat ``key: text`` catalogue a language;
README.md, "Translating GuideCheck"), crisis resources and the "not a guarantee" note included
(``resources.py`` keeps only their order and countries). Instrument texts live in the
instruments, in each instrument's own languages (``Instrument.text``, the format contract); these
are the words around them. ``t`` is the one lookup: named placeholders (``{n}``, ``{id}``) and plural
forms (an entry ``{one: ..., other: ...}`` picks its form by ``count``, or by ``n`` when no
count is given). A missing language or form falls back to English.

Core errors carry a ``Message``: a ``str`` whose text is the English (what the CLI prints, what
the tests and the format doc quote), with its key and arguments kept so that a page can render
it in its own language with ``render``.

Ported texts: branches that still add keys to the old Python ``UI`` dict are ported with
``tools/dict_to_locales.py`` (it writes the YAML; nothing here reads a Python dict of texts).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import cast

from .yamlsafe import YamlRefused, read_yaml_file

LOCALES = Path(__file__).resolve().parent / "locales"
LANGUAGES = ("en", "nl")
LANGUAGE_NAMES = {"en": "English", "nl": "Nederlands"}
PLURAL_FORMS = ("one", "other")
Entry = str | dict[str, str]  # a text, or its plural forms


# CLDR plural rules of the languages we ship (https://www.unicode.org/cldr/charts/latest/
# supplemental/language_plural_rules.html). Hand-written rather than Babel's: English and Dutch
# share one two-line rule, and Babel would be a 30 MB dependency for it. A language with other
# categories (few, many) adds its rule here and those keys to PLURAL_FORMS.
def _one_if_1(n: float) -> str:
    return "one" if n == 1 else "other"


PLURAL_RULES = {"en": _one_if_1, "nl": _one_if_1}


def plural_form(lang: str, count: float) -> str:
    """The CLDR plural category of ``count`` in ``lang`` ('one' or 'other')."""
    return PLURAL_RULES.get(lang, _one_if_1)(count)


def load_catalogue(path: Path) -> dict[str, Entry]:
    """One catalogue file as {key: text or {form: text}}, read with the project's YAML 1.2 reader
    (``yes``/``no`` stay texts, duplicate keys are refused)."""
    try:
        data = read_yaml_file(path).data
    except YamlRefused as exc:
        raise ValueError(f"{path}:{exc.line}: {exc.message}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of keys to texts")
    for key, value in data.items():
        ok = isinstance(value, str) or (
            isinstance(value, dict) and "other" in value and all(isinstance(v, str) for v in value.values()))
        if not ok:
            raise ValueError(f"{path}: '{key}' must be a text or a mapping of plural forms with 'other'")
    return cast("dict[str, Entry]", data)  # checked above: texts or plural forms


@lru_cache(maxsize=1)
def catalogues() -> dict[str, dict[str, Entry]]:
    """{lang: {key: entry}} of every shipped language."""
    return {lang: load_catalogue(LOCALES / f"{lang}.yaml") for lang in LANGUAGES}


class _View(dict):
    """``UI[key][lang]``: the catalogues in the shape of the old Python dict (read-only use)."""


def _ui() -> dict[str, dict[str, Entry]]:
    cats = catalogues()
    return _View({key: {lang: cats[lang][key] for lang in LANGUAGES if key in cats[lang]} for key in cats["en"]})


def t(key: str, lang: str = "en", /, count: object = None, **values: object) -> str:
    """The text for ``key`` in ``lang`` (English where a language or key is missing), filled in
    with ``values``; a plural entry takes the form for ``count`` (default: the value ``n``)."""
    cats = catalogues()
    entry = cats.get(lang, {}).get(key)
    if entry is None:
        entry, lang = cats["en"][key], "en"
    if isinstance(entry, dict):
        number = count if count is not None else values.get("n")
        form = plural_form(lang, number) if isinstance(number, (int, float)) else "other"
        text = entry.get(form) or entry["other"]
    else:
        text = entry
    return text.format(**values) if values else text


class Message(str):
    """A message with a key: the ``str`` is its English text, ``key`` and ``args`` let a page
    show it in another language (``render``). Arguments may be Messages themselves."""

    key: str
    args: dict[str, object]

    def __new__(cls, key: str, /, **args: object) -> Message:
        self = super().__new__(cls, t(key, "en", **args))
        self.key, self.args = key, args
        return self

    def __reduce__(self) -> tuple[Callable[[str, dict[str, object]], Message], tuple[str, dict[str, object]]]:
        # pickled by Streamlit's caches: rebuilt from key and arguments
        return _message, (self.key, self.args)

    def render(self, lang: str) -> str:
        # only Messages are rendered: numbers stay numbers, for a plural's form and a format like {n:,}
        return t(self.key, lang, **{k: v.render(lang) if isinstance(v, Message) else v for k, v in self.args.items()})


def _message(key: str, args: dict[str, object]) -> Message:
    return Message(key, **args)


def render(text: object, lang: str) -> str:
    """``text`` in ``lang`` when it is a Message, else as it is (a plain text is already worded)."""
    return text.render(lang) if isinstance(text, Message) else str(text)


def __getattr__(name: str) -> dict[str, dict[str, Entry]]:
    if name == "UI":  # {key: {lang: entry}}, built from the YAML catalogues on each use
        return _ui()
    raise AttributeError(name)
