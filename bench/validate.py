"""How long `validate` takes: every malformed case, the worst file the size limit lets through,
the adversarial files at the limits (tests/malformed/limits/, with their peak extra memory), and
the built-in instruments. In-process, median of several runs; prints a table.

    python bench/validate.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scoring.loader import validate_file, validate_paths  # noqa: E402
from scoring.yamlsafe import MAX_BYTES, MAX_VALUES  # noqa: E402


def median_ms(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def worst_files(folder: Path) -> dict[str, Path]:
    """Files just under the 1 MiB limit, built to be as slow as the format allows."""
    out = {}
    scalars = folder / "one-mib-of-scalars.yaml"
    body = "x-bulk: [" + ", ".join(["1"] * 400_000)
    scalars.write_text(body[: MAX_BYTES - 100].rsplit(",", 1)[0] + "]\nformat: 1\n")
    out["1 MiB flow list of scalars (refused at the value cap)"] = scalars
    items = folder / "largest-accepted.yaml"
    head = "format: 1\nid: big\nversion: 1.0.0\nlanguages: [en]\ntitle: Big\nsections:\n"
    count = (MAX_VALUES - 2000) // 15  # an item with a flag is 15 YAML values (keys count too)
    lines = [head]
    for k in range(count):
        if k % 400 == 0:  # at most 500 items a section
            lines.append(f"  - id: s{k}\n    title: S\n    items:\n")
        lines.append(f"      - id: q{k}\n        type: yes_no\n        text: Question {k}?\n"
                     f"        flag: {{when: 'value == \"no\" and context != \"clinical\"', severity: major, "
                     f"message: m}}\n")
    items.write_text("".join(lines))
    k, size = count, items.stat().st_size
    out[f"largest valid instrument the caps allow ({k} items with flags, {size // 1024} KiB)"] = items
    return out


def main() -> None:
    rows = []
    corpus = sorted((ROOT / "tests" / "malformed").glob("*.yaml"))
    timings = [(median_ms(lambda p=p: validate_file(p)), p.name) for p in corpus]
    slowest = max(timings)
    rows.append((f"malformed corpus: {len(corpus)} files, median per file", statistics.median(t for t, _ in timings)))
    rows.append((f"malformed corpus: slowest file ({slowest[1]})", slowest[0]))
    with tempfile.TemporaryDirectory() as tmp:
        for label, path in worst_files(Path(tmp)).items():
            inst, problems = validate_file(path)
            status = "valid" if inst is not None else f"refused: {problems[0].message[:40]}"
            rows.append((f"{label} [{status}]", median_ms(lambda p=path: validate_file(p), runs=3)))
    for path in sorted((ROOT / "tests" / "malformed" / "limits").glob("*.yaml")):
        tracemalloc.start()
        inst, problems = validate_file(path)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        status = "valid" if inst is not None else f"{len(problems)} problem(s)"
        size = path.stat().st_size // 1024
        rows.append((f"limits/{path.name} ({size} KiB) [{status}, peak {peak:.0f} MB]",
                     median_ms(lambda p=path: validate_file(p), runs=3)))
    rows.append(("built-in instruments (questionnaires/)",
                 median_ms(lambda: validate_paths([ROOT / "questionnaires"]))))
    width = max(len(r[0]) for r in rows)
    print(f"{'validate':<{width}}  median ms")
    for label, ms in rows:
        print(f"{label:<{width}}  {ms:9.1f}")


if __name__ == "__main__":
    main()
