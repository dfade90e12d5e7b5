"""The researcher dashboard over a large study, on SQLite and PostgreSQL, beside the old path.

    python bench/dashboard.py                          # 1,000,000 responses (new) and 100,000 (new and old), SQLite
    python bench/dashboard.py --pg URL                 # the same on PostgreSQL too (its tables are dropped!)
    python bench/dashboard.py --sizes 100000 --old-sizes 100000   # smaller

Fills one study of the working alliance (14 items, 4 scores, 30 providers, 80 days) by bulk
insert straight into the tables (not through the app: a million submissions would take hours),
with the same vectors ``Store.submit`` would write (``score_frame`` computes them), then renders
the dashboard in a separate server process (Streamlit's AppTest, so the whole page runs as in
the app) and prints, per database:

- cold first render (empty caches, a fresh process), warm rerun, and the render after K new
  responses (the snapshot's next step, the figures of the old snapshot cached);
- the server process's peak RSS;
- the old path (``--old-ref``, the commit before the running totals: every response's vectors
  read into memory and worked on whole columns, the per-day ``COUNT(DISTINCT)`` query, MixedLM
  on rows), its own code taken with ``git archive`` into a temporary folder, over data filled the
  same way (same seed), in the same run.

Each figure is printed with the machine's load average beside it. Nothing here asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent.parent
ROOT = Path(os.environ.get("GC_ROOT", HERE))  # the code measured: this tree, or the old one
sys.path.insert(0, str(ROOT))
OLD_REF = "15ce4f9"  # main before the running totals (issue 16)

PROVIDERS = [f"p{k:02d}" for k in range(30)]
PASSWORD = "bench-only-password-for-the-dashboard"


def load() -> str:
    return "load " + " ".join(open("/proc/loadavg").read().split()[:3])


def alliance():
    from scoring import load_folder

    return load_folder(ROOT / "questionnaires")["working-alliance"]


def rows_for(inst, n: int, first_id: int, study_id: int, seed: int, unsure: float = 0.03):
    """n responses as tuples for the responses table, with a few unanswered items (NaN points),
    and the per-row columns the tallies need."""
    from scoring import score_frame
    from scoring.aggregate import points_frame

    rng = np.random.default_rng(seed)
    items = list(inst.items)
    provider_shift = rng.normal(0, 0.4, size=len(PROVIDERS))
    chosen = rng.choice(len(PROVIDERS), size=n, p=np.linspace(2, 1, len(PROVIDERS)) / np.linspace(
        2, 1, len(PROVIDERS)).sum())
    base = 3 + provider_shift[chosen][:, None] + rng.normal(0, 0.7, size=(n, 1))
    answers = np.clip(np.round(base + rng.normal(0, 0.8, size=(n, len(items)))), 1, 5).astype(object)
    answers[rng.random(size=answers.shape) < unsure] = None  # optional: left unanswered
    frame = pd.DataFrame(answers, columns=items)
    for i in items:
        if not inst.items[i].spec.required:
            continue
        frame[i] = frame[i].fillna(3)
    scores = score_frame(inst, frame, audience="research")[inst.score_ids].to_numpy(dtype=float)
    points = points_frame(inst, frame, audience="research").reindex(columns=items).to_numpy(dtype=float)
    days = (pd.Timestamp("2026-09-01") + pd.to_timedelta(np.sort(rng.integers(0, 80, size=n)), unit="D")).date
    out = []
    for k in range(n):
        out.append((first_id + k, study_id, uuid.uuid4().hex, inst.id, inst.version, inst.content_hash,
                    PROVIDERS[chosen[k]], "en", "unknown", days[k],
                    json.dumps(dict(zip(inst.score_ids, [None if np.isnan(v) else v for v in scores[k]], strict=True))),
                    None, "", scores[k].tobytes(), points[k].tobytes()))
    return out


COLUMNS = ("id", "study_id", "submission", "instrument_id", "instrument_version", "instrument_hash", "provider",
           "language", "context", "submitted", "scores", "verdict", "flags", "score_vector", "point_vector")


def fill(url: str, n: int, chunk: int = 100_000):
    """A fresh study of n responses in the database at ``url``; returns (study code, K)."""
    from scoring.store import Store

    store = Store(url)
    inst = alliance()
    store.register(inst)
    study = store.create_study("Bench", [inst.id], providers=PROVIDERS)
    with store.engine.begin() as conn:
        first = (conn.exec_driver_sql("SELECT max(id) FROM responses").scalar() or 0) + 1
    sqlite = store.dialect == "sqlite"
    for start in range(0, n, chunk):
        rows = rows_for(inst, min(chunk, n - start), first + start, study.id, seed=start)
        with store.engine.begin() as conn:
            raw = conn.connection.driver_connection
            if sqlite:
                marks = ", ".join("?" * len(COLUMNS))
                raw.executemany(f"INSERT INTO responses ({', '.join(COLUMNS)}) VALUES ({marks})",
                                [r[:9] + (str(r[9]),) + r[10:] for r in rows])
            else:
                with raw.cursor().copy(f"COPY responses ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                    for r in rows:
                        copy.write_row(r)
    if not sqlite:
        with store.engine.begin() as conn:
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('responses', 'id'), "
                                 "(SELECT max(id) FROM responses))")
    if hasattr(store, "rebuild_tallies"):  # the running totals submit() would have kept
        begin = time.perf_counter()
        store.rebuild_tallies(study.id)
        print(f"  (running totals of {n:,} responses built in {time.perf_counter() - begin:.0f} s)", flush=True)
    with store.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    store.dispose()
    return study.code, study.min_group


def add_responses(url: str, code: str, k: int, seed: int) -> None:
    """k more responses through Store.submit (as participants send them)."""
    from scoring import score_response
    from scoring.store import Store

    store = Store(url)
    inst = alliance()
    study = store.study(code)
    rng = np.random.default_rng(seed)
    for _ in range(k):
        answers = {i: int(rng.integers(1, 6)) for i in inst.items}
        store.submit(study, uuid.uuid4().hex, {inst.id: (inst, answers, score_response(inst, answers,
                                                                                      audience="research"))},
                     provider=str(rng.choice(PROVIDERS)), language="en")
    store.dispose()


# --------------------------------------------------------------------------- the server side


def serve(url: str, code: str, k: int) -> None:
    """Run in a child process (the code under GC_ROOT): render the dashboard cold, warm, and after
    K new responses; print one JSON line."""
    os.environ["DATABASE_URL"] = url
    os.environ["GUIDECHECK_RESEARCH_PASSWORD"] = PASSWORD
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    from streamlit.testing.v1 import AppTest

    from scoring import store as store_module

    read = [0]
    if hasattr(store_module.Store, "_stream"):  # count the responses the new path reads
        original = store_module.Store._stream

        def counted(self, *args, **kwargs):
            for chunk in original(self, *args, **kwargs):
                read[0] += len(chunk[1])
                yield chunk

        store_module.Store._stream = counted

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900).run()
    at.switch_page("app_pages/research.py").run()
    at.text_input[0].set_value(PASSWORD)
    cpu0, begin = time.process_time(), time.perf_counter()
    at.button[0].click().run()  # log in: the page renders every tab, the dashboard included
    cold, cold_cpu = time.perf_counter() - begin, time.process_time() - cpu0
    assert not at.exception, at.exception
    assert any(getattr(e, "type", None) == "plotly_chart" for e in _walk(at)), "no chart drawn"
    out = {"cold": cold, "cold_cpu": cold_cpu, "load_cold": load(), "cold_rows": read[0]}
    begin, cpu0 = time.perf_counter(), time.process_time()
    at.run()
    out["warm"], out["warm_cpu"] = time.perf_counter() - begin, time.process_time() - cpu0
    add_responses(url, code, k, seed=7)
    read[0] = 0
    begin, cpu0 = time.perf_counter(), time.process_time()
    at.run()
    out["step"], out["step_cpu"], out["step_rows"] = time.perf_counter() - begin, time.process_time() - cpu0, read[0]
    assert not at.exception, at.exception
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(out), flush=True)


def _walk(at):
    stack = [at._tree]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(getattr(node, "children", {}).values())


def child(root: Path, *args) -> str:
    env = dict(os.environ, GC_ROOT=str(root), PYTHONPATH=str(root))
    proc = subprocess.run([sys.executable, str(HERE / "bench" / "dashboard.py"), *args], env=env,
                          capture_output=True, text=True, cwd=root)
    if proc.returncode:
        raise RuntimeError(proc.stderr[-3000:])
    return proc.stdout


def measure(root: Path, url: str, n: int) -> dict:
    """Fill (code under ``root``) and render in fresh processes."""
    if url.startswith("postgresql"):
        from sqlalchemy import create_engine

        engine = create_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        engine.dispose()
    elif Path(url[len("sqlite:///"):]).exists():
        Path(url[len("sqlite:///"):]).unlink()
    begin = time.perf_counter()
    out = child(root, "--fill", url, str(n)).strip().splitlines()
    code, k = out[-1].split()
    for line in out[:-1]:
        print("  " + line, flush=True)
    print(f"    filled in {time.perf_counter() - begin:.0f} s ({load()})", flush=True)
    for line in child(root, "--serve", url, code, k).splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:]) | {"k": int(k)}
    raise RuntimeError("no result")


def show(name: str, r: dict) -> str:
    return (f"  {name}: cold {r['cold']:.2f} s (CPU {r['cold_cpu']:.2f} s, {r['cold_rows']:,} responses read; "
            f"{r['load_cold']}), warm {r['warm']:.3f} s (CPU {r['warm_cpu']:.3f} s), "
            f"after K={r['k']} new responses {r['step']:.3f} s "
            f"(CPU {r['step_cpu']:.3f} s, {r['step_rows']:,} responses read), peak RSS {r['rss_mb']:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="study sizes for the new path")
    parser.add_argument("--old-sizes", default="100000", help="study sizes for the old path (1M: ~21 s a render)")
    parser.add_argument("--old-ref", default=OLD_REF)
    parser.add_argument("--pg", help="a PostgreSQL URL of your own (its public schema is dropped first)")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--serve", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--fill", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        url, code, k = args.serve
        serve(url, code, int(k))
        return
    if args.fill:
        code, k = fill(args.fill[0], int(args.fill[1]))
        print(code, k)
        return
    old_root = Path(tempfile.mkdtemp(prefix="gc-old-"))
    archive = subprocess.run(["git", "archive", args.old_ref], cwd=HERE, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(old_root)], input=archive, check=True)
    folder = Path(tempfile.mkdtemp(prefix="gc-dash-"))
    targets = [] if args.no_sqlite else [("SQLite", f"sqlite:///{folder / 'bench.db'}")]
    if args.pg:
        targets.append(("PostgreSQL", args.pg))
    results = []
    sizes = sorted({int(x) for x in args.sizes.split(",") if x} | {int(x) for x in args.old_sizes.split(",") if x})
    for name, url in targets:
        for n in sizes:
            print(f"{name}, {n:,} responses in one study", flush=True)
            for path, root, wanted in (("new", HERE, args.sizes), ("old", old_root, args.old_sizes)):
                if str(n) not in wanted.split(","):
                    continue
                r = measure(root, url, n)
                print(show(path, r), flush=True)
                results.append({"database": name, "n": n, "path": path} | r)
    (HERE / "bench" / "dashboard_results.json").write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
