"""Similarity across a class: pairs of submissions whose code is suspiciously alike (`grade similarity`).

    normalise.py     a submission's code in canonical form, per function, without the course's own code
    simplify.py      what changes nothing taken away: no-op arithmetic, dead statements (and temporaries.py:
                     variables assigned anew, never read, or read once)
    order.py         a canonical order for the operands of commutative operators
    fingerprint.py   winnowing fingerprints and their overlap (copydetect, MOSS's algorithm)
    common.py        code common to many of the class: left out of the pair scores, and reported as shared
    compare.py       a class (and an archive of earlier terms) read, normalised and compared pair by pair
    report.py        the ranked table, the index pages and a page per pair with the matches side by side

Nothing here runs student code, and what it finds is evidence for a person to review, not a verdict.
"""
