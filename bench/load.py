"""Participants at once on one real server: per-answer times and server CPU, beside a minimal
Streamlit page with the same widgets (bench/participant_baseline.py), in the same run.

    python bench/load.py                       # 1, 5, 10, 25, 50 participants; three servers
    python bench/load.py --sizes 1 5 --think 0.5
    python bench/load.py --sizes 50 --servers app app-x2 baseline --out bench/load_results_x2.json

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
  app-x2         two processes of the app (same config, same database) behind HAProxy on this
                 machine, run with deploy/haproxy.cfg as it is (sticky cookie GCSERVER, health
                 check); the clients connect to the balancer and keep its cookie, so each stays on
                 one process. One Streamlit server is one Python process, held to one core by the
                 GIL; two processes can use both cores of a 2-core server.
  baseline       bench/participant_baseline.py, with this repository's config
Server CPU is the server processes' user+system time over the group (for app-x2 both app
processes; HAProxy's own CPU is printed apart), per answer/click sent.
Prints a table and writes bench/load_results.json (or --out). Nothing here asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
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
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"


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


def balancer(port: int, app1: int, app2: int) -> subprocess.Popen:
    """HAProxy with deploy/haproxy.cfg as deployed, in front of two app servers on this machine."""
    env = dict(os.environ, GC_BIND=f"127.0.0.1:{port}", GC_APP1=f"127.0.0.1:{app1}", GC_APP2=f"127.0.0.1:{app2}")
    proc = subprocess.Popen([HAPROXY, "-db", "-f", str(ROOT / "deploy" / "haproxy.cfg")], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # both servers up in HAProxy's health checks (rise 2, inter 1s) before anyone is sent through
    for _ in range(120):
        try:
            if len({stclient_server(port) for _ in range(6)}) == 2:  # round robin: both answer
                return proc
        except OSError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise RuntimeError(f"HAProxy did not bring both servers up on port {port}")


def stclient_server(port: int) -> str:
    """Which server the balancer sends a new browser to (its GCSERVER cookie)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as response:
        response.read()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            if cookie.startswith("GCSERVER="):
                return cookie.split(";", 1)[0].split("=", 1)[1]
    return ""


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else float("nan")


async def group(url: str, query: str, n: int, think: float, seed: int) -> dict:
    answers: list[float] = []
    loads: list[float] = []  # page load: HTTP page, WebSocket, first script run
    runs = 0
    failures = 0

    servers: list[str] = []  # the balancer's cookie per participant ("" without a balancer)

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
        servers.append(session.server)
        runs += session.runs
        await session.close()

    await asyncio.gather(*[one(k) for k in range(n)])
    return {"answers": answers, "loads": loads, "runs": runs, "failures": failures, "servers": servers}


