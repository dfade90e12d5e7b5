"""Where the core finds its built-in files and keeps its data, in one place.

The built-in instruments (questionnaires/*.yaml, criteria.csv, schema.json) live at questionnaires/
in the repository, and an installed GuideCheck carries them inside the package as
``scoring/questionnaires`` (pyproject.toml maps the one onto the other). Nothing else in the core
names a path outside the package.

Settings (environment variables; the README's Settings table lists these and the app's):

- ``DATABASE_URL``: the research database (PostgreSQL or SQLite URL); unset: the SQLite file below.
- ``GUIDECHECK_DATA_DIR``: the folder of that SQLite file, ``guidecheck.db``; unset: ``data`` in the
  folder GuideCheck is started from (the repository root in the README's commands, ``/app`` in the
  Docker image), which is where it has always been.
- ``GUIDECHECK_DEBUG``: the command line shows the traceback of an internal error.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import GuideCheckError

PACKAGE = Path(__file__).resolve().parent
DATA_DIR_VARIABLE = "GUIDECHECK_DATA_DIR"
DATABASE_FILE = "guidecheck.db"


class MissingFileError(GuideCheckError, FileNotFoundError):
    """A file GuideCheck ships with is not there: the installation is incomplete."""


def builtin_folder() -> Path:
    """The folder of the built-in instruments: inside the installed package, else (a source
    checkout, where the package is the scoring/ folder beside it) the repository's questionnaires/,
    the folder pyproject.toml maps into the package."""
    installed = PACKAGE / "questionnaires"
    if installed.is_dir():
        return installed
    # the same mapping as pyproject.toml's package-dir, for a checkout run in place
    checkout = PACKAGE.parent / "questionnaires"
    if checkout.is_dir() and (PACKAGE.parent / "pyproject.toml").is_file():
        return checkout
    raise MissingFileError(f"the built-in instruments are missing (looked in {installed}): reinstall GuideCheck")


def builtin_file(name: str) -> Path:
    """A file GuideCheck ships with (``criteria.csv``, ``schema.json``), or a clear error."""
    path = builtin_folder() / name
    if not path.is_file():
        raise MissingFileError(f"{name} is missing from the built-in instruments (looked for {path}): "
                               "reinstall GuideCheck, or restore it in questionnaires/")
    return path


def data_dir() -> Path:
    """The folder of the default SQLite database: GUIDECHECK_DATA_DIR, else ``data`` in the
    current folder (resolved now, so that the file does not move when the process changes folder)."""
    return Path(os.environ.get(DATA_DIR_VARIABLE) or "data").expanduser().resolve()


def default_database() -> Path:
    return data_dir() / DATABASE_FILE
