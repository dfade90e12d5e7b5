"""Writes questionnaires/criteria.csv (id, category, severity, contexts) from the criteria
catalogue, once: `python tools/extract_criteria.py ../shared/criteria.md`. Only IDs and their
classification are kept; the wording stays in the catalogue."""

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def rows(text: str):
    for line in text.splitlines():
        m = re.match(r"^\| ((?:RF|ST|SCR|PREP|SET|BND|CLM|INT|AFT|WA)-\d\d) \|(.*)\|\s*$", line)
        if not m:
            continue
        cells = [c.strip() for c in m.group(2).split("|")]
        severity = next((c for c in cells if re.match(r"^(critical|major|minor)", c)), "")
        yield m.group(1), m.group(1).split("-")[0], severity, cells[4]  # cells: text, answer, sev, rule, ctx


def main(path: str) -> None:
    found = list(rows(Path(path).read_text(encoding="utf-8")))
    out = ROOT / "questionnaires" / "criteria.csv"
    with out.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "category", "severity", "context"])
        w.writerows(found)
    print(f"{len(found)} criteria written to {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(ROOT.parent / "shared" / "criteria.md"))
