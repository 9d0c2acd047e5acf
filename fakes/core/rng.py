"""One seed for all randomness: named, independent, reproducible random streams."""

from __future__ import annotations

import random


class SeededRandom:
    """A root seed from which every component derives its own stream by name.

    Streams are independent of the order in which components ask for them, so adding a
    new consumer of randomness never changes what an existing one draws.
    """

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def stream(self, name: str) -> random.Random:
        return random.Random(f"{self.seed}:{name}")
