"""Writes questionnaires/criteria.csv (id, category, severity, contexts) from the criteria
catalogue: `python tools/extract_criteria.py ../shared/criteria.md`. Only IDs and their
classification are taken from the catalogue; its wording stays there. The last two columns,
`action_en` and `action_nl`, are the project's own: each criterion phrased as something an
organisation does (a self-audit's action plan lists them). They are written by hand and kept as
they are when the file is generated again. Revision 2 (§16) adds rows (ORG among
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


ACTION_COLUMNS = ("action_en", "action_nl")


def kept_actions(out: Path) -> dict[str, list[str]]:
    """The hand-written action texts already in the file, by criterion id."""
    if not out.exists():
        return {}
    with out.open(encoding="utf-8") as f:
        return {row["id"]: [row.get(c) or "" for c in ACTION_COLUMNS] for row in csv.DictReader(f)}


def main(path: str, out: Path | None = None) -> None:
    found = list(rows(Path(path).read_text(encoding="utf-8")))
    out = out or ROOT / "questionnaires" / "criteria.csv"
    actions = kept_actions(out)
    with out.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "category", "severity", "context", *ACTION_COLUMNS])
        w.writerows([*row, *actions.get(row[0], ["", ""])] for row in found)
    print(f"{len(found)} criteria written to {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(ROOT.parent / "shared" / "criteria.md"))
