"""GuideCheck's benchmarks, each beside an honest baseline run in the same process.

    python bench/run.py            # everything (about three minutes on 2 cores)
    python bench/run.py --quick    # smaller sizes, for a quick look (not the published figures)

Prints a table and writes bench/results.json. Each figure is the median of several runs. Nothing
here asserts: the targets are printed beside the figures with a 'met' column.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
import tracemalloc
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
logging.getLogger("streamlit").setLevel(logging.ERROR)

from scoring import load_folder, score_frame, score_response, validate_paths  # noqa: E402
from scoring.instrument import build  # noqa: E402
from scoring.model import InstrumentSpec  # noqa: E402

ROWS: list[dict] = []


def timed(fn, runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def record(name: str, value: float, unit: str, target: str, met: bool, note: str = "") -> None:
    ROWS.append({"benchmark": name, "value": round(value, 4), "unit": unit, "target": target, "met": bool(met),
                 "note": note})
    print(f"  {name}: {value:.4g} {unit}  (target {target}: {'met' if met else 'NOT met'}) {note}", flush=True)


# --------------------------------------------------------------------------- score_frame


def likert_instrument(k: int = 60, allow_unsure: bool = False):
    items = [{"id": f"q{i}", "type": "likert", "text": "?", "scale": "agree5", "reverse": i % 4 == 0,
              **({"allow_unsure": True} if allow_unsure else {})} for i in range(k)]
    spec = {"format": 1, "id": "bench60", "version": "1.0.0", "languages": ["en"], "title": "Bench",
            "scales": {"agree5": [{"value": v, "label": str(v)} for v in range(1, 6)]},
            "sections": [{"id": f"s{j}", "title": "S", "items": items[j * 15:(j + 1) * 15]} for j in range(k // 15)],
            "scores": [{"id": f"sub{j}", "label": "S", "section": f"s{j}", "method": "mean", "min_answered": 0.5}
                       for j in range(k // 15)]
            + [{"id": "total", "label": "T", "items": [f"q{i}" for i in range(k)], "method": "mean"}]}
    inst, problems = build(InstrumentSpec.model_validate(spec))
    assert not problems, problems
    return inst


def plain_loop(inst, rows: list[list[int]]) -> list[dict]:
    """The baseline: one response at a time in plain Python, computing the same scores."""
    items = list(inst.items)
    reverse = [inst.items[i].spec.reverse for i in items]
    lo, hi = 1, 5
    scores = [(s.spec.id, [items.index(i) for i in s.items], s.spec.min_answered) for s in inst.scores]
    out = []
    for row in rows:
        points = [(lo + hi - v) if rev else v for v, rev in zip(row, reverse, strict=True)]
        result = {}
        for sid, idx, need in scores:
            got = [points[i] for i in idx]
            result[sid] = sum(got) / len(got) if len(got) >= need * len(idx) else None
        out.append(result)
    return out


def reading_loop(inst, frame: pd.DataFrame) -> list[dict]:
    """The fair baseline per input kind: the plain loop, one response at a time, reading the cells
    of ``frame`` as they come (text stripped; empty, "unsure", NaN, None and pd.NA as missing;
    numbers from text with float()), with the half rule per score. No checks of the values."""
    items = list(inst.items)
    reverse = [inst.items[i].spec.reverse for i in items]
    lo, hi = 1, 5
    scores = [(s.spec.id, [items.index(i) for i in s.items], s.spec.min_answered) for s in inst.scores]
    out = []
    for row in frame[items].itertuples(index=False, name=None):
        points = []
        for v, rev in zip(row, reverse, strict=True):
            if isinstance(v, str):
                v = v.strip()
                v = None if not v or v.lower() == "unsure" else float(v)
            elif v is None or v is pd.NA or v != v:  # None, pd.NA, NaN
                v = None
            points.append(None if v is None else (lo + hi - v) if rev else v)
        result = {}
        for sid, idx, need in scores:
            got = [points[i] for i in idx if points[i] is not None]
            result[sid] = sum(got) / len(got) if got and len(got) >= need * len(idx) else None
        out.append(result)
    return out


def bench_score_frame(n: int, runs: int, baseline_rows: int) -> None:
    print(f"score_frame: {n:,} responses x 60 likert items", flush=True)
    inst = likert_instrument(60)
    rng = np.random.default_rng(0)
    matrix = rng.integers(1, 6, size=(n, 60)).astype(np.int64)
    frame = pd.DataFrame(matrix, columns=list(inst.items))
    seconds, all_times = timed(lambda: score_frame(inst, frame), runs)
    record("score_frame, 1M x 60 likert (median)", seconds, "s", "<= 1 s", seconds <= 1.0,
           f"runs {[round(t, 3) for t in all_times]}")

    subset = matrix[:baseline_rows].tolist()
    loop_seconds, _ = timed(lambda: plain_loop(inst, subset), max(1, runs // 2))
    per_response_loop = loop_seconds / baseline_rows
    per_response_frame = seconds / n
    speedup = per_response_loop / per_response_frame
    record("plain per-response loop, same scores (s per 1M, measured on a subset)", per_response_loop * 1e6, "s",
           "-", True, f"{baseline_rows:,} responses timed, scaled to 1M")
    record("score_frame speed-up over the plain loop", speedup, "x", ">= 20x", speedup >= 20)
    # the two compute the same numbers
    check = score_frame(inst, frame.iloc[:2000]).iloc[:, 1:1 + len(inst.scores)]
    expected = pd.DataFrame(plain_loop(inst, matrix[:2000].tolist()))
    assert np.allclose(check.to_numpy(dtype=float), expected.to_numpy(dtype=float), equal_nan=True)

    tracemalloc.start()
    score_frame(inst, frame)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    ratio = peak / matrix.nbytes
    record("score_frame extra peak memory / answer matrix", ratio, "x", "<= 3x", ratio <= 3,
           f"peak {peak / 1e6:.0f} MB over a {matrix.nbytes / 1e6:.0f} MB int64 matrix (tracemalloc)")


def cpu_timed(fn, runs: int) -> tuple[float, float]:
    """(median wall seconds, median CPU seconds of this process) over ``runs`` calls."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def input_kinds(inst, n: int, seed: int = 0) -> dict:
    """The same answers as each kind of input researchers have: int64 (complete); float64 with 3 %
    NaN; nullable Int64 with 3 % missing; text as ``read_csv(dtype=str)`` gives it (3 % empty,
    1 % 'unsure', 2 % with surrounding spaces). Returns {kind: (frame, csv text or None)}."""
    import io

    rng = np.random.default_rng(seed)
    cols = list(inst.items)
    matrix = rng.integers(1, 6, size=(n, len(cols)))
    r = rng.random((n, len(cols)))
    floats = pd.DataFrame(np.where(r < 0.03, np.nan, matrix), columns=cols)
    text = matrix.astype(str).astype(object)
    text[r < 0.03] = ""
    text[(r >= 0.03) & (r < 0.04)] = "unsure"
    spaced = (r >= 0.04) & (r < 0.06)
    text[spaced] = np.char.add(" ", matrix[spaced].astype(str)).astype(object)
    csv_text = pd.DataFrame(text, columns=cols).to_csv(index=False)
    return {"int64": (pd.DataFrame(matrix, columns=cols), None),
            "float64, 3 % NaN": (floats, None),
            "Int64 (nullable), 3 % missing": (floats.astype("Int64"), None),
            "CSV strings (dtype=str)": (pd.read_csv(io.StringIO(csv_text), dtype=str), csv_text)}


