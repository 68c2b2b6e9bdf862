"""Helpers shared by the public and hidden tests of gradient_descent."""

import numpy as np

from autograder.testing import check

#: Why `minimize`'s path has the length it has, for the feedback on a wrong one.
PATH_LENGTH = "n_iters + 1 points: the start and one per step"


def cost_history(costs, n_iters):
    """`costs` as a float array of n_iters + 1 values."""
    return check.shape(costs, (n_iters + 1,), what="costs",
                       why=f"n_iters + 1 = {n_iters + 1} values: costs[0] before any update and one per update")


def check_partition(batches, n, batch_size):
    """`batches` is a list of integer index arrays partitioning range(n) into chunks of `batch_size`."""
    check.that(isinstance(batches, (list, tuple)),
               f"minibatches returned {type(batches).__name__}; expected a list of index arrays", batches)
    expected = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    arrays = [check.as_array(b, "int", what=f"batch {i}").reshape(-1) for i, b in enumerate(batches)]
    sizes = [a.size for a in arrays]
    if sizes != expected:
        shown = sizes if len(sizes) <= 12 else f"{sizes[:6]} … ({len(sizes)} batches)"
        full, rest = divmod(n, batch_size)
        wanted = f"{full} batch{'es' if full != 1 else ''} of {batch_size}" + (f", then one of {rest}" if rest else "")
        check.that(False, f"the batch sizes are {shown}; expected {wanted}")
    everything = np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int64)
    check.that(sorted(everything.tolist()) == list(range(n)),
               f"the batches do not hold each index 0, …, {n - 1} exactly once")
    return arrays
