"""Code that many of a class's submissions share: set aside from the pair scores, and reported as such.

As MOSS does with its `-m`, a fingerprint found in many of the class's submissions (at least
`COMMON` of them, and at least `FEWEST`) is left out of every pair's score: it is how everyone
writes that line, and left in, it would make every pair look alike. But a solution passed round
half the class looks the same, so what is left out is also reported: each function whose code is
mostly such fingerprints, with the submissions that share it (`Shared`: "7 of 12 submissions share
`mse_cost`'s code"). A person then tells a standard three-line solution from a leaked one.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .fingerprint import kgrams
from .normalise import Unit

#: A fingerprint in at least this share of the class's submissions, and in at least `FEWEST`, is everyone's code.
COMMON, FEWEST = 0.5, 5
#: A function is shared when at least this share of its code's k-grams are common ones; two submissions share
#: the same code when at least this share of the smaller one's common k-grams are the other's too.
MOSTLY = 0.5


@dataclass(frozen=True)
class Shared:
    """Code shared by many: the `units` (functions) whose code the submissions `members` share, out of
    `compared` submissions, and how many canonical `lines` it is (the first member's)."""

    units: tuple[str, ...]
    members: tuple[str, ...]
    compared: int
    lines: int


def floor(compared: int) -> int:
    """How many of `compared` submissions make a fingerprint common."""
    return max(FEWEST, math.ceil(COMMON * compared))


def common_hashes(hashes: list[np.ndarray]) -> np.ndarray:
    """The k-gram hashes found in at least `floor` of the submissions whose (unique) hashes are `hashes`."""
    counts = Counter(h for unique in hashes for h in unique.tolist())
    least = floor(len(hashes))
    return np.array(sorted(h for h, n in counts.items() if n >= least), dtype=np.int64)


def shared_code(units: Mapping[str, Mapping[str, Unit]], common: np.ndarray) -> list[Shared]:
    """What of `units` (submission name -> its canonical units, the class's only) is common code, grouped:
    the submissions sharing one function's code, those sharing several functions' joined; the most
    shared first."""
    if not len(common):
        return []
    least = floor(len(units))
    groups: dict[tuple[str, ...], list[str]] = {}  # the submissions sharing code -> the units it is in
    lines: dict[tuple[str, ...], int] = {}
    for name in sorted({unit for found in units.values() for unit in found}):
        mostly: list[tuple[str, set[int]]] = []
        for submission, found in sorted(units.items()):
            body = _body(found.get(name))
            hashes = kgrams(body)
            if not len(hashes):
                continue
            inside = np.isin(hashes, common)
            if inside.mean() >= MOSTLY:
                mostly.append((submission, set(hashes[inside].tolist())))
        for members in map(tuple, _alike(mostly)):
            if len(members) >= least:
                groups.setdefault(members, []).append(name)
                lines[members] = lines.get(members, 0) + _body(units[members[0]][name]).count("\n")
    found = [Shared(tuple(names), members, len(units), lines[members]) for members, names in groups.items()]
    return sorted(found, key=lambda s: (-len(s.members), -s.lines, s.units))


def _body(unit: Unit | None) -> str:
    """A unit's canonical code but for a function's first line (`def name(v1, v2):`, which all share)."""
    if unit is None:
        return ""
    return unit.text.split("\n", 1)[1] if unit.text.startswith(("def ", "async def ")) else unit.text


def _alike(found: list[tuple[str, set[int]]]) -> list[list[str]]:
    """`found`'s submissions in groups that share the same common code: each joins the first group whose
    first member's common k-grams it mostly shares."""
    groups: list[tuple[set[int], list[str]]] = []
    for name, hashes in found:
        for first, members in groups:
            if len(first & hashes) >= MOSTLY * min(len(first), len(hashes)):
                members.append(name)
                break
        else:
            groups.append((hashes, [name]))
    return [members for _, members in groups]
