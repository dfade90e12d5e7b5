"""The command line: a thin shell over the library (``python -m scoring --help``)."""

from __future__ import annotations

import argparse
import errno
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import pandas as pd

from . import export
from .answers import AnswerError, AnswerFileError
from .codebook import codebook
from .frame import score_frame
from .i18n import Message
from .instrument import Instrument
from .loader import InstrumentError, load_instrument, validate_paths
from .model import AUDIENCES, CONTEXTS, STAGES, json_schema
from .settings import MissingFileError, builtin_folder


def _validate(args: argparse.Namespace) -> int:
    loaded, problems = validate_paths(args.paths or [builtin_folder()])
    for p in problems:
        print(p)
    if problems:
        return 1
    examples = sum(len(i.spec.examples) for i in loaded.values())
    print(f"{len(loaded)} instrument(s) valid, {examples} worked example(s) passed", file=sys.stderr)
    return 0


def _write(frame: pd.DataFrame, out: str | None) -> None:
    if out is not None and out.endswith(".json"):
        Path(out).write_text(frame.to_json(orient="records", force_ascii=False, indent=1), encoding="utf-8")
    else:  # CSV through the export module: cells a spreadsheet would run as formulas are neutralised
        export.frame_csv(frame, sys.stdout if out is None else out, float_format="%.10g")


def _write_batches(results: Iterable[pd.DataFrame], out: str | None) -> None:
    """Result frames of one file's batches, written as one file (CSV: header once, each batch as
    it comes, into a temporary file moved into place at the end; JSON: joined at the end). An
    AnswerError from the batches leaves nothing written."""
    import tempfile

    import pandas as pd

    if out is not None and out.endswith(".json"):
        _write(pd.concat(list(results), ignore_index=True), out)
        return
    folder = Path(out).resolve().parent if out is not None else None
    if folder is not None and not folder.is_dir():
        raise OSError(errno.ENOENT, f"there is no folder {folder} to write into", out)
    handle, temporary = tempfile.mkstemp(prefix=".guidecheck-", suffix=".csv", dir=folder)
    try:
        with open(handle, "w", encoding="utf-8", newline="") as stream:
            for k, frame in enumerate(results):
                export.frame_csv(frame, stream, float_format="%.10g", header=k == 0)
        if out is None:
            with open(temporary, encoding="utf-8") as stream:
                shutil.copyfileobj(stream, sys.stdout)
        else:
            mask = os.umask(0)
            os.umask(mask)
            os.chmod(temporary, 0o666 & ~mask)  # as a file written directly would be
            os.replace(temporary, out)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _notes(args: argparse.Namespace, notes: Iterable[str]) -> None:
    """Messages on columns left out or changed (stderr), once, however the file was read."""
    if getattr(args, "noted", False):
        return
    args.noted = True
    for note in notes:
        print(f"{args.answers}: {note}", file=sys.stderr)


def _batches(args: argparse.Namespace,
             inst: Instrument) -> tuple[Iterator[tuple[int, pd.DataFrame]] | None, str | None]:
    """(the answer file in batches, its kind): a CSV file (Kobo/ODK and REDCap exports
    normalised) or a JSON file; (None, None) when it is to be read whole (see ``_read``)."""
    from .batches import json_batches, plain_csv_batches

    batches = plain_csv_batches(inst, args.answers, args.source, notes=lambda notes: _notes(args, notes))
    if batches is not None:
        return batches, "csv"
    batches = json_batches(inst, args.answers)
    return (batches, "json") if batches is not None else (None, None)


def _read(args: argparse.Namespace, inst: Instrument) -> tuple[pd.DataFrame, str]:
    """The answer file, normalised when it is a Kobo/ODK or REDCap export (messages on stderr)."""
    from .convert.imports import read_answers_for

    frame, kind, notes = read_answers_for(inst, args.answers, args.source, compact=True)
    _notes(args, notes)
    return frame, kind


