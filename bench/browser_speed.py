"""The speed a person feels on "Vet a guide", in real headless Chromium, beside a minimal page.

    python bench/browser_speed.py                 # 3 rounds each, alternating (about 3 minutes)
    python bench/browser_speed.py --rounds 5 --ports 8570 8571 8572 --before /path/to/a/checkout/of/main

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
around each answer (the quiet window included, the same for both pages); the server's figure is
less its idle rate (measured over 3 s with nobody on it: Streamlit polls its config file).

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
      if (b.firstMessage === null) { b.firstMessage = b.lastMessage; }
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
  const asked = performance.now();
  let el = find();
  while (!el) {  // a run (e.g. the browser storage's first answer) can still be drawing it
    if (performance.now() - asked > timeout) { return {error: 'nothing to click'}; }
    await new Promise(r => setTimeout(r, 20));
    el = find();
  }
  b.sawRunning = false;
  b.messages = 0;
  b.bytes = 0;
  const t0 = performance.now();
  b.last = t0;
  b.lastMessage = t0;
  b.firstMessage = null;
  el.click();
  while (true) {
    await new Promise(r => setTimeout(r, 5));
    const now = performance.now();
    const app = document.querySelector('[data-testid="stApp"]');
    const idle = app && app.getAttribute('data-test-script-state') === 'notRunning';
    const ran = b.sawRunning || b.messages > 0;
    if (ran && idle && ok() && now - Math.max(b.last, b.lastMessage) >= quiet) {
      return {ms: b.last - t0, messages: b.messages, bytes: b.bytes, first_message: b.firstMessage - t0,
              last_message: b.lastMessage - t0};
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
def served(script: str, port: int, cwd: Path = ROOT):
    env = dict(os.environ, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
                             "--server.port", str(port), "--server.address", "127.0.0.1"], cwd=cwd, env=env,
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
        time.sleep(1)
        if proc.poll() is not None:  # another server answered on that port
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


_IDLE: dict[int, float] = {}


def idle_rate(server) -> float:
    """CPU seconds a second the server spends with nobody on it (measured once, over 3 s)."""
    if server.pid not in _IDLE:
        start, t0 = cpu([server.pid]), time.monotonic()
        time.sleep(3)
        _IDLE[server.pid] = (cpu([server.pid]) - start) / (time.monotonic() - t0)
    return _IDLE[server.pid]


def browser_pids() -> list[int]:
    return [p.pid for p in psutil.Process().children(recursive=True) if "chrom" in p.name().lower()]


def load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def one_round(browser, url: str, server, parts: int, timeout: int) -> dict:
    """Open Vet a guide in a fresh context, press Start, answer `parts` parts: the timings in ms."""
    out = {"open_visible": None, "open_settled": None, "start": None, "answer": [], "next": [],
           "answer_messages": [], "answer_bytes": [], "answer_first_message": [], "answer_last_message": [],
           "errors": [],
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
                before = cpu([server.pid]), cpu(pids), time.monotonic()
                result = page.evaluate(CLICK, [target, done, QUIET, timeout])
                # less what the server spends when idle (Streamlit polls its config file)
                server_cpu += cpu([server.pid]) - before[0] - idle_rate(server) * (time.monotonic() - before[2])
                browser_cpu += cpu(pids) - before[1]
                clicks += 1
                if "error" in result:
                    out["errors"].append(f"answer: {result}")
                    continue
                out["answer"].append(result["ms"])
                out["answer_messages"].append(result["messages"])
                out["answer_bytes"].append(result["bytes"])
                out["answer_first_message"].append(result["first_message"])
                out["answer_last_message"].append(result["last_message"])
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
    for key in ("answer_messages", "answer_bytes", "answer_first_message", "answer_last_message"):
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
    parser.add_argument("--ports", type=int, nargs="+", default=[8570, 8571, 8572])
    parser.add_argument("--before", metavar="DIR", help="also GuideCheck from another checkout (e.g. of main), "
                        "measured in the same run, alternating with the others")
    parser.add_argument("--timeout", type=int, default=30000, help="ms before a step counts as failed")
    parser.add_argument("--out", default=str(ROOT / "bench" / "browser_results.json"))
    parser.add_argument("--label", default="", help="a note stored with the results")
    args = parser.parse_args()
    pages = {name: (ROOT, script) for name, script in PAGES.items()}
    if args.before:
        pages["GuideCheck before"] = (Path(args.before).resolve(), "app.py")
    started = time.time()
    print(f"load average at start: {load()}", flush=True)
    rounds = {name: [] for name in pages}
    with contextlib.ExitStack() as stack:
        servers = {name: stack.enter_context(served(script, port, cwd))
                   for (name, (cwd, script)), port in zip(pages.items(), args.ports, strict=False)}
        p = stack.enter_context(sync_playwright())
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for url, proc in servers.values():  # warm-up: Streamlit's first run imports the page's modules
            one_round(browser, url, proc, 1, args.timeout)
        idle = {name: round(1000 * idle_rate(proc), 1) for name, (_, proc) in servers.items()}
        print(f"  servers' idle CPU, ms a second: {idle}", flush=True)
        for k in range(args.rounds):
            order = list(servers)[k % len(servers):] + list(servers)[:k % len(servers)]  # rotate who goes first
            for name in order:
                url, proc = servers[name]
                r = one_round(browser, url, proc, args.parts, args.timeout)
                rounds[name].append(r)
                print(f"  round {k + 1} {name}: open {r['open_visible'] or 0:.0f} ms, answers median "
                      f"{statistics.median(r['answer']) if r['answer'] else 0:.0f} ms, load {r['load']}"
                      + (f", errors {r['errors']}" if r["errors"] else ""), flush=True)
        browser.close()
    results = {name: summary(r) for name, r in rounds.items()}
    base = results["minimal page"]
    rows = [("first question visible after opening Vet a guide", "open_visible"),
            ("page settled after opening Vet a guide", "open_settled"),
            ("Start to first part settled", "start"), ("answer click to settled", "answer"),
            ("Next to next part settled", "next")]
    ratios = {name: {} for name in results if name != "minimal page"}
    print("\nmedian / p90 in ms; ratio: median / the minimal page's median; n per page in brackets")
    print(f"{'measure':50}" + "".join(f"{name:>26}" for name in results) + "".join(
        f"{'ratio ' + name:>26}" for name in ratios))
    for label, key in rows:
        line = f"{label:50}"
        for res in results.values():
            cell = f"{res[key]['median_ms']} / {res[key]['p90_ms']} ({res[key]['n']})"
            line += f"{cell:>26}"
        for name in ratios:
            a, b = results[name][key]["median_ms"], base[key]["median_ms"]
            ratios[name][key] = round(a / b, 2) if a and b else None
            line += f"{str(ratios[name][key]) + 'x':>26}"
        print(line)
    for key in ("server_cpu_per_answer_ms", "browser_cpu_per_answer_ms", "answer_messages_median",
                "answer_bytes_median", "answer_first_message_median", "answer_last_message_median"):
        print(f"{key:50}" + "".join(f"{str(res[key]):>26}" for res in results.values()))
    print(f"load average at end: {load()}  ({time.time() - started:.0f} s)")
    Path(args.out).write_text(json.dumps({
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "label": args.label, "rounds": args.rounds, "parts": args.parts, "quiet_ms": QUIET,
        "before": args.before, "idle_server_cpu_ms_per_s": idle, "seconds": round(time.time() - started, 1),
        "ratios_median": ratios, "results": results, "raw": rounds}, indent=1) + "\n")
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