def analyst(inst, frame: pd.DataFrame) -> pd.DataFrame:
    """'The analyst's pandas code': numbers from the cells, reverse keying by replace, row means
    over the answered columns of each score (no checks, no flags, no verdicts)."""
    cols = list(inst.items)
    values = frame[cols].apply(pd.to_numeric, errors="coerce")
    reverse = [c for c in cols if inst.items[c].spec.reverse]
    values[reverse] = values[reverse].replace({1: 5, 2: 4, 4: 2, 5: 1})
    return pd.DataFrame({s.spec.id: values[s.items].mean(axis=1) for s in inst.scores})


def bench_input_kinds(n: int, runs: int, baseline_rows: int) -> None:
    print(f"score_frame by input kind: {n:,} responses x 60 likert items", flush=True)
    inst = likert_instrument(60, allow_unsure=True)
    loop_rows = np.random.default_rng(1).integers(1, 6, size=(baseline_rows, 60)).tolist()
    loop_wall, loop_cpu = cpu_timed(lambda: plain_loop(inst, loop_rows), 1)
    loop_cpu *= n / baseline_rows
    for kind, (frame, csv_text) in input_kinds(inst, n).items():
        wall, cpu = cpu_timed(lambda frame=frame: score_frame(inst, frame), runs)
        a_wall, a_cpu = cpu_timed(lambda frame=frame: analyst(inst, frame), max(1, runs // 2))
        limit = 2.0 if csv_text else 1.0
        record(f"score_frame, {kind}: CPU (wall)", cpu, "s", f"<= {limit:g} s", cpu <= limit,
               f"wall {wall:.3f} s")
        record(f"  analyst's pandas code, {kind}: CPU (wall)", a_cpu, "s", "score_frame faster", cpu < a_cpu,
               f"wall {a_wall:.3f} s; score_frame / analyst = {cpu / a_cpu:.2f}")
        record(f"  speed-up over the plain loop, {kind} (CPU)", loop_cpu / cpu, "x", ">= 20x", loop_cpu / cpu >= 20,
               f"loop {loop_cpu:.1f} s CPU per {n:,} on pre-parsed ints (timed on {baseline_rows:,})")
        part = frame.iloc[:baseline_rows]
        _, read_cpu = cpu_timed(lambda part=part: reading_loop(inst, part), 1)
        read_cpu *= n / len(part)
        record(f"  speed-up over a plain loop reading this kind, {kind} (CPU)", read_cpu / cpu, "x", ">= 20x",
               read_cpu / cpu >= 20, f"loop {read_cpu:.1f} s CPU per {n:,} (timed on {len(part):,})")
        matrix_bytes = n * 60 * 8
        tracemalloc.start()
        score_frame(inst, frame)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        record(f"  extra peak memory / answer matrix, {kind}", peak / matrix_bytes, "x", "<= 2x",
               peak / matrix_bytes <= 2, f"peak {peak / 1e6:.0f} MB over {matrix_bytes / 1e6:.0f} MB (8 bytes a cell)")


def bench_cli(n: int, runs: int) -> None:
    """`python -m scoring score` on a CSV file, end to end in a fresh process, beside reading the
    same file with pyarrow.csv and writing the same output with pandas (also a fresh process)."""
    import subprocess

    print(f"CLI end to end: {n:,} x 60 CSV file", flush=True)
    folder = Path(tempfile.mkdtemp(prefix="guidecheck-bench-"))
    inst = likert_instrument(60, allow_unsure=True)
    instrument = folder / "bench60.yaml"
    import yaml

    instrument.write_text(yaml.safe_dump(inst.spec.model_dump(mode="json", exclude_none=True)))
    _, csv_text = input_kinds(inst, n, seed=2)["CSV strings (dtype=str)"]
    answers = folder / "answers.csv"
    answers.write_text(csv_text)
    size = answers.stat().st_size
    out = folder / "score.csv"
    baseline = (f"import pandas as pd, pyarrow.csv as c\nt = c.read_csv({str(answers)!r})\n"
                f"c.read_csv({str(out)!r}).to_pandas().to_csv({str(folder / 'copy.csv')!r}, index=False, "
                "float_format='%.10g')\n")

    def run(argv):
        wrapped = ("import resource, subprocess, sys, time\nt = time.perf_counter()\n"
                   "subprocess.run(sys.argv[1:], check=True)\nu = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
                   "print(time.perf_counter() - t, u.ru_utime + u.ru_stime, u.ru_maxrss * 1024)")
        done = subprocess.run([sys.executable, "-c", wrapped, *argv], capture_output=True, text=True, check=True,
                              cwd=ROOT)
        return [float(x) for x in done.stdout.split()]

    def command(name):
        return [sys.executable, "-m", "scoring", name, "--instrument", str(instrument), "--answers", str(answers),
                "--out", str(folder / f"{name}.csv")]

    ours, base, summaries = [], [], {"aggregate": [], "reliability": []}
    for _ in range(runs):  # interleaved, so that a change in the machine's load touches both alike
        ours.append(run(command("score")))
        base.append(run([sys.executable, "-c", baseline]))
        for name, results in summaries.items():
            results.append(run(command(name)))
    wall, cpu, rss = (statistics.median(r[k] for r in ours) for k in range(3))
    b_wall, b_cpu, b_rss = (statistics.median(r[k] for r in base) for k in range(3))
    record("baseline: pyarrow.csv read + pandas write, CPU (wall)", b_cpu, "s", "-", True,
           f"wall {b_wall:.1f} s, peak RSS {b_rss / 1e6:.0f} MB; file {size / 1e6:.0f} MB")
    record("python -m scoring score, end to end, CPU (wall)", cpu, "s", f"<= 2 x baseline = {2 * b_cpu:.1f} s",
           cpu <= 2 * b_cpu, f"wall {wall:.1f} s")
    record("python -m scoring score: peak RSS / file size", rss / size, "x", "<= 3x", rss / size <= 3,
           f"peak RSS {rss / 1e6:.0f} MB")
    for name, results in summaries.items():
        s_wall, s_cpu, s_rss = (statistics.median(r[k] for r in results) for k in range(3))
        record(f"python -m scoring {name}, end to end: peak RSS / file size", s_rss / size, "x", "<= 3x",
               s_rss / size <= 3, f"peak RSS {s_rss / 1e6:.0f} MB; CPU {s_cpu:.1f} s, wall {s_wall:.1f} s")


# --------------------------------------------------------------------------- the vetting page


def bench_vetting_page(runs: int) -> None:
    from streamlit.testing.v1 import AppTest

    print("Vet-a-guide page with every built-in instrument (AppTest), beside bench/baseline_app.py", flush=True)
    builtin = load_folder(ROOT / "questionnaires")

    def careful(inst_id, item_id):
        info = builtin[inst_id].items[item_id]
        item = info.spec
        if item.type == "yes_no":
            return "yes" if item.points.yes >= item.points.no else "no"
        if item.type == "choice":
            return max((o for o in item.options if o.points is not None), key=lambda o: o.points).value
        if item.type == "likert":
            return info.pmax
        if item.type == "multi":
            return [o.value for o in item.options if (o.points or 0) > 0]
        if item.type == "number":
            return item.max if item.max is not None and item.max <= 20 else 3
        return None

    def baseline_first():
        return AppTest.from_file(str(ROOT / "bench" / "baseline_app.py"), default_timeout=120).run()

    def baseline_submit():
        at = baseline_first()
        for r in at.radio:
            r.set_value("yes")
        start = time.perf_counter()
        at.button[0].click().run()
        return time.perf_counter() - start

    def ours_first():
        """Like the baseline's first render: the first run of a fresh session, here straight into
        the questions with every built-in instrument selected."""
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.session_state["flows"] = {"vetting": {"stage": "questions", "context": "unknown",
                                                 "selected": list(builtin), "label": "", "step": 0,
                                                 "answers": {i: {} for i in builtin}}}
        at.switch_page("app_pages/vet.py")
        start = time.perf_counter()
        at.run()
        elapsed = time.perf_counter() - start
        assert not at.exception and any(r.key and r.key.startswith("q:") for r in at.radio)
        return elapsed, at

    def ours_submit():
        _, at = ours_first()
        flow = at.session_state["flows"]["vetting"]
        for inst_id in flow["selected"]:
            flow["answers"][inst_id] = {i: v for i in builtin[inst_id].items
                                        if (v := careful(inst_id, i)) is not None}
        flow["step"] = 10_000  # the last part
        at.run()
        start = time.perf_counter()
        at.button(key="submit_vetting").click().run()
        elapsed = time.perf_counter() - start
        assert not at.exception and any("Report" in t.value for t in at.title), [t.value for t in at.title]
        return elapsed

    baseline_first()  # warm the process: imports, caches
    ours_first()
    base_first, _ = timed(baseline_first, runs)
    our_first = statistics.median(ours_first()[0] for _ in range(runs))
    base_submit = statistics.median(baseline_submit() for _ in range(runs))
    our_submit = statistics.median(ours_submit() for _ in range(runs))
    record("baseline page: first render", base_first, "s", "-", True)
    record("Vet a guide (all 10 instruments): first render", our_first, "s",
           f"<= 1.5 x baseline = {1.5 * base_first:.3f} s", our_first <= 1.5 * base_first)
    record("baseline page: submit to result", base_submit, "s", "-", True)
    record("Vet a guide: submit to report", our_submit, "s", f"<= 1.5 x baseline = {1.5 * base_submit:.3f} s",
           our_submit <= 1.5 * base_submit)
    rerun = rerun_after_one_answer(runs)
    record("Vet a guide: rerun after one answer", rerun * 1000, "ms", "<= 50 ms", rerun <= 0.05)


def rerun_after_one_answer(runs: int) -> float:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("app_pages/vet.py").run()
    at.button(key="start_vetting").click().run()
    key = next(r.key for r in at.radio if r.key and r.key.startswith("q:"))
    values = []
    for k in range(runs * 2):
        radio = at.radio(key=key)
        start = time.perf_counter()
        radio.set_value(("yes", "no")[k % 2]).run()
        values.append(time.perf_counter() - start)
    return statistics.median(values)


# --------------------------------------------------------------------------- the researcher dashboard


def bench_dashboard(n: int, runs: int) -> None:
    """The dashboard in this process (AppTest), filled by bench/dashboard.py's bulk fill; that
    script measures 1,000,000 responses on SQLite and PostgreSQL beside the old path."""
    from streamlit.testing.v1 import AppTest

    sys.path.insert(0, str(ROOT / "bench"))
    import dashboard

    print(f"researcher dashboard over {n:,} stored responses (SQLite, AppTest)", flush=True)
    folder = Path(tempfile.mkdtemp(prefix="guidecheck-bench-"))
    url = f"sqlite:///{folder / 'bench.db'}"
    os.environ["DATABASE_URL"] = url
    os.environ["GUIDECHECK_RESEARCH_PASSWORD"] = dashboard.PASSWORD
    start = time.perf_counter()
    dashboard.fill(url, n)
    print(f"  (setup: {n:,} responses loaded in {time.perf_counter() - start:.1f} s)", flush=True)

    def open_dashboard():
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()
        at.switch_page("app_pages/research.py").run()
        at.text_input[0].set_value(dashboard.PASSWORD)
        return at

    firsts, warms = [], []
    for _ in range(runs):
        import streamlit as st

        st.cache_data.clear()  # a cold cache for the first render
        at = open_dashboard()
        begin = time.perf_counter()
        at.button[0].click().run()  # log in: the page renders every tab, the dashboard included
        firsts.append(time.perf_counter() - begin)
        assert not at.exception, at.exception
        assert any(getattr(e, "type", None) == "plotly_chart" for e in dashboard._walk(at)), "no chart drawn"
        begin = time.perf_counter()
        at.run()
        warms.append(time.perf_counter() - begin)
    first, warm = statistics.median(firsts), statistics.median(warms)
    record(f"dashboard, {n // 1000}k responses: first render (cold cache)", first, "s", "<= 2 s", first <= 2.0,
           f"runs {[round(x, 3) for x in firsts]}")
    record(f"dashboard, {n // 1000}k responses: rerun (warm cache)", warm, "s", "<= 0.2 s", warm <= 0.2,
           f"runs {[round(x, 3) for x in warms]}")


# --------------------------------------------------------------------------- submissions and validate


def bench_submissions(total: int, threads: int, runs: int) -> None:
    from scoring.store import Store

    print(f"submissions: {total:,} from {threads} threads into SQLite", flush=True)
    inst = load_folder(ROOT / "questionnaires")["red-flags"]
    answers = {"rf_intake": "yes", "rf_sober": "yes", "rf_guarantee": "no", "rf_pressure": "no"}
    result = score_response(inst, answers, audience="research")
    rates, counts = [], []
    for _ in range(runs):
        folder = Path(tempfile.mkdtemp(prefix="guidecheck-bench-"))
        store = Store(f"sqlite:///{folder / 'submit.db'}")
        study = store.create_study("Load", [inst.id])
        keys = [uuid.uuid4().hex for _ in range(total)]

        def work(chunk, store=store, study=study):
            for key in chunk:
                store.submit(study, key, {inst.id: (inst, answers, result)}, provider=None, language="en")

        pool = [threading.Thread(target=work, args=(keys[i::threads],)) for i in range(threads)]
        begin = time.perf_counter()
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        elapsed = time.perf_counter() - begin
        rates.append(total / elapsed)
        counts.append(store.count(study.id))
        store.dispose()
    rate = statistics.median(rates)
    record("submissions into SQLite from 20 threads", rate, "per s", ">= 200 per s, none lost",
           rate >= 200 and all(c == total for c in counts), f"rows stored per run {counts}")


def bench_validate(runs: int) -> None:
    print("validate all built-in instruments", flush=True)
    seconds, _ = timed(lambda: validate_paths([ROOT / "questionnaires"]), runs)
    record("validate all built-in instruments (in process)", seconds, "s", "<= 0.5 s", seconds <= 0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes; not the published figures")
    parser.add_argument("--only", choices=("kinds", "cli"), help="only the input kinds or only the CLI figure")
    args = parser.parse_args()
    if args.only:
        n = 100_000 if args.quick else 1_000_000
        bench_input_kinds(n, 3, 20_000) if args.only == "kinds" else bench_cli(n, 3)
        return
    n, runs = (100_000, 3) if args.quick else (1_000_000, 5)
    started = time.perf_counter()
    bench_validate(runs)
    bench_score_frame(n, runs, baseline_rows=20_000 if args.quick else 100_000)
    bench_input_kinds(n, 3, baseline_rows=20_000 if args.quick else 100_000)
    bench_cli(n, 3 if args.quick else 2)
    bench_vetting_page(7)
    bench_dashboard(20_000 if args.quick else 1_000_000, 3)
    bench_submissions(1000, 20, 3)
    width = max(len(r["benchmark"]) for r in ROWS)
    print(f"\n{'benchmark':<{width}}  {'value':>10}  {'unit':<6} {'target':<32} met")
    for r in ROWS:
        print(f"{r['benchmark']:<{width}}  {r['value']:>10.4g}  {r['unit']:<6} {r['target']:<32} "
              f"{'yes' if r['met'] else 'NO'}")
    out = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
           "quick": args.quick, "seconds": round(time.perf_counter() - started, 1), "results": ROWS}
    target = ROOT / "bench" / ("results.quick.json" if args.quick else "results.json")
    target.write_text(json.dumps(out, indent=1) + "\n")
    print(f"\nwritten to {target.relative_to(ROOT)} in {out['seconds']} s")


if __name__ == "__main__":
    main()
