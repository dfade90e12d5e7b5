"""Back-off for the researcher login: per client and for everyone at once (no Streamlit here, and
the clock is injected, so the rules are tested without waiting).

- A client gets ``free`` wrong passwords; after that each attempt must wait ``base`` seconds,
  doubling with every further wrong one up to ``cap``. The right password resets the client.
- Everyone together: more than ``global_free`` wrong passwords within ``window`` seconds (from
  any number of clients, or a client that keeps changing its identity) puts every attempt
  behind a shared wait that doubles the same way, up to ``global_cap``, with every further
  wrong password until none has come for two windows.
- An attempt made during a wait is refused without looking at the password.

Hand-written rather than a library: the limiters on PyPI (limits, slowapi) count requests per
fixed window for web frameworks; this needs exponential back-off on failures only, inside
Streamlit's threads, bounded in memory.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Client:
    failures: int = 0
    wait_until: float = 0.0


class LoginThrottle:
    def __init__(self, *, free: int = 3, base: float = 1.0, cap: float = 300.0, global_free: int = 20,
                 window: float = 60.0, global_cap: float = 60.0, max_clients: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.free, self.base, self.cap = free, base, cap
        self.global_free, self.window, self.global_cap = global_free, window, global_cap
        self.max_clients, self.clock = max_clients, clock
        self._clients: OrderedDict[str, _Client] = OrderedDict()
        self._recent: deque[float] = deque()  # times of recent failures, everyone's
        self._global_level = 0
        self._global_until = 0.0
        self._last_failure = float("-inf")
        self._lock = threading.Lock()

    def wait(self, client: str) -> float:
        """Seconds this client must wait before its next attempt (0: it may try now)."""
        with self._lock:
            now = self.clock()
            own = self._clients.get(client)
            return max(0.0, (own.wait_until if own else 0.0) - now, self._global_until - now)

    def failed(self, client: str) -> int:
        """Record a wrong password; returns the client's wrong passwords in a row."""
        with self._lock:
            now = self.clock()
            own = self._clients.pop(client, None) or _Client()
            own.failures += 1
            if own.failures >= self.free:
                own.wait_until = now + min(self.cap, self.base * 2 ** (own.failures - self.free))
            self._clients[client] = own  # most recent last
            while len(self._clients) > self.max_clients:
                self._clients.popitem(last=False)
            self._recent.append(now)
            while self._recent and self._recent[0] <= now - self.window:
                self._recent.popleft()
            if now - self._last_failure >= 2 * self.window:
                self._global_level = 0  # a quiet spell ends a global back-off
            self._last_failure = now
            if len(self._recent) > self.global_free or self._global_level > 0:
                self._global_until = now + min(self.global_cap, self.base * 2 ** self._global_level)
                self._global_level += 1
            return own.failures

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._clients.pop(client, None)
