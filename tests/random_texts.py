"""Random texts made of given pieces, for the property tests of speed shortcuts (a shortcut
must find what the full scan finds)."""
from __future__ import annotations

import random
from collections.abc import Sequence


def random_text(rnd: random.Random, pieces: Sequence[str], least: int, most: int, sep: str = "") -> str:
    """``least`` to ``most`` pieces drawn with ``rnd``, joined by ``sep``."""
    return sep.join(rnd.choice(pieces) for _ in range(rnd.randint(least, most)))


def random_texts(pieces: Sequence[str], seed: int, n: int, most: int) -> list[str]:
    """``n`` texts, each 0 to ``most`` pieces drawn with ``random.Random(seed)``."""
    rnd = random.Random(seed)
    return [random_text(rnd, pieces, 0, most) for _ in range(n)]
