"""The command line: a thin shell over the library (``python -m scoring --help``)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import export
from .answers import AnswerError, AnswerFileError, read_answers
from .codebook import codebook
from .frame import score_frame
from .loader import InstrumentError, load_instrument, validate_paths
from .model import AUDIENCES, CONTEXTS, json_schema


def _validate(args) -> int:
    loaded, problems = validate_paths(args.paths)
    for p in problems:
        print(p)
    if problems:
        return 1
    examples = sum(len(i.spec.examples) for i in loaded.values())
    print(f"{len(loaded)} instrument(s) valid, {examples} worked example(s) passed", file=sys.stderr)
    return 0


def _write(frame, out: str | None) -> None:
    if out is not None and out.endswith(".json"):
        Path(out).write_text(frame.to_json(orient="records", force_ascii=False, indent=1), encoding="utf-8")
    else:  # CSV through the export module: cells a spreadsheet would run as formulas are neutralised
        export.frame_csv(frame, sys.stdout if out is None else out, float_format="%.10g")


def _score(args) -> int:
    inst = load_instrument(args.instrument)
    frame, kind = read_answers(args.answers)
    try:
        result = score_frame(inst, frame, context=args.context, audience=args.audience, kind=kind)
    except AnswerError as exc:
        for p in exc.problems:
            print(f"{args.answers}: {p}")
        if exc.more:
            print(f"{args.answers}: ... and {exc.more} more problems")
        return 1
    _write(result, args.out)
    return 0


def _scored_input(args):
    inst = load_instrument(args.instrument)
    frame, kind = read_answers(args.answers)
    return inst, frame, kind


def _aggregate(args) -> int:
    from .aggregate import aggregate

    inst, frame, kind = _scored_input(args)
    if args.min_group < 1:
        print("--min-group must be at least 1")
        return 1
    try:
        result = aggregate(inst, frame, by=args.by, min_group=args.min_group, context=args.context,
                           audience=args.audience, kind=kind)
    except AnswerError as exc:
        return _answer_problems(args, exc)
    except ValueError as exc:
        print(f"{args.answers}: {exc}")
        return 1
    _write(result, args.out)
    return 0


def _reliability(args) -> int:
    from .aggregate import reliability

    inst, frame, kind = _scored_input(args)
    try:
        result = reliability(inst, frame, context=args.context, audience=args.audience, kind=kind)
    except AnswerError as exc:
        return _answer_problems(args, exc)
    _write(result, args.out)
    return 0


def _answer_problems(args, exc) -> int:
    for p in exc.problems:
        print(f"{args.answers}: {p}")
    if exc.more:
        print(f"{args.answers}: ... and {exc.more} more problems")
    return 1


def _schema(args) -> int:
    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
    return 0


def _codebook(args) -> int:
    inst = load_instrument(args.path)
    _write(codebook(inst, args.lang), args.out)
    return 0


def _scoring_command(sub, name: str, help_text: str, run, audience: str):
    """A command that reads an instrument and an answer file (score, aggregate, reliability)."""
    p = sub.add_parser(name, help=help_text)
    p.add_argument("--instrument", required=True, metavar="PATH")
    p.add_argument("--answers", required=True, metavar="FILE")
    p.add_argument("--out", metavar="FILE", help="write here (.csv, or .json) instead of standard output")
    p.add_argument("--context", default="unknown", choices=CONTEXTS)
    p.add_argument("--audience", default=audience, choices=AUDIENCES)
    p.set_defaults(run=run)
    return p


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m scoring", description="GuideCheck instruments: "
                                  "validate, score, and describe them.")
    sub = top.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="check instrument files or folders (exit 1 on any problem)")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.set_defaults(run=_validate)
    p = _scoring_command(sub, "score", "score an answer file (.csv or .json)", _score, "vetting")
    p = _scoring_command(sub, "aggregate", "means, SDs and 95% intervals per group, small groups pooled",
                         _aggregate, "research")
    p.add_argument("--by", metavar="COLUMN", help="group by this column of the answers (e.g. provider)")
    p.add_argument("--min-group", type=int, default=11, metavar="K",
                   help="groups below K responses never appear by name (default 11)")
    _scoring_command(sub, "reliability", "Cronbach's alpha per mean or sum score", _reliability, "research")
    p = sub.add_parser("schema", help="print the JSON Schema of the instrument format")
    p.set_defaults(run=_schema)
    p = sub.add_parser("codebook", help="write the data dictionary of an instrument (CSV)")
    p.add_argument("path", metavar="PATH")
    p.add_argument("--out", metavar="FILE")
    p.add_argument("--lang", default=None, help="language of the texts (default: the instrument's first)")
    p.set_defaults(run=_codebook)
    return top


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except InstrumentError as exc:
        print(exc)
        return 1
    except AnswerFileError as exc:
        print(exc)
        return 1
    except OSError as exc:
        print(f"{getattr(exc, 'filename', '') or ''}: {exc.strerror or exc}")
        return 1
    except Exception as exc:  # noqa: BLE001 - a user sees one line, never a traceback
        if os.environ.get("GUIDECHECK_DEBUG"):
            raise
        print(f"internal error: {type(exc).__name__}: {exc} (set GUIDECHECK_DEBUG=1 for details)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