def measure(name: str, url: str, pids: list[int], query: str, n: int, think: float, lb_pid: int | None = None) -> dict:
    procs = [psutil.Process(pid) for pid in pids]
    lb = psutil.Process(lb_pid) if lb_pid else None
    me = psutil.Process()

    def cpu_each() -> list[float]:
        return [sum(p.cpu_times()[:2]) for p in procs]

    each0, mine0, wall0 = cpu_each(), sum(me.cpu_times()[:2]), time.perf_counter()
    lb0 = sum(lb.cpu_times()[:2]) if lb else 0.0
    out = asyncio.run(group(url, query, n, think, seed=n))
    wall = time.perf_counter() - wall0
    each = [b - a for a, b in zip(each0, cpu_each(), strict=True)]
    cpu = sum(each)
    row = {"server": name, "participants": n, "answers": len(out["answers"]), "runs": out["runs"],
           "failures": out["failures"],
           "median_ms": 1000 * statistics.median(out["answers"]) if out["answers"] else float("nan"),
           "p95_ms": 1000 * pct(out["answers"], 0.95),
           "load_median_ms": 1000 * statistics.median(out["loads"]) if out["loads"] else float("nan"),
           "cpu_ms_per_run": 1000 * cpu / max(out["runs"], 1),
           "server_cpu_share": cpu / wall,
           "driver_cpu_s": sum(me.cpu_times()[:2]) - mine0,
           "rss_mb": sum(p.memory_info().rss for p in procs) / 2**20,
           "load_average": os.getloadavg()}
    if len(procs) > 1:
        row["cpu_share_per_process"] = [c / wall for c in each]
        row["participants_per_process"] = {s: out["servers"].count(s) for s in sorted(set(out["servers"]))}
    if lb:
        row["balancer_cpu_s"] = sum(lb.cpu_times()[:2]) - lb0
    print(f"  {name:13} {n:3d} at once: answer median {row['median_ms']:7.0f} ms  p95 {row['p95_ms']:7.0f} ms  "
          f"load {row['load_median_ms']:6.0f} ms  server CPU {row['cpu_ms_per_run']:6.1f} ms/run "
          f"({row['server_cpu_share']:.2f} cores)  "
          f"RSS {row['rss_mb']:.0f} MB  failures {row['failures']}  (driver CPU {row['driver_cpu_s']:.1f} s)"
          f"  load {row['load_average'][0]:.2f}", flush=True)
    if len(procs) > 1:
        print(f"  {'':13} per process: {' + '.join(f'{c:.2f}' for c in row['cpu_share_per_process'])} cores, "
              f"participants {row['participants_per_process']}, HAProxy CPU {row.get('balancer_cpu_s', 0):.1f} s",
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
    parser.add_argument("--out", default=str(ROOT / "bench" / "load_results.json"), help="where to write the rows")
    args = parser.parse_args()

    from scoring.store import Store

    tmp = tempfile.mkdtemp(prefix="guidecheck-load-")
    db = args.database or f"sqlite:///{tmp}/load.db"
    study = Store(db).create_study("Load test", args.instruments.split(","), consent="Consent text.")
    env = {"DATABASE_URL": db, "BENCH_INSTRUMENTS": args.instruments}
    specs = {"app": ("app.py", []), "app-defaults": ("app.py", DEFAULTS), "app-x2": ("app.py", []),
             "baseline": ("bench/participant_baseline.py", [])}
    servers: dict = {}  # name -> (url the clients use, measured server processes, balancer or None)
    first = args.base_port if args.base_port != 18600 else 18600 + 10 * (os.getpid() % 9)
    ports = iter(range(first, first + 100))  # each server and balancer takes the next port

    warm = []  # every server, directly, and every balancer
    try:
        for name in args.servers:
            script, extra = specs[name]
            if name == "app-x2":
                p1, p2, pb = next(ports), next(ports), next(ports)
                procs = [start(script, p1, env, extra), start(script, p2, env, extra)]
                servers[name] = (f"http://127.0.0.1:{pb}", procs, None)  # stopped below even if HAProxy fails
                servers[name] = (f"http://127.0.0.1:{pb}", procs, balancer(pb, p1, p2))
                warm += [f"http://127.0.0.1:{p1}", f"http://127.0.0.1:{p2}", f"http://127.0.0.1:{pb}"]
            else:
                port = next(ports)
                servers[name] = (f"http://127.0.0.1:{port}", [start(script, port, env, extra)], None)
                warm.append(f"http://127.0.0.1:{port}")
        query = stclient.query(study.code)
        for url in warm:  # warm each server up (first imports, caches) before measuring
            asyncio.run(group(url, query, 1, 0.0, seed=0))
        print(f"{os.cpu_count()} cores, Python {platform.python_version()}, think {args.think} s, "
              f"instruments {args.instruments}")
        rows = []
        for n in args.sizes:
            for name, (url, procs, lb) in servers.items():
                if name == "app-defaults" and n > args.defaults_up_to:
                    continue
                rows.append(measure(name, url, [p.pid for p in procs], query, n, args.think,
                                    lb.pid if lb else None))
    finally:
        for _, procs, lb in servers.values():
            for proc in procs + ([lb] if lb else []):
                proc.terminate()
                proc.wait(timeout=30)
    Path(args.out).write_text(json.dumps(
        {"machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                     "load_average": os.getloadavg()},
         "think_s": args.think, "instruments": args.instruments, "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