def _score(args: argparse.Namespace) -> int:
    inst = load_instrument(args.instrument)
    batches, kind = _batches(args, inst)
    if batches is not None:
        from .batches import Unreadable, each_batch

        def work(frame: pd.DataFrame, offset: int) -> pd.DataFrame:
            result = score_frame(inst, frame, context=args.context, audience=args.audience, stage=args.stage,
                                 kind=kind or "csv", row_offset=offset)
            if "response_id" not in frame.columns:
                result["response_id"] += offset  # the row number in the file
            return result

        try:
            _write_batches(each_batch(batches, work), args.out)
            return 0
        except AnswerError as exc:
            return _answer_problems(args, exc)
        except Unreadable:
            pass  # read whole below: pandas words the problem, or reads what Arrow would not
    frame, kind = _read(args, inst)
    try:
        result = score_frame(inst, frame, context=args.context, audience=args.audience, stage=args.stage,
                             kind=kind)
    except AnswerError as exc:
        return _answer_problems(args, exc)
    _write(result, args.out)
    return 0


def _in_batches(args: argparse.Namespace, inst: Instrument, summary: Callable[..., pd.DataFrame],
                **options: object) -> pd.DataFrame:
    """``summary(inst, batches, ...)`` over the answer file: a plain CSV file a batch at a time,
    anything else (or a file Arrow cannot read to its end) read whole."""
    from .batches import Unreadable

    batches, kind = _batches(args, inst)
    if batches is not None:
        try:
            return summary(inst, batches, context=args.context, audience=args.audience, kind=kind,
                           stage=args.stage, **options)
        except Unreadable:
            pass
    frame, kind = _read(args, inst)
    return summary(inst, [(0, frame)], context=args.context, audience=args.audience, kind=kind,
                   stage=args.stage, **options)


def _aggregate(args: argparse.Namespace) -> int:
    from .aggregate import aggregate_batches

    inst = load_instrument(args.instrument)
    if args.min_group < 1:
        print("--min-group must be at least 1")
        return 1
    try:
        result = _in_batches(args, inst, aggregate_batches, by=args.by, min_group=args.min_group)
    except AnswerError as exc:
        return _answer_problems(args, exc)
    except ValueError as exc:
        print(f"{args.answers}: {exc}")
        return 1
    _write(result, args.out)
    for sid, fit in result.attrs.get("icc", {}).items():
        print(f"ICC(1) of {sid} across providers: " + (
            f"{fit.icc:.3f} (95% interval {fit.low:.3f} to {fit.high:.3f}; {fit.groups} providers, "
            f"{fit.n} responses, {fit.method})" if fit else "not computed (it needs two providers with responses, "
            "and the whole set to reach the minimum group size)"), file=sys.stderr)
    return 0


def _reliability(args: argparse.Namespace) -> int:
    from .aggregate import reliability_batches

    inst = load_instrument(args.instrument)
    try:
        result = _in_batches(args, inst, reliability_batches)
    except AnswerError as exc:
        return _answer_problems(args, exc)
    _write(result, args.out)
    return 0


def _answer_problems(args: argparse.Namespace, exc: AnswerError) -> int:
    for p in exc.problems:
        print(f"{args.answers}: {p}")
    if exc.more:
        print(f"{args.answers}: " + Message("answers.more", n=exc.more))
    return 1


def _schema(args: argparse.Namespace) -> int:
    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
    return 0


def _codebook(args: argparse.Namespace) -> int:
    inst = load_instrument(args.path)
    _write(codebook(inst, args.lang), args.out)
    return 0


def _convert(args: argparse.Namespace) -> int:
    from .convert import cli

    return cli.convert(args)


def _export(args: argparse.Namespace) -> int:
    from .convert import cli

    return cli.export(args)


def _rebuild_cache(args: argparse.Namespace) -> int:
    """Open the research database (upgrading it if needed) and recompute every response's cached
    score and point vectors from its answers, through the instrument version it was answered with."""
    from .store import Store, StoreError

    try:
        store = Store(args.database)
    except StoreError as exc:
        print(exc)
        return 1
    rebuilt, skipped = store.rebuild_cache()
    store.dispose()
    print(f"{rebuilt} response(s) rebuilt" + (f", {skipped} kept as they were (their instrument version is not "
                                                 "stored)" if skipped else ""), file=sys.stderr)
    return 0


