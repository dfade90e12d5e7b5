"""Memory soak: many participants open a study link and answer it on the real server, and the
server's memory stops growing. This keeps `runner.postScriptGC = false` honest
(.streamlit/config.toml): without Streamlit's forced collection after every run, Python's own
collector must still keep up. The figures are printed; nothing here is timed.

Streamlit keeps up to 128 disconnected sessions for two minutes (for reconnects), so memory
rightly grows over the first ~130 sessions; after that it must stay flat."""

from __future__ import annotations

import asyncio
import sys

import psutil

from tests.conftest import ROOT
from tests.e2e.conftest import serve_process

sys.path.insert(0, str(ROOT / "bench"))
import stclient  # noqa: E402

ROUNDS, PER_ROUND, AT_ONCE = 10, 20, 10
SETTLED = 6  # rounds after which Streamlit's store of disconnected sessions is full
ALLOWED_MB = 6.0  # over the last 80 sessions: a leak of 75 kB per session would show


async def _round(url: str, query: str) -> int:
    gate = asyncio.Semaphore(AT_ONCE)

    async def one() -> int:
        async with gate:
            session = await stclient.participant(url, query)
            await session.close()
            return session.runs

    return sum(await asyncio.gather(*[one() for _ in range(PER_ROUND)]))


def test_memory_stops_growing_over_many_sessions(tmp_path):
    from scoring.store import Store

    db = f"sqlite:///{tmp_path / 'soak.db'}"
    store = Store(db)
    study = store.create_study("Soak", ["working-alliance"], consent="ok")
    with serve_process(DATABASE_URL=db) as (url, proc):
        server = psutil.Process(proc.pid)
        rss, runs = [], 0
        for k in range(ROUNDS):
            runs += asyncio.run(_round(url, stclient.query(study.code)))
            rss.append(server.memory_info().rss / 2**20)
            print(f"after {(k + 1) * PER_ROUND} sessions ({runs} script runs): RSS {rss[-1]:.1f} MB", flush=True)
    assert store.count(study.id) == ROUNDS * PER_ROUND  # every participant got through
    late = max(rss[SETTLED - 1:]) - rss[SETTLED - 1]
    print(f"growth over the first {SETTLED * PER_ROUND} sessions: {rss[SETTLED - 1] - rss[0]:.1f} MB; "
          f"over the last {(ROUNDS - SETTLED) * PER_ROUND}: {late:.1f} MB")
    assert late <= ALLOWED_MB, rss
