"""The researcher login's back-off rules, on an injected clock (no waiting, no timings)."""

from app_pages.throttle import LoginThrottle


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def throttle(**options) -> tuple[LoginThrottle, Clock]:
    clock = Clock()
    return LoginThrottle(clock=clock, **options), clock


def test_a_client_gets_free_attempts_then_a_doubling_wait_up_to_the_cap():
    t, clock = throttle(free=3, base=1, cap=300, global_free=10_000)
    waits = []
    for _ in range(14):
        assert t.wait("a") == 0
        t.failed("a")
        waits.append(t.wait("a"))
        clock.now += waits[-1]
    assert waits == [0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]
    assert t.wait("b") == 0  # another client is not held back


def test_the_right_password_resets_the_client():
    t, clock = throttle(free=3, global_free=10_000)
    for _ in range(5):
        clock.now += t.wait("a")
        t.failed("a")
    assert t.wait("a") > 0
    clock.now += t.wait("a")
    t.succeeded("a")
    t.failed("a")
    assert t.wait("a") == 0


def test_many_clients_together_hit_the_global_back_off():
    t, clock = throttle(free=3, global_free=20, window=60, global_cap=60)
    for k in range(20):
        t.failed(f"client-{k}")  # each client only once: no per-client wait
    assert t.wait("fresh") == 0
    t.failed("client-20")
    assert t.wait("fresh") == 1  # the 21st failure within a minute holds everyone back
    clock.now += 1
    t.failed("client-21")
    assert t.wait("fresh") == 2
    clock.now += 2
    t.failed("client-22")
    assert t.wait("fresh") == 4  # it goes on doubling while failures keep coming
    clock.now += 120  # two quiet windows end it
    assert t.wait("fresh") == 0
    t.failed("client-23")
    assert t.wait("fresh") == 0


def test_guesses_per_hour_from_one_client_and_from_many():
    """The figures the issue asks for: one client guessing as fast as allowed for an hour, and
    an attacker who uses a new identity for every guess."""
    t, clock = throttle()
    start, guesses = clock.now, 0
    while clock.now < start + 3600:
        clock.now += t.wait("one")
        t.failed("one")
        guesses += 1
    assert guesses <= 25  # 3 free, then 1 s doubling to 300 s: 23 an hour (was 12,600-19,000)
    t, clock = throttle()
    start, guesses = clock.now, 0
    while clock.now < start + 3600:
        clock.now += max(t.wait(f"id-{guesses}"), 0.2)  # 5 guesses a second at most, as measured
        t.failed(f"id-{guesses}")
        guesses += 1
    assert guesses <= 100  # 20 free, then the global wait doubling to 60 s: 79 an hour


def test_memory_is_bounded():
    t, _ = throttle(max_clients=100, global_free=10**9)
    for k in range(1000):
        t.failed(f"c{k}")
    assert len(t._clients) == 100
