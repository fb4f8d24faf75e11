"""Random texts made of given pieces, for the property tests of speed shortcuts (a shortcut
must find what the full scan finds)."""
from __future__ import annotations

import random
from collections.abc import Sequence


def random_texts(pieces: Sequence[str], seed: int, n: int, most: int) -> list[str]:
    """``n`` texts, each 0 to ``most`` pieces drawn with ``random.Random(seed)``."""
    rnd = random.Random(seed)
    return ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, most))) for _ in range(n)]
