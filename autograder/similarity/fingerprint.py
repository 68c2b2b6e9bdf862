"""Winnowing fingerprints of canonical code and the overlap of two, as MOSS computes them, with copydetect.

copydetect (Lingenfelter's implementation of Schleimer, Wilkerson and Aiken's winnowing,
the algorithm behind MOSS) hashes every k-gram of a text and keeps, in each window of
w consecutive hashes, the smallest: any common run at least `GUARANTEE` characters long is
found, none shorter than `NOISE`. Its own tokenizer is not used (`filter=False`): it would
replace every name by one letter, library calls included; the text it gets is already
canonical (`normalise`), so characters of it are the tokens.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from copydetect import CodeFingerprint, compare_files
from copydetect.utils import hashed_kgrams

#: Characters of canonical code: no shorter common run counts (copydetect's default), and every run this
#: long is found.
NOISE, GUARANTEE = 25, 35
WINDOW = GUARANTEE - NOISE + 1


def kgrams(text: str) -> np.ndarray:
    """Every k-gram hash of `text` (sorted, unique): what a boilerplate text removes from a fingerprint."""
    return np.unique(hashed_kgrams(text, NOISE)) if len(text) >= NOISE else np.array([], dtype=np.int64)


def fingerprint(text: str, boilerplate: np.ndarray | None = None) -> CodeFingerprint:
    """The winnowed fingerprint of canonical `text`, without the hashes in `boilerplate`."""
    return CodeFingerprint("code.py", NOISE, WINDOW, boilerplate=boilerplate if boilerplate is not None else [],
                           filter=False, fp=io.StringIO(text))


@dataclass(frozen=True)
class Overlap:
    """What two fingerprinted texts share: characters matched and fingerprinted in each, and the matched
    spans of each (`(start, end)` in its text)."""

    matched: tuple[int, int]
    sizes: tuple[int, int]
    spans: tuple[list[tuple[int, int]], list[tuple[int, int]]]

    @property
    def share(self) -> float:
        """The share of both texts' code that the other matches (0 to 1)."""
        total = self.sizes[0] + self.sizes[1]
        return min(1.0, (self.matched[0] + self.matched[1]) / total) if total else 0.0

    @property
    def shares(self) -> tuple[float, float]:
        """Of each text, the share the other matches."""
        return tuple(min(1.0, m / s) if s else 0.0 for m, s in zip(self.matched, self.sizes))  # type: ignore


def shared(a: CodeFingerprint, b: CodeFingerprint) -> float:
    """A quick estimate of `overlap(a, b).share`: the share of fingerprints the two have in common."""
    total = len(a.hashes) + len(b.hashes)
    return 2 * len(a.hashes & b.hashes) / total if total else 0.0


def overlap(a: CodeFingerprint, b: CodeFingerprint) -> Overlap:
    """What `a` and `b` share (copydetect's `compare_files`)."""
    sizes = (int(a.token_coverage), int(b.token_coverage))
    if not sizes[0] or not sizes[1]:
        return Overlap((0, 0), sizes, ([], []))
    _, _, (slices_a, slices_b) = compare_files(a, b)
    if len(slices_a) == 0 or slices_a.size == 0:
        return Overlap((0, 0), sizes, ([], []))
    spans = tuple([tuple(span) for span in np.asarray(slices, dtype=np.int64).T.tolist()]
                  for slices in (slices_a, slices_b))
    matched = tuple(sum(e - s for s, e in side) for side in spans)
    return Overlap(matched, sizes, spans)  # type: ignore[arg-type]
