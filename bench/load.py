"""Participants at once on one real server: per-answer times and server CPU, beside a minimal
Streamlit page with the same widgets (bench/participant_baseline.py), in the same run.

    python bench/load.py                       # 1, 5, 10, 25, 50 participants; three servers
    python bench/load.py --sizes 1 5 --think 0.5

The driver is bench/stclient.py: each participant is a WebSocket client speaking Streamlit's own
protocol (the page load over HTTP, then BackMsg rerun requests with every widget's value, as the
browser sends them), so the server does the same script runs a browser would cause, while fifty
clients fit in one process beside the server on two cores. Each participant consents, starts,
answers every question with a random option after a pause (uniform 0.5-1.5 x --think seconds,
default 1 s: faster than a person reads), and sends. An answer's time runs from sending the
widget change to the end of the script run it caused.

Servers, started side by side for the same run:
  app            the app with this repository's .streamlit/config.toml
  app-defaults   the same app with Streamlit's defaults for the two options that config sets
                 (runner.postScriptGC = true, server.fileWatcherType = auto)
  baseline       bench/participant_baseline.py, with this repository's config
Server CPU is the server process's user+system time over the group, per answer/click sent.
Prints a table and writes bench/load_results.json. Nothing here asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import stclient  # noqa: E402

DEFAULTS = ["--runner.postScriptGC", "true", "--server.fileWatcherType", "auto"]


def start(script: str, port: int, env: dict, extra: list[str]) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
                             "--server.port", str(port), "--server.address", "127.0.0.1", *extra], cwd=ROOT,
                            env=dict(os.environ, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false", **env),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(120):
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).read() == b"ok":
                return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError(f"{script} did not start on port {port}")


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else float("nan")


async def group(url: str, query: str, n: int, think: float, seed: int) -> dict:
    answers: list[float] = []
    loads: list[float] = []  # page load: HTTP page, WebSocket, first script run
    runs = 0
    failures = 0

    async def one(k: int) -> None:
        nonlocal runs, failures
        rng = random.Random(seed * 1000 + k)
        await asyncio.sleep(rng.uniform(0, min(think, 1.0)))  # people do not arrive in the same millisecond
        try:
            session = await stclient.participant(url, query, think=think, answers=answers, rng=rng, timeout=300)
        except (stclient.Disconnected, RuntimeError):
            failures += 1
            return
        loads.append(session.load_s)
        runs += session.runs
        await session.close()

    await asyncio.gather(*[one(k) for k in range(n)])
    return {"answers": answers, "loads": loads, "runs": runs, "failures": failures}


def measure(name: str, url: str, pid: int, query: str, n: int, think: float) -> dict:
    server = psutil.Process(pid)
    me = psutil.Process()
    cpu0, mine0, wall0 = sum(server.cpu_times()[:2]), sum(me.cpu_times()[:2]), time.perf_counter()
    out = asyncio.run(group(url, query, n, think, seed=n))
    cpu = sum(server.cpu_times()[:2]) - cpu0
    row = {"server": name, "participants": n, "answers": len(out["answers"]), "runs": out["runs"],
           "failures": out["failures"],
           "median_ms": 1000 * statistics.median(out["answers"]) if out["answers"] else float("nan"),
           "p95_ms": 1000 * pct(out["answers"], 0.95),
           "load_median_ms": 1000 * statistics.median(out["loads"]) if out["loads"] else float("nan"),
           "cpu_ms_per_run": 1000 * cpu / max(out["runs"], 1),
           "server_cpu_share": cpu / (time.perf_counter() - wall0),
           "driver_cpu_s": sum(me.cpu_times()[:2]) - mine0,
           "rss_mb": server.memory_info().rss / 2**20}
    print(f"  {name:13} {n:3d} at once: answer median {row['median_ms']:7.0f} ms  p95 {row['p95_ms']:7.0f} ms  "
          f"load {row['load_median_ms']:6.0f} ms  server CPU {row['cpu_ms_per_run']:6.1f} ms/run "
          f"({row['server_cpu_share']:.2f} cores)  "
          f"RSS {row['rss_mb']:.0f} MB  failures {row['failures']}  (driver CPU {row['driver_cpu_s']:.1f} s)",
          flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 5, 10, 25, 50])
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between a participant's actions")
    parser.add_argument("--instruments", default="red-flags,working-alliance")
    parser.add_argument("--servers", nargs="+", default=["app", "app-defaults", "baseline"])
    parser.add_argument("--defaults-up-to", type=int, default=10,
                        help="largest group for app-defaults (beyond it the server is saturated for minutes)")
    parser.add_argument("--base-port", type=int, default=18600, help="servers listen on this port and the next ones")
    parser.add_argument("--database", default=None, help="DATABASE_URL (default: a fresh SQLite file)")
    args = parser.parse_args()

    from scoring.store import Store

    tmp = tempfile.mkdtemp(prefix="guidecheck-load-")
    db = args.database or f"sqlite:///{tmp}/load.db"
    study = Store(db).create_study("Load test", args.instruments.split(","), consent="Consent text.")
    env = {"DATABASE_URL": db, "BENCH_INSTRUMENTS": args.instruments}
    specs = {"app": ("app.py", []), "app-defaults": ("app.py", DEFAULTS),
             "baseline": ("bench/participant_baseline.py", [])}
    servers = {}
    try:
        for k, name in enumerate(args.servers):
            script, extra = specs[name]
            port = args.base_port + k if args.base_port != 18600 else 18600 + 10 * k + os.getpid() % 10
            servers[name] = (f"http://127.0.0.1:{port}", start(script, port, env, extra))
        query = stclient.query(study.code)
        for url, _ in servers.values():  # warm each server up (first imports, caches) before measuring
            asyncio.run(group(url, query, 1, 0.0, seed=0))
        print(f"{os.cpu_count()} cores, Python {platform.python_version()}, think {args.think} s, "
              f"instruments {args.instruments}")
        rows = []
        for n in args.sizes:
            for name, (url, proc) in servers.items():
                if name == "app-defaults" and n > args.defaults_up_to:
                    continue
                rows.append(measure(name, url, proc.pid, query, n, args.think))
    finally:
        for _, proc in servers.values():
            proc.terminate()
            proc.wait(timeout=30)
    (ROOT / "bench" / "load_results.json").write_text(json.dumps(
        {"machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                     "load_average": os.getloadavg()},
         "think_s": args.think, "instruments": args.instruments, "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
