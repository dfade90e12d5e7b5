"""Guesses an attacker gets through the researcher login's back-off in an hour, on a simulated
clock (app_pages/throttle.py with the app's settings). Prints a table.

    python bench/login_backoff.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app_pages.throttle import LoginThrottle  # noqa: E402

RATE = 5.3  # guesses a second one client managed without back-off (issue 17's attack review)


def hour(rotate: bool) -> tuple[int, float]:
    now = [0.0]
    t = LoginThrottle(clock=lambda: now[0])
    guesses, longest = 0, 0.0
    while now[0] < 3600:
        client = f"id-{guesses}" if rotate else "one"
        wait = t.wait(client)
        longest = max(longest, wait)
        now[0] += max(wait, 1 / RATE)
        t.failed(client)
        guesses += 1
    return guesses, longest


def main() -> None:
    print(f"{'attacker, one hour':<46} {'guesses':>8} {'longest wait s':>15}")
    print(f"{'before: no back-off, ' + str(RATE) + ' guesses/s':<46} {int(3600 * RATE):>8} {0:>15}")
    for label, rotate in (("one client", False), ("a new client identity for every guess", True)):
        guesses, longest = hour(rotate)
        print(f"{label:<46} {guesses:>8} {longest:>15.0f}")


if __name__ == "__main__":
    main()
