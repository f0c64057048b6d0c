"""Three-valued logic on int8 arrays: TRUE (1), FALSE (0), UNKNOWN (-1, a needed value is missing).

AND is FALSE as soon as one part is FALSE, whatever the unknowns; OR is TRUE as soon as one part is
TRUE. This is how a result that is decided whatever the missing values are is still given.
"""
from __future__ import annotations

import numpy as np

TRUE, FALSE, UNKNOWN = np.int8(1), np.int8(0), np.int8(-1)
STATE_WORD = {1: "pass", 0: "fail", -1: "unknown"}


def all_of(states: list[np.ndarray], n: int) -> np.ndarray:
    out = np.full(n, TRUE, dtype=np.int8)
    for s in states:
        out = np.where((out == FALSE) | (s == FALSE), FALSE,
                       np.where((out == UNKNOWN) | (s == UNKNOWN), UNKNOWN, TRUE)).astype(np.int8)
    return out


def any_of(states: list[np.ndarray], n: int) -> np.ndarray:
    out = np.full(n, FALSE, dtype=np.int8)
    for s in states:
        out = np.where((out == TRUE) | (s == TRUE), TRUE,
                       np.where((out == UNKNOWN) | (s == UNKNOWN), UNKNOWN, FALSE)).astype(np.int8)
    return out
