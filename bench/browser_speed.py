"""The speed a person feels on "Vet a guide", in real headless Chromium, beside a minimal page.

    python bench/browser_speed.py                 # 3 rounds each, alternating (about 3 minutes)
    python bench/browser_speed.py --rounds 5 --ports 8570 8571

Starts two servers with `streamlit run` from the repository root (so both read the repository's
.streamlit/config.toml): GuideCheck (app.py) and bench/vet_baseline.py, a minimal hand-written page
with the same widgets and nothing else. Then, in one Chromium and alternating between the two (a
fresh browser context, so empty browser storage, for every round), it walks the call before booking
as a person would: open Vet a guide, press Start, answer every question of the first parts with a
click, press Next between parts.

What is measured, the same way on both pages, with the browser's own clock (performance.now(), so
Playwright's round trips are not in the figures):

- open: from the start of the navigation to /vet until the first question (radio) of the page is
  visible, and until the page has settled (below);
- start: from the click on Start until the first part has settled;
- answer: from a click on an answer until the page has settled;
- next: from the click on Next until the next part has settled.

Settled: the server answered the click (at least one message on Streamlit's WebSocket, or stApp's
data-test-script-state seen "running"), the app is not running (data-test-script-state is
"notRunning"), the expected result is on the page (the clicked option is checked; the next part's
progress text is shown), and neither a DOM mutation nor a WebSocket message happened for QUIET ms.
The figure is the time of the last DOM mutation before that quiet window, minus the time of the
click: when the page stopped changing. The messages and bytes the server sent per answer are
counted too. CPU seconds of the server process and of Chromium's processes are read from /proc
around each answer (the quiet window included, the same for both pages).

Prints a table and writes bench/browser_results.json. Nothing here asserts.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"GuideCheck": "app.py", "minimal page": "bench/vet_baseline.py"}
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
QUIET = 300  # ms without a DOM mutation that counts as settled

# Installed in every page before its own scripts: the time of the last DOM mutation, and whether
# the app reported a script run since the mark was reset.
WATCH = """
window.__bench = {last: performance.now(), sawRunning: false, messages: 0, bytes: 0, lastMessage: 0};
// Streamlit's messages from the server, counted as they arrive (a quick run can start and end
// within one React update, so the "running" state is not always seen in the DOM)
window.WebSocket = class extends window.WebSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', (e) => {
      const b = window.__bench;
      b.messages += 1;
      b.bytes += e.data.byteLength ?? e.data.size ?? e.data.length ?? 0;
      b.lastMessage = performance.now();
    });
  }
};
new MutationObserver((records) => {
  window.__bench.last = performance.now();
  for (const r of records) {  // a run can start and end between two deliveries: the old value tells
    if (r.attributeName === 'data-test-script-state' && (r.oldValue === 'running'
        || r.target.getAttribute('data-test-script-state') === 'running')) { window.__bench.sawRunning = true; }
  }
}).observe(document, {subtree: true, childList: true, attributes: true, characterData: true,
                      attributeOldValue: true});
"""

# Click `target` (a function returning the element) and wait until settled and `done` holds.
CLICK = """
async ([target, done, quiet, timeout]) => {
  const find = new Function(target), ok = new Function(done), b = window.__bench;
  const el = find();
  if (!el) { return {error: 'nothing to click'}; }
  b.sawRunning = false;
  b.messages = 0;
  b.bytes = 0;
  const t0 = performance.now();
  b.last = t0;
  b.lastMessage = t0;
  el.click();
  while (true) {
    await new Promise(r => setTimeout(r, 5));
    const now = performance.now();
    const app = document.querySelector('[data-testid="stApp"]');
    const idle = app && app.getAttribute('data-test-script-state') === 'notRunning';
    const ran = b.sawRunning || b.messages > 0;
    if (ran && idle && ok() && now - Math.max(b.last, b.lastMessage) >= quiet) {
      return {ms: b.last - t0, messages: b.messages, bytes: b.bytes};
    }
    if (now - t0 > timeout) { return {error: 'timeout', ran: ran, idle: idle, ok: ok()}; }
  }
}
"""

OPENED = """
async ([quiet, timeout]) => {
  const b = window.__bench;
  let visible = null;
  while (true) {
    await new Promise(r => setTimeout(r, 5));
    const now = performance.now();
    const radio = document.querySelector('[data-testid="stMain"] [data-testid="stRadio"]');
    if (visible === null && radio && radio.getBoundingClientRect().height > 0) { visible = now; }
    const app = document.querySelector('[data-testid="stApp"]');
    const idle = app && app.getAttribute('data-test-script-state') === 'notRunning';
    if (visible !== null && idle && now - b.last >= quiet) { return {visible: visible, settled: b.last}; }
    if (now > timeout) { return {error: 'timeout'}; }
  }
}
"""


def main_radios(k: int | None = None) -> str:
    """JS: the radio groups of the page's main area (not the sidebar), or the k-th of them."""
    groups = "[...document.querySelectorAll('[data-testid=\"stMain\"] [data-testid=\"stRadio\"]')]"
    return groups if k is None else f"{groups}[{k}]"