def _scoring_command(sub: argparse._SubParsersAction, name: str, help_text: str,
                     run: Callable[[argparse.Namespace], int], audience: str) -> argparse.ArgumentParser:
    """A command that reads an instrument and an answer file (score, aggregate, reliability)."""
    p = sub.add_parser(name, help=help_text)
    p.add_argument("--instrument", required=True, metavar="PATH")
    p.add_argument("--answers", required=True, metavar="FILE")
    p.add_argument("--out", metavar="FILE", help="write here (.csv, or .json) instead of standard output")
    p.add_argument("--context", default="unknown", choices=CONTEXTS)
    p.add_argument("--audience", default=audience, choices=AUDIENCES)
    p.add_argument("--stage", default="after_session", choices=STAGES,
                   help="when the answers were given; items of a later stage are hidden (default after_session)")
    p.add_argument("--from", dest="source", default="auto", choices=("auto", "plain", "kobo", "redcap"),
                   help="the answer file's origin (default: recognised from its columns)")
    p.set_defaults(run=run)
    return p


def _prog() -> str:
    """How the user called us: ``guidecheck`` (the console script) or ``python -m scoring``."""
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    return "python -m scoring" if name in ("", "__main__.py", "-c") else name


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog=_prog(), description="GuideCheck instruments: "
                                  "validate, score, and describe them.")
    sub = top.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="check instrument files or folders (exit 1 on any problem); "
                       "without a PATH, the built-in instruments")
    p.add_argument("paths", nargs="*", metavar="PATH")
    p.set_defaults(run=_validate)
    p = _scoring_command(sub, "score", "score an answer file (.csv or .json)", _score, "vetting")
    p = _scoring_command(sub, "aggregate", "means, SDs and 95%% intervals per group, small groups pooled",
                         _aggregate, "research")
    p.add_argument("--by", metavar="COLUMN", help="group by this column of the answers (e.g. provider)")
    p.add_argument("--min-group", type=int, default=11, metavar="K",
                   help="groups below K responses never appear by name (default 11)")
    _scoring_command(sub, "reliability", "Cronbach's alpha per mean or sum score", _reliability, "research")
    p = sub.add_parser("rebuild-cache", help="upgrade the research database and recompute its cached scores "
                       "from the stored answers")
    p.add_argument("--database", metavar="URL", help="database URL (default: DATABASE_URL, else guidecheck.db in "
                   "GUIDECHECK_DATA_DIR, by default data/)")
    p.set_defaults(run=_rebuild_cache)
    p = sub.add_parser("schema", help="print the JSON Schema of the instrument format")
    p.set_defaults(run=_schema)
    p = sub.add_parser("codebook", help="write the data dictionary of an instrument (CSV)")
    p.add_argument("path", metavar="PATH")
    p.add_argument("--out", metavar="FILE")
    p.add_argument("--lang", default=None, help="language of the texts (default: the instrument's first)")
    p.set_defaults(run=_codebook)
    p = sub.add_parser("convert", help="an instrument to XLSForm or a REDCap data dictionary, or an XLSForm to YAML")
    p.add_argument("source", metavar="INSTRUMENT_OR_FORM", help="an instrument (.yaml) or an XLSForm (.xlsx)")
    p.add_argument("--to", required=True, choices=("xlsform", "redcap", "yaml"))
    p.add_argument("--out", metavar="FILE", help="write here (default: standard output; <id>.xlsx for xlsform)")
    p.add_argument("--lang", default=None, help="REDCap: language of the labels (default: the instrument's first)")
    p.set_defaults(run=_convert)
    p = sub.add_parser("export", help="answers as SPSS (.sav), Stata (.dta) or a Frictionless data package")
    p.add_argument("--instrument", required=True, metavar="PATH")
    p.add_argument("--answers", required=True, metavar="FILE")
    p.add_argument("--to", required=True, choices=("sav", "dta", "datapackage"))
    p.add_argument("--out", required=True, metavar="PATH", help="the .sav / .dta file, or the data package's folder")
    p.add_argument("--lang", default=None, help="language of the labels (default: the instrument's first)")
    p.add_argument("--from", dest="source", default="auto", choices=("auto", "plain", "kobo", "redcap"),
                   help="the answer file's origin (default: recognised from its columns)")
    p.add_argument("--context", default="unknown", choices=CONTEXTS)
    p.add_argument("--audience", default="research", choices=AUDIENCES)
    p.set_defaults(run=_export)
    return top


def main(argv: Sequence[str] | None = None) -> int:
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
    except MissingFileError as exc:  # an incomplete installation: say which file, not an OSError
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
