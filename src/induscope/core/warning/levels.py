"""Four alert levels (blue < yellow < orange < red) and threshold ladders that map a number to one."""
from __future__ import annotations

from enum import IntEnum
from typing import Sequence


class Level(IntEnum):
    BLUE = 1
    YELLOW = 2
    ORANGE = 3
    RED = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: "str | int | Level") -> "Level":
        if isinstance(value, Level):
            return value
        if isinstance(value, int):
            return cls(value)
        try:
            return cls[str(value).strip().upper()]
        except KeyError:
            raise ValueError(f"unknown alert level {value!r} (expected blue, yellow, orange or red)") from None

    def escalate(self, steps: int = 1) -> "Level":
        return Level(min(int(Level.RED), max(int(Level.BLUE), int(self) + steps)))


#: a ladder: (threshold, level) pairs; the highest level whose threshold the magnitude reaches
Ladder = Sequence[tuple[float, Level]]


def ladder_level(magnitude: float, ladder: Ladder, strict_first: bool = False) -> Level | None:
    """The highest level whose threshold ``magnitude`` reaches (>=); None below the first threshold.

    ``strict_first``: the first rung needs ``magnitude > threshold`` (e.g. "any shortfall at all").
    """
    out: Level | None = None
    for i, (threshold, level) in enumerate(sorted(ladder, key=lambda t: t[0])):
        hit = magnitude > threshold if (strict_first and i == 0) else magnitude >= threshold
        if hit and (out is None or level > out):
            out = level
    return out
