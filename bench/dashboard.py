"""The researcher dashboard over a large study, on SQLite and PostgreSQL, beside the old path.

    python bench/dashboard.py                      # 1,000,000 responses, SQLite (a temporary file)
    python bench/dashboard.py --n 100000 --pg URL  # also PostgreSQL (URL: an empty database of yours)

Fills one study of the working alliance (14 items, 4 scores, 30 providers, 80 days) by bulk
insert straight into the tables (not through the app: a million submissions would take hours),
with the same vectors ``Store.submit`` would write (``score_frame`` computes them), then renders
the dashboard in a separate server process (Streamlit's AppTest, so the whole page runs as in
the app) and prints, per database:

- cold first render (empty caches, a fresh process), warm rerun, and the render after K new
  responses (the snapshot's next step, the figures of the old snapshot cached);
- the server process's peak RSS;
- the old path (every response's vectors read into memory and worked on whole columns, the
  per-day ``COUNT(DISTINCT)`` query, MixedLM on rows) over the same data in the same run, in a
  process of its own.

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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROVIDERS = [f"p{k:02d}" for k in range(30)]


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
                raw.executemany(f"INSERT INTO responses ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
                                [r[:9] + (str(r[9]),) + r[10:] for r in rows])
            else:
                with raw.cursor().copy(f"COPY responses ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                    for r in rows:
                        copy.write_row(r)
    if not sqlite:
        with store.engine.begin() as conn:
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('responses', 'id'), (SELECT max(id) FROM responses))")
            conn.exec_driver_sql("ANALYZE responses")
    else:
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


def serve(url: str, code: str, k: int, old: bool) -> None:
    """Run in a child process: render the dashboard cold, warm, and (new path) after K new
    responses; print one JSON line."""
    os.environ["DATABASE_URL"] = url
    os.environ["GUIDECHECK_RESEARCH_PASSWORD"] = "bench"
    from streamlit.testing.v1 import AppTest

    def render():
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600).run()
        at.switch_page("app_pages/research.py").run()
        at.text_input[0].set_value("bench")
        return at

    if old:
        import research_old  # noqa: F401 - the old dashboard functions, patched in below

    at = render()
    cpu0, begin = time.process_time(), time.perf_counter()
    at.button[0].click().run()
    cold, cold_cpu = time.perf_counter() - begin, time.process_time() - cpu0
    assert not at.exception, at.exception
    begin = time.perf_counter()
    at.run()
    warm = time.perf_counter() - begin
    out = {"cold": cold, "cold_cpu": cold_cpu, "warm": warm, "load_cold": load()}
    if not old:
        add_responses(url, code, k, seed=7)
        before = _reads()
        begin, cpu0 = time.perf_counter(), time.process_time()
        at.run()
        out["step"], out["step_cpu"] = time.perf_counter() - begin, time.process_time() - cpu0
        out["step_rows"] = _reads() - before
        assert not at.exception, at.exception
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(out), flush=True)


def _reads() -> int:
    from scoring import research

    return research.ROWS_READ[0]


def run_server(url: str, code: str, k: int, old: bool) -> dict:
    env = dict(os.environ, PYTHONPATH=f"{ROOT}:{ROOT / 'bench'}")
    proc = subprocess.run([sys.executable, __file__, "--serve", url, code, str(k)] + (["--old"] if old else []),
                          env=env, capture_output=True, text=True, cwd=ROOT)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise RuntimeError(proc.stderr[-3000:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--pg", help="a PostgreSQL URL (an empty database: its tables are dropped first)")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-old", action="store_true", help="skip the old path")
    parser.add_argument("--serve", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--old", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        url, code, k = args.serve
        serve(url, code, int(k), args.old)
        return
    targets = [] if args.no_sqlite else [("SQLite", f"sqlite:///{Path(tempfile.mkdtemp(prefix='gc-dash-')) / 'b.db'}")]
    if args.pg:
        from sqlalchemy import create_engine

        engine = create_engine(args.pg)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        engine.dispose()
        targets.append(("PostgreSQL", args.pg))
    for name, url in targets:
        begin = time.perf_counter()
        code, k = fill(url, args.n)
        print(f"{name}: {args.n:,} responses filled in {time.perf_counter() - begin:.0f} s ({load()})", flush=True)
        new = run_server(url, code, k, old=False)
        print(f"  new: cold {new['cold']:.2f} s (CPU {new['cold_cpu']:.2f} s, {new['load_cold']}), "
              f"warm {new['warm']:.3f} s, after {k} new responses {new['step']:.3f} s "
              f"(CPU {new['step_cpu']:.3f} s, {new['step_rows']} rows read), peak RSS {new['rss_mb']:.0f} MB",
              flush=True)
        if not args.no_old:
            old = run_server(url, code, k, old=True)
            print(f"  old: cold {old['cold']:.2f} s (CPU {old['cold_cpu']:.2f} s, {old['load_cold']}), "
                  f"warm {old['warm']:.3f} s, peak RSS {old['rss_mb']:.0f} MB", flush=True)


if __name__ == "__main__":
    main()
