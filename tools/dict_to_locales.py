"""Port old-style texts (the ``UI = {key: {"en": ..., "nl": ...}}`` dict that scoring/i18n.py held
before the catalogues moved to scoring/locales/*.yaml) into the YAML catalogues.

    python tools/dict_to_locales.py BRANCH_I18N.py [--base BASE_I18N.py] [--dry-run]

BRANCH_I18N.py is any Python file with a ``UI = {...}`` literal, e.g. a branch's old i18n.py:
``git show BRANCH:scoring/i18n.py > /tmp/branch.py``. The dict is read with ``ast.literal_eval``
(nothing in it runs). A pair ``x``/``x_one`` becomes one plural entry ``x: {one: ..., other: ...}``.

With ``--base`` (the i18n.py the branch started from, e.g.
``git show $(git merge-base main BRANCH):scoring/i18n.py > /tmp/base.py``; the way to use it):
keys the branch added are added, texts the branch changed are updated, keys it deleted are
removed; a key of the base that the catalogues lack was removed on purpose and stays out.
Without it, every key the catalogues lack is added and differing texts are only listed, so that
texts improved in the catalogues are never reverted. Run ``python -m pytest tests/test_i18n.py``
after: it fails on a key missing in a language and on a key no code uses.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Mapping
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scoring.i18n import LOCALES, Entry, load_catalogue  # noqa: E402

HEADER = ("# GuideCheck's texts in {name} ({lang}). One key a text; a text with a count has the forms\n"
          "# 'one' and 'other' (the count fills {{n}}). Placeholders in braces stay as they are.\n"
          "# How to add a language: README.md, \"Translating GuideCheck\".\n")


def read_old_dict(path: Path) -> dict[str, dict[str, str]]:
    """The ``UI`` dict literal of an old-style i18n.py, without running the file."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        value: ast.expr | None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign):
            targets, value = [node.target], node.value
        else:
            continue
        if any(isinstance(tg, ast.Name) and tg.id == "UI" for tg in targets) and value is not None:
            return ast.literal_eval(value)
    raise SystemExit(f"{path}: no UI = {{...}} dict found")


def to_catalogues(old: dict[str, dict[str, str]]) -> dict[str, dict[str, Entry]]:
    """{lang: {key: text or {one, other}}}, pairs ``x`` and ``x_one`` joined into plural entries."""
    langs = sorted({lang for entry in old.values() for lang in entry})
    out: dict[str, dict[str, Entry]] = {lang: {} for lang in langs}
    for key, entry in old.items():
        if key.endswith("_one") and key[:-4] in old:
            continue
        for lang in langs:
            if lang not in entry:
                continue
            one = old.get(key + "_one", {}).get(lang)
            out[lang][key] = {"one": one, "other": entry[lang]} if one is not None else entry[lang]
    return out


def dump(catalogue: Mapping[str, object], lang: str) -> str:
    """The YAML text of one catalogue: keys in the given order, a blank line between key groups
    (the part before the first dot), long texts folded by the emitter, texts with line breaks as
    literal blocks so that translators see them as written."""

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper, value: str):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)

    Dumper.add_representer(str, text)
    names = {"en": "English", "nl": "Dutch"}
    parts, group = [HEADER.format(name=names.get(lang, lang), lang=lang)], None
    first: dict[str, int] = {}
    for n, key in enumerate(catalogue):
        first.setdefault(key.split(".")[0], n)
    for key, value in sorted(catalogue.items(), key=lambda kv: first[kv[0].split(".")[0]]):
        if key.split(".")[0] != group and group is not None:
            parts.append("\n")
        group = key.split(".")[0]
        parts.append(yaml.dump({key: value}, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=110))
    return "".join(parts)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path, help="a Python file holding the old UI dict")
    parser.add_argument("--dry-run", action="store_true", help="only say what would change")
    parser.add_argument("--base", type=Path, help="the old i18n.py the branch started from")
    parser.add_argument("--replace", action="store_true",
                        help="write the catalogues from the dict alone (drop keys the dict lacks)")
    args = parser.parse_args(argv)
    ported = to_catalogues(read_old_dict(args.old))
    base = to_catalogues(read_old_dict(args.base)) if args.base else None
    for lang, entries in ported.items():
        path = LOCALES / f"{lang}.yaml"
        current = {} if args.replace or not path.exists() else load_catalogue(path)
        added = [k for k in entries if k not in current]
        differ = [k for k in entries if k in current and current[k] != entries[k]]
        if base is not None:
            was = base.get(lang, {})
            added = [k for k in added if k not in was]  # in the base but not here: removed on purpose
            changed = [k for k in differ if was.get(k) != entries[k]]
            removed = [k for k in was if k not in entries and k in current]
        else:
            changed, removed = ([], []) if not args.replace else (differ, [])
        merged = {k: v for k, v in current.items() if k not in removed}
        merged.update({k: entries[k] for k in added + changed})
        kept = [k for k in differ if k not in changed]
        if len(added) > 30:  # a first port: the count says enough
            added_shown = []
        else:
            added_shown = added
        print(f"{path.relative_to(ROOT)}: {len(added)} added, {len(changed)} changed, {len(removed)} removed"
              + "".join(f"\n  + {k}" for k in added_shown) + "".join(f"\n  ~ {k}" for k in changed)
              + "".join(f"\n  - {k}" for k in removed)
              + "".join(f"\n  = {k} (differs; the catalogue's text is kept)" for k in kept))
        if not args.dry_run:
            LOCALES.mkdir(exist_ok=True)
            path.write_text(dump(merged, lang), encoding="utf-8")
            if load_catalogue(path) != merged:  # the YAML must read back as exactly these texts
                raise SystemExit(f"{path}: written texts do not read back the same")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
