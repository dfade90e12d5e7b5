"""The ``convert`` and ``export`` commands (kept here so that ``__main__`` stays a list of commands)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..loader import load_instrument


def convert(args: argparse.Namespace) -> int:
    source = Path(args.source)
    if source.suffix.lower() in (".xlsx", ".xlsm"):
        return _from_xlsform(source, args)
    if args.to == "yaml":
        print(f"{source}: --to yaml reads an XLSForm (.xlsx)")
        return 1
    inst = load_instrument(source)
    if args.to == "xlsform":
        from .xlsform import to_xlsform

        out = args.out or f"{inst.id}.xlsx"
        if out == "-":
            print("an XLSForm is a binary .xlsx file: give --out FILE")
            return 1
        Path(out).write_bytes(to_xlsform(inst))
        print(f"wrote {out}", file=sys.stderr)
        return 0
    from .redcap import to_redcap_dictionary

    _out(to_redcap_dictionary(inst, args.lang), args.out)
    return 0


def _from_xlsform(source: Path, args: argparse.Namespace) -> int:
    """An XLSForm to YAML, with a message for each construct not carried and each load problem."""
    from .xlsform import FormError, xlsform_to_yaml

    if args.to != "yaml":
        print(f"{source}: an XLSForm converts only --to yaml")
        return 1
    try:
        text, notes, problems = xlsform_to_yaml(source.read_bytes(), str(source))
    except FormError as exc:
        print(exc)
        return 1
    for note in notes:
        print(f"{source}: {note}", file=sys.stderr)
    _out(text.encode("utf-8"), args.out)
    for problem in problems:
        print(f"{args.out or '<stdout>'}: {str(problem).split(': ', 1)[-1]}", file=sys.stderr)
    if problems:
        print("the converted instrument does not load yet: fix the problems above in the YAML", file=sys.stderr)
        return 1
    more = f"; {len(notes)} construct(s) not carried as such (listed above)" if notes else ""
    print(f"{source}: converted{more}", file=sys.stderr)
    return 0


def _out(data: bytes, out: str | None) -> None:
    if out is None or out == "-":
        sys.stdout.write(data.decode("utf-8"))
    else:
        Path(out).write_bytes(data)


def export(args: argparse.Namespace) -> int:
    from ..answers import AnswerError
    from .exports import write_export
    from .imports import read_answers_for

    inst = load_instrument(args.instrument)
    frame, kind, notes = read_answers_for(inst, args.answers, args.source)
    for note in notes:
        print(f"{args.answers}: {note}", file=sys.stderr)
    try:
        written = write_export(inst, frame, args.to, args.out, lang=args.lang, kind=kind, context=args.context,
                               audience=args.audience)
    except AnswerError as exc:
        for p in exc.problems:
            print(f"{args.answers}: {p}")
        return 1
    for path in written:
        print(f"wrote {path}", file=sys.stderr)
    return 0
