"""Whether this machine has a CUDA device, without importing torch where it plainly has none."""

from __future__ import annotations

import functools
import glob


@functools.cache
def available() -> bool:
    """`torch.cuda.is_available()`. Without an NVIDIA driver's device files (`/dev/nvidia*`) it is
    False, and torch is not imported: that import costs a grader 1.5–2.5 s."""
    if not glob.glob("/dev/nvidia*"):
        return False
    import torch

    return torch.cuda.is_available()