def button(name: str) -> str:
    return (f"return [...document.querySelectorAll('[data-testid=\"stMain\"] button')]"
            f".find(b => b.innerText.trim() === {json.dumps(name)} && !b.disabled);")


def progress_says(text: str) -> str:
    return (f"const p = document.querySelector('[data-testid=\"stProgress\"]');"
            f"return !!p && p.innerText.includes({json.dumps(text)}) && {main_radios()}.length > 0;")


@contextlib.contextmanager
def served(script: str, port: int):
    env = dict(os.environ, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
                             "--server.port", str(port), "--server.address", "127.0.0.1"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.5)
        else:
            raise SystemExit(f"{script} did not start: " + proc.stderr.read().decode()[-2000:])
        yield url, proc
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def cpu(pids) -> float:
    total = 0.0
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            times = psutil.Process(pid).cpu_times()
            total += times.user + times.system
    return total


def browser_pids() -> list[int]:
    return [p.pid for p in psutil.Process().children(recursive=True) if "chrom" in p.name().lower()]


def load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def one_round(browser, url: str, server, parts: int, timeout: int) -> dict:
    """Open Vet a guide in a fresh context, press Start, answer `parts` parts: the timings in ms."""
    out = {"open_visible": None, "open_settled": None, "start": None, "answer": [], "next": [],
           "answer_messages": [], "answer_bytes": [], "errors": [],
           "server_cpu_per_answer": None, "browser_cpu_per_answer": None, "load": load()}
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(WATCH)
    page = context.new_page()
    try:
        page.goto(f"{url}/vet?lang=en", wait_until="commit")
        opened = page.evaluate(OPENED, [QUIET, timeout])
        if "error" in opened:
            out["errors"].append("open: " + opened["error"])
            return out
        out["open_visible"], out["open_settled"] = opened["visible"], opened["settled"]
        result = page.evaluate(CLICK, [button("Start"), progress_says("Part 1 of"), QUIET, timeout])
        if "error" in result:
            out["errors"].append(f"start: {result}")
            return out
        out["start"] = result["ms"]
        server_cpu, browser_cpu, clicks = 0.0, 0.0, 0
        for part in range(parts):
            groups = page.evaluate(f"() => {main_radios()}.length")
            for k in range(groups):
                option = ("Yes", "No", "I don't know")[(part + k) % 3]
                target = (f"return [...{main_radios(k)}.querySelectorAll('label')]"
                          f".find(l => l.innerText.trim() === {json.dumps(option)});")
                done = (f"const g = {main_radios(k)};"
                        f"const c = g && g.querySelector('input:checked');"
                        f"return !!c && c.closest('label').innerText.trim() === {json.dumps(option)};")
                pids = browser_pids()
                before = cpu([server.pid]), cpu(pids)
                result = page.evaluate(CLICK, [target, done, QUIET, timeout])
                server_cpu += cpu([server.pid]) - before[0]
                browser_cpu += cpu(pids) - before[1]
                clicks += 1
                if "error" in result:
                    out["errors"].append(f"answer: {result}")
                    continue
                out["answer"].append(result["ms"])
                out["answer_messages"].append(result["messages"])
                out["answer_bytes"].append(result["bytes"])
            if part < parts - 1:
                result = page.evaluate(CLICK, [button("Next"), progress_says(f"Part {part + 2} of"), QUIET, timeout])
                if "error" in result:
                    out["errors"].append(f"next: {result}")
                    return out
                out["next"].append(result["ms"])
        # CPU over the whole click, including the quiet window (the same for both pages)
        out["server_cpu_per_answer"] = server_cpu / max(clicks, 1)
        out["browser_cpu_per_answer"] = browser_cpu / max(clicks, 1)
        return out
    finally:
        context.close()


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def summary(rounds: list[dict]) -> dict:
    def pick(key):
        values = []
        for r in rounds:
            value = r[key]
            values.extend(value if isinstance(value, list) else [] if value is None else [value])
        return values

    out = {}
    for key in ("open_visible", "open_settled", "start", "answer", "next"):
        values = pick(key)
        out[key] = {"n": len(values), "median_ms": round(statistics.median(values), 1) if values else None,
                    "p90_ms": round(p90(values), 1) if values else None}
    for key in ("answer_messages", "answer_bytes"):
        values = pick(key)
        out[key + "_median"] = statistics.median(values) if values else None
    for key in ("server_cpu_per_answer", "browser_cpu_per_answer"):
        values = pick(key)
        out[key + "_ms"] = round(1000 * statistics.median(values), 1) if values else None
    out["errors"] = [e for r in rounds for e in r["errors"]]
    out["load"] = [r["load"] for r in rounds]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds per page (default 3)")
    parser.add_argument("--parts", type=int, default=3, help="parts answered per round (default 3: 14 answers)")
    parser.add_argument("--ports", type=int, nargs=2, default=[8570, 8571])
    parser.add_argument("--timeout", type=int, default=30000, help="ms before a step counts as failed")
    parser.add_argument("--out", default=str(ROOT / "bench" / "browser_results.json"))
    parser.add_argument("--label", default="", help="a note stored with the results (e.g. 'before')")
    args = parser.parse_args()
    started = time.time()
    print(f"load average at start: {load()}", flush=True)
    rounds = {name: [] for name in PAGES}
    with served(PAGES["GuideCheck"], args.ports[0]) as app, served(PAGES["minimal page"], args.ports[1]) as base, \
            sync_playwright() as p:
        servers = {"GuideCheck": app, "minimal page": base}
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name, (url, _) in servers.items():  # warm-up: Streamlit's first run imports the page's modules
            one_round(browser, url, servers[name][1], 1, args.timeout)
        for k in range(args.rounds):
            order = list(PAGES) if k % 2 == 0 else list(PAGES)[::-1]  # alternate which goes first
            for name in order:
                url, proc = servers[name]
                r = one_round(browser, url, proc, args.parts, args.timeout)
                rounds[name].append(r)
                print(f"  round {k + 1} {name}: open {r['open_visible'] or 0:.0f} ms, answers median "
                      f"{statistics.median(r['answer']) if r['answer'] else 0:.0f} ms, load {r['load']}"
                      + (f", errors {r['errors']}" if r["errors"] else ""), flush=True)
        browser.close()
    results = {name: summary(r) for name, r in rounds.items()}
    app_s, base_s = results["GuideCheck"], results["minimal page"]
    rows = [("first question visible after opening Vet a guide", "open_visible"),
            ("page settled after opening Vet a guide", "open_settled"),
            ("Start to first part settled", "start"), ("answer click to settled", "answer"),
            ("Next to next part settled", "next")]
    print(f"\n{'measure':52} {'GuideCheck median / p90':>24} {'minimal median / p90':>22} {'ratio (median)':>15}")
    ratios = {}
    for label, key in rows:
        a, b = app_s[key], base_s[key]
        ratio = a["median_ms"] / b["median_ms"] if a["median_ms"] and b["median_ms"] else None
        ratios[key] = round(ratio, 2) if ratio else None
        print(f"{label + f' (n={a[chr(110)]}/{b[chr(110)]})':52} {a['median_ms']:>11} / {a['p90_ms']:<10} "
              f"{b['median_ms']:>9} / {b['p90_ms']:<10} {ratio or 0:>14.2f}x")
    for key in ("server_cpu_per_answer_ms", "browser_cpu_per_answer_ms", "answer_messages_median",
                "answer_bytes_median"):
        print(f"{key:52} {app_s[key]:>24} {base_s[key]:>22}")
    print(f"load average at end: {load()}  ({time.time() - started:.0f} s)")
    Path(args.out).write_text(json.dumps({
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "label": args.label, "rounds": args.rounds, "parts": args.parts, "quiet_ms": QUIET,
        "seconds": round(time.time() - started, 1), "ratios_median": ratios, "results": results,
        "raw": rounds}, indent=1) + "\n")
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
