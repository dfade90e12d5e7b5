"""Writes questionnaires/criteria.csv (id, category, severity, contexts) from the criteria
catalogue: `python tools/extract_criteria.py ../shared/criteria.md`. Only IDs and their
classification are kept; the wording stays in the catalogue. Revision 2 (§16) adds rows (ORG among
them), corrects two severities and withdraws CLM-13 (kept, marked `withdrawn`)."""

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


CATEGORIES = "RF|ST|SCR|PREP|SET|BND|CLM|INT|AFT|WA|ORG"
# §16.2 of the catalogue (revision 2) corrects rows that the tables above still show as they were.
CORRECTED_SEVERITY = {"SCR-15": "critical", "SCR-18": "critical"}
WITHDRAWN = {"CLM-13"}


def rows(text: str):
    seen = set()
    for line in text.splitlines():
        m = re.match(rf"^\| ((?:{CATEGORIES})-\d\d) \|(.*)\|\s*$", line)
        if not m:
            continue
        cid = m.group(1)
        cells = [c.strip() for c in m.group(2).split("|")]
        if len(cells) < 5 or cid in seen:  # §16.2's correction rows name an ID but are no new row
            continue
        seen.add(cid)
        severity = next((c for c in cells if re.match(r"^(critical|major|minor)", c)), "")
        # cells: text, answer, severity, rule (or, in §16.3, the stage), context, ...
        severity = "withdrawn" if cid in WITHDRAWN else CORRECTED_SEVERITY.get(cid, severity)
        yield cid, cid.split("-")[0], severity, cells[4]


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
