"""Stall generators for streams: endless boolean sequences, True = stall this cycle (an idle
source cycle on the input, a not-ready cycle on the output). Seeded, so a failing pattern
replays the same way."""
from __future__ import annotations

import itertools
import random
from collections.abc import Iterator

#: Every combination of (idle source, backpressure on the sink), the regressions' default set.
CROSSED_PATTERNS: list[list[bool]] = [[i, b] for i, b in itertools.product([False, True], repeat=2)]


def random_pattern(seed: int, p: float) -> Iterator[bool]:
    """Independent stalls with probability ``p`` per cycle."""
    rng = random.Random(seed)
    while True:
        yield rng.random() < p


def idle_pattern(seed: int = 1) -> Iterator[bool]:
    """An idle source: a gap in 30% of the cycles."""
    return random_pattern(seed, 0.3)


def backpressure_pattern(seed: int = 2) -> Iterator[bool]:
    """Bursts of stalls (0, 1, 3 or 8 cycles), as a busy downstream makes them."""
    rng = random.Random(seed)
    while True:
        for _ in range(rng.choice((0, 0, 1, 3, 8))):
            yield True
        yield False
