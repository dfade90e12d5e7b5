"""GuideCheck as an installable package: the wheel carries the built-in instruments, `guidecheck`
runs from any folder with the exit codes of `python -m scoring`, the core reads nothing outside
its package, and the README's settings are the ones the code reads."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from scoring import report, settings
from scoring.__main__ import main, parser
from scoring.store import database_url
from tests.conftest import QUESTIONNAIRES, ROOT

BUILTIN = sorted(p.name for p in QUESTIONNAIRES.iterdir() if p.suffix in (".yaml", ".csv", ".json"))


def _pip(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "pip", *args], cwd=cwd, capture_output=True, text=True)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The project built as a wheel, as `pip install .` builds it (with the registry's setuptools;
    offline, with the one installed here)."""
    out = tmp_path_factory.mktemp("wheel")
    # built from a copy: setuptools leaves build/ and *.egg-info in the folder it builds
    source = tmp_path_factory.mktemp("source") / "guidecheck"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", "build", "dist", "*.egg-info", "node_modules", ".mypy_cache", ".ruff_cache", ".pytest_cache",
        ".hypothesis", "__pycache__", "data"))
    run = _pip("wheel", "--no-deps", "--quiet", "-w", str(out), str(source))
    if run.returncode != 0:
        offline = _pip("wheel", "--no-deps", "--no-build-isolation", "--quiet", "-w", str(out), str(source))
        if offline.returncode != 0:
            pytest.skip("no wheel could be built: the build backend could not be fetched nor found installed "
                        f"(pip said: {run.stderr.strip().splitlines()[-1:]})")
    built = list(out.glob("guidecheck-*.whl"))
    assert len(built) == 1, run.stdout + run.stderr
    return built[0]


def test_the_wheel_carries_the_core_and_the_builtin_instruments(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"scoring/questionnaires/{n}" for n in BUILTIN} <= names
    assert "scoring/questionnaires/criteria.csv" in names and "scoring/questionnaires/schema.json" in names
    assert {"scoring/__main__.py", "scoring/migrations/versions/0001_initial.py"} <= names
    assert {f"scoring/locales/{p.name}" for p in (ROOT / "scoring" / "locales").glob("*.yaml")} <= names
    assert not any(n.startswith(("app_pages/", "tests/", "questionnaires/")) for n in names), "only the core"
    entry = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "guidecheck = scoring.__main__:main" in zipfile.ZipFile(wheel).read(entry).decode()


def test_guidecheck_runs_from_any_folder_once_installed(wheel, tmp_path):
    venv = tmp_path / "venv"
    made = subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
                          capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"no virtual environment can be made here: {made.stderr.strip()[-200:]}")
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    installed = subprocess.run([str(bindir / "python"), "-m", "pip", "install", "--no-deps", "--quiet", str(wheel)],
                               capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", settings.DATA_DIR_VARIABLE)}

    def guidecheck(*args):
        return subprocess.run([str(bindir / "guidecheck"), *args], cwd=elsewhere, env=env, capture_output=True,
                              text=True)

    where = subprocess.run([str(bindir / "python"), "-c", "import scoring, scoring.settings as s; "
                            "print(scoring.__file__); print(s.builtin_folder())"],
                           cwd=elsewhere, env=env, capture_output=True, text=True)
    module, folder = where.stdout.split()
    assert Path(module).is_relative_to(venv) and Path(folder).is_relative_to(venv), where.stdout
    ok = guidecheck("validate")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert f"{len([n for n in BUILTIN if n.endswith('.yaml')])} instrument(s) valid" in ok.stderr
    (elsewhere / "bad.yaml").write_text("format: 1\nid: bad\n")
    bad = guidecheck("validate", "bad.yaml")
    assert bad.returncode == 1 and "bad.yaml" in bad.stdout
    wrong = guidecheck("frobnicate")
    assert wrong.returncode == 2 and "usage: guidecheck" in wrong.stderr  # argparse's, as python -m scoring


def test_validate_without_a_path_checks_the_builtin_instruments(capsys):
    assert main(["validate"]) == 0
    assert "11 instrument(s) valid" in capsys.readouterr().err


@pytest.mark.parametrize("command", [None, *parser()._subparsers._group_actions[0].choices])
def test_every_help_page_prints(command, capsys):
    """argparse expands % in help texts: a bare "95%" made `--help` crash with a TypeError."""
    with pytest.raises(SystemExit) as stop:
        main([command, "--help"] if command else ["--help"])
    assert stop.value.code == 0
    assert "usage:" in capsys.readouterr().out


def test_a_missing_criteria_catalogue_is_an_error_not_every_item_minor(tmp_path, monkeypatch):
    for name in BUILTIN:
        if name != "criteria.csv":
            (tmp_path / name).write_bytes((QUESTIONNAIRES / name).read_bytes())
    monkeypatch.setattr(settings, "builtin_folder", lambda: tmp_path)
    report._criteria_rows.cache_clear()
    try:
        with pytest.raises(settings.MissingFileError, match="criteria.csv is missing"):
            report.criteria_severity()
    finally:
        report._criteria_rows.cache_clear()


def test_builtin_folder_is_the_repository_questionnaires_in_a_checkout():
    assert settings.builtin_folder() == QUESTIONNAIRES.resolve()
    assert settings.builtin_file("schema.json").is_file()


def test_the_sqlite_file_follows_the_data_dir_setting(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv(settings.DATA_DIR_VARIABLE, str(tmp_path / "elsewhere"))
    assert database_url() == f"sqlite:///{tmp_path / 'elsewhere' / 'guidecheck.db'}"
    assert (tmp_path / "elsewhere").is_dir()
    monkeypatch.delenv(settings.DATA_DIR_VARIABLE)
    monkeypatch.chdir(tmp_path)
    assert database_url() == f"sqlite:///{tmp_path / 'data' / 'guidecheck.db'}", "data/ where it is started"


def test_the_core_names_no_path_outside_its_package():
    """Only scoring/settings.py may climb out of the package (for a source checkout, where the
    built-in instruments sit beside it): every other module finds files through it."""
    climbing = re.compile(r"__file__[^\n]*(\.parent\.parent|parents\[[1-9])|\.\./|\"\.\.\"")
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "scoring").rglob("*.py")
                 if p.name != "settings.py" and climbing.search(p.read_text())]
    assert not offenders


def _settings_read_by_the_code() -> set[str]:
    read = re.compile(r"""(?:environ\.get|getenv|environ\.setdefault)\(\s*["']([A-Z][A-Z0-9_]+)["']"""
                      r"""|environ\[\s*["']([A-Z][A-Z0-9_]+)["']\s*\]""")
    constants = re.compile(r"""^([A-Z_]+_VARIABLE)\s*=\s*["']([A-Z][A-Z0-9_]+)["']""", re.M)
    names = set()
    for path in [ROOT / "app.py", *(ROOT / "app_pages").rglob("*.py"), *(ROOT / "scoring").rglob("*.py")]:
        text = path.read_text()
        names |= {a or b for a, b in read.findall(text)}
        names |= {value for _, value in constants.findall(text)}  # read through a named constant
    return names


def test_the_readme_settings_are_the_ones_the_code_reads():
    """After datasette's test that its documented settings match its code: a setting added to the
    code without a line in the README's Settings table (or a line left after the code stopped
    reading it) fails here."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", section, flags=re.M))
    assert documented == _settings_read_by_the_code()
