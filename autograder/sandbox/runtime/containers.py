"""Numbers in containers the protocol does not carry as they are: object arrays out, marked arrays in.

A numpy array of dtype object whose items are all real numbers (what `np.frompyfunc` returns) crosses as
float64; a tensor crosses as its numpy values. Either arrives marked with where it came from, so that the
checks can give it its points with a note on what the SPEC asks for (`.astype(float)`, `.item()`).
"""

from __future__ import annotations

import functools
from typing import Any


def object_numbers(array: Any) -> Any:
    """An object-dtype array as float64 when every item is a real number (a Python or numpy int or float);
    else the name of the first item's type that is not one, for the refusal to say what came."""
    import numpy as np

    for item in array.reshape(-1).tolist():
        if isinstance(item, bool) or not isinstance(item, (int, float, np.integer, np.floating)):
            return f"{type(item).__name__} items"
    try:
        return array.astype(np.float64)
    except (OverflowError, ValueError, TypeError):
        return "integers too large for a float"


def marked(array: Any, origin: str) -> Any:
    """`array` as a view that remembers where it came from (`origin`: "torch" for a tensor, "object" for a
    numpy array of dtype object)."""
    view = array.view(_marked_type())
    view.origin = origin
    return view


@functools.cache
def _marked_type() -> type:
    import numpy as np

    class Returned(np.ndarray):
        """A returned array that was a tensor, or an object-dtype array, in the student's process."""

        origin = "numpy"

    return Returned
