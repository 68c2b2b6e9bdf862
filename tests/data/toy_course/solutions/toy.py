"""Toy assignment for the engine's tests."""

import numpy as np


def add(a, b):
    """a + b."""
    # BEGIN SOLUTION
    # HINT: use +.
    return a + b
    # END SOLUTION


def scale(x, k):
    """k·x, same shape as x."""
    # BEGIN SOLUTION
    return np.asarray(x) * k
    # END SOLUTION


def divide(a, b):
    """a / b; ValueError when b is 0."""
    # BEGIN SOLUTION
    if b == 0:
        raise ValueError("b must not be 0")
    return a / b
    # END SOLUTION


# BEGIN SOLUTION
# HINT: the answer to everything.
ANSWER = 42
# END SOLUTION
