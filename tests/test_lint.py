"""The code stays ruff clean, and the core never imports streamlit."""

import re
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def test_ruff_clean():
    if shutil.which("ruff") is None and subprocess.run([sys.executable, "-m", "ruff", "--version"],
                                                       capture_output=True).returncode != 0:
        pytest.skip("ruff is not installed (pip install -r requirements-dev.txt)")
    run = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_core_never_imports_streamlit():
    offenders = [p.name for p in (ROOT / "scoring").rglob("*.py")
                 if re.search(r"^\s*(import|from)\s+streamlit", p.read_text(), flags=re.M)]
    assert not offenders
