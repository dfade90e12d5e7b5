"""Every file in tests/malformed/ must fail validation with the line and message its header
names, as `PATH:LINE: message`, quickly, and without running anything it carries."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from scoring.__main__ import main
from scoring.yamlsafe import MAX_BYTES

CORPUS = Path(__file__).parent / "malformed"
FILES = sorted(CORPUS.glob("*.yaml"))


def expectation(path: Path) -> tuple[int, str]:
    head = path.read_bytes().decode("utf-8", "replace").splitlines()
    line = next((int(h.split(":")[1]) for h in head[:2] if h.startswith("# expect-line:")), 1)
    words = next((h.split(":", 1)[1].strip() for h in head[:2] if h.startswith("# expect:")), "empty")
    return line, words


def test_corpus_is_large_enough():
    assert len(FILES) >= 30


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_malformed_file(path, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a payload that ran would leave guidecheck_pwned here
    line, words = expectation(path)
    code = main(["validate", str(path)])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out, "no problem reported"
    pattern = re.compile(rf"^{re.escape(str(path))}:\d+: \S")
    assert all(pattern.match(o) for o in out), out
    assert any(o.startswith(f"{path}:{line}: ") and words in o for o in out), (line, words, out)
    assert "Traceback" not in "\n".join(out)
    assert not (tmp_path / "guidecheck_pwned").exists()


def test_oversized_file_refused_before_reading(tmp_path, capsys):
    big = tmp_path / "big.yaml"
    big.write_text("format: 1\n" + "# padding\n" * (MAX_BYTES // 10 + 1))
    assert main(["validate", str(big)]) == 1
    assert "limit is 1,048,576" in capsys.readouterr().out


def test_file_packed_with_values_is_refused(tmp_path, capsys):
    """Just under the size limit and packed with scalars (timed in bench/validate.py)."""
    worst = tmp_path / "worst.yaml"
    body = "x-bulk: [" + ", ".join(["1"] * 400_000) + "]\n"
    worst.write_text(body[: MAX_BYTES - 100].rsplit(",", 1)[0] + "]\nformat: 1\n")
    assert worst.stat().st_size < MAX_BYTES
    assert main(["validate", str(worst)]) == 1
    assert "more than 50,000 values" in capsys.readouterr().out


def test_cli_over_the_whole_corpus_in_a_real_process():
    run = subprocess.run([sys.executable, "-m", "scoring", "validate", str(CORPUS)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    reported = {line.split(":", 1)[0] for line in run.stdout.splitlines()}
    assert reported == {str(f) for f in FILES}
