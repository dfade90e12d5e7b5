"""Fault runs for research mode's storage (issue 17): bursts of participant submissions while the
database is hurt, then a count of sent / acknowledged / stored once. A participant whose send fails
presses send again (up to 5 times) with the same submission key, as the page tells them to.

    python bench/fault_runs.py --sqlite /tmp/faults.db          # two writer processes, one killed -9
    python bench/fault_runs.py --postgresql URL                  # connections terminated mid-burst

The PostgreSQL run terminates only the connections to the database named in URL (never another
database on the same server): use a database of your own. Prints a table; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import signal
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, func, select, text  # noqa: E402

from scoring import load_folder, score_response  # noqa: E402
from scoring.store import Store, StoreError, database_url, responses  # noqa: E402

QUESTIONNAIRES = Path(__file__).resolve().parent.parent / "questionnaires"
RETRIES = 5


def _answers(k: int) -> dict:
    return {f"wa_{d}_{i}": 1 + (k + i) % 5 for d in ("goal", "task", "bond") for i in range(1, 5)}


def participants(url: str, code: str, count: int, acks: str, seed: int, shared: Store | None = None) -> None:
    """One app server's worth of participants: each sends once, and again after a failure. With
    ``shared``, they use that server's store (one per process, as the app keeps it)."""
    wa = load_folder(QUESTIONNAIRES)["working-alliance"]
    store = shared or again(lambda: Store(url))  # the page says "cannot be reached", the person reloads
    study = again(lambda: store.study(code))
    rng = random.Random(seed)
    with open(acks, "a", encoding="utf-8") as out:
        for _ in range(count):
            key = uuid.uuid4().hex
            out.write(json.dumps({"sent": key}) + "\n")
            out.flush()
            answers = _answers(rng.randrange(100))
            for _ in range(RETRIES):
                try:
                    store.submit(study, key, {"working-alliance": (wa, answers, score_response(wa, answers))},
                                 provider=None, language="en")
                except StoreError:
                    time.sleep(0.05)
                    continue
                out.write(json.dumps({"ack": key}) + "\n")  # the page said "thanks"
                out.flush()
                os.fsync(out.fileno())
                break
    if shared is None:
        store.dispose()


def again(make, tries: int = 50):
    for _ in range(tries - 1):
        try:
            return make()
        except StoreError:
            time.sleep(0.1)
    return make()


def reader(url: str, code: str, seconds: float, out: str) -> None:
    """A second server's researcher reading the dashboard's figures over and over."""
    wa = load_folder(QUESTIONNAIRES)["working-alliance"]
    store = Store(url)
    study = store.study(code)
    reads = failed = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            n, upto = store.snapshot(study.id, wa.id, wa.content_hash, study.min_group)
            store.vectors(study.id, wa, wa.content_hash, upto)
            store.count(study.id)
            reads += 1
        except StoreError:
            failed += 1
    Path(out).write_text(json.dumps({"reads": reads, "failed": failed}), encoding="utf-8")
    store.dispose()


def tally(url: str, acks: list[Path]) -> dict:
    sent, acked = set(), set()
    for path in acks:
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                row = json.loads(line)
            except ValueError:
                continue  # a line cut by kill -9
            (sent if "sent" in row else acked).add(row.get("sent") or row.get("ack"))
    engine = create_engine(database_url(url))
    with engine.connect() as conn:
        counts = dict(conn.execute(select(responses.c.submission, func.count()).group_by(responses.c.submission)).all())
    engine.dispose()
    return {"sent": len(sent), "acknowledged": len(acked),
            "acknowledged and stored once": sum(1 for k in acked if counts.get(k) == 1),
            "acknowledged but lost": sum(1 for k in acked if k not in counts),
            "stored twice or more": sum(1 for n in counts.values() if n > 1),
            "stored, not acknowledged": sum(1 for k in counts if k in sent and k not in acked)}


def run_sqlite(path: str, per_process: int) -> dict:
    url = f"sqlite:///{path}"
    code = Store(url).create_study("fault run", ["working-alliance"]).code
    folder = Path(path).parent
    acks = [folder / f"acks-{n}.jsonl" for n in range(3)]
    for a in acks:
        a.unlink(missing_ok=True)
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=participants, args=(url, code, per_process, str(a), n)) for n, a in enumerate(acks)]
    for p in procs:
        p.start()
    read = folder / "reads.json"
    looker = ctx.Process(target=reader, args=(url, code, 8.0, str(read)))
    looker.start()
    time.sleep(3)
    os.kill(procs[0].pid, signal.SIGKILL)  # one server killed -9 in the middle of its burst
    for p in procs + [looker]:
        p.join()
    result = tally(url, acks)
    reads = json.loads(read.read_text(encoding="utf-8"))
    result["dashboard reads meanwhile"] = reads["reads"]
    result["reads failed (database is locked)"] = reads["failed"]
    return result


def run_postgresql(url: str, count: int, threads: int) -> dict:
    server = Store(url)  # the app server's store, opened before the faults start
    code = server.create_study("fault run", ["working-alliance"]).code
    folder = Path(os.environ.get("TMPDIR", "/tmp"))
    acks = [folder / f"pg-acks-{os.getpid()}-{n}.jsonl" for n in range(threads)]
    for a in acks:
        a.unlink(missing_ok=True)
    stop = threading.Event()
    killed = [0]

    def killer():
        engine = create_engine(database_url(url))
        while not stop.is_set():
            with engine.connect() as conn:  # this database's other connections only
                killed[0] += conn.execute(text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
                conn.commit()
            time.sleep(0.02)
        engine.dispose()

    k = threading.Thread(target=killer)
    k.start()
    workers = [threading.Thread(target=participants, args=(url, code, count // threads, str(a), n, server))
               for n, a in enumerate(acks)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    stop.set()
    k.join()
    server.dispose()
    result = tally(url, acks)
    result["connections terminated"] = killed[0]
    for a in acks:
        a.unlink(missing_ok=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", help="a new SQLite file to write")
    parser.add_argument("--postgresql", help="the URL of a PostgreSQL database of your own")
    parser.add_argument("--count", type=int, default=150)
    args = parser.parse_args()
    if args.sqlite:
        print("SQLite, 3 writer processes on one file, one killed -9 after 3 s:")
        for name, value in run_sqlite(args.sqlite, args.count).items():
            print(f"  {name:32} {value}")
    if args.postgresql:
        print("PostgreSQL, 3 threads, every connection to the database terminated every 0.02 s:")
        for name, value in run_postgresql(args.postgresql, args.count, 3).items():
            print(f"  {name:32} {value}")


if __name__ == "__main__":
    main()
