"""The private pipes to the student's process: requests out, replies back, by deadline and by size.

Nothing here trusts what comes back: a line is read before a deadline and up to a size, then
handed to the protocol, whose budgets bound the work of decoding it.
"""

from __future__ import annotations

import os
import select
import time

from .runtime import protocol

_monotonic = time.monotonic  # bound at import, as everywhere in the sandbox


class Timeout(Exception):
    """The deadline passed before the other side was ready."""


class Closed(Exception):
    """The student's process closed its end (it exited)."""


class TooLarge(Exception):
    """A line longer than `protocol.MAX_MESSAGE_BYTES`."""


class Channel:
    """Requests written to `request_fd`, replies read as lines from `response_fd`."""

    def __init__(self, request_fd: int, response_fd: int) -> None:
        self.request_fd = request_fd
        self.response_fd = response_fd
        self._buffer = bytearray()

    def send(self, data: bytes, deadline: float) -> None:
        view = memoryview(data)
        while view:
            _, writable, _ = select.select([], [self.request_fd], [], max(deadline - _monotonic(), 0))
            if not writable:
                raise Timeout
            try:
                written = os.write(self.request_fd, view[:65536])
            except BrokenPipeError:
                raise Closed from None
            view = view[written:]

    def read_line(self, deadline: float) -> bytes:
        """The next line, read before `deadline`."""
        searched = 0
        while (end := self._buffer.find(b"\n", searched)) < 0:
            searched = len(self._buffer)
            readable, _, _ = select.select([self.response_fd], [], [], max(deadline - _monotonic(), 0))
            if not readable:
                raise Timeout
            chunk = os.read(self.response_fd, 1 << 20)
            if not chunk:
                raise Closed
            self._buffer += chunk
            if len(self._buffer) > protocol.MAX_MESSAGE_BYTES:
                raise TooLarge
        line = bytes(self._buffer[:end])
        del self._buffer[:end + 1]
        return line

    def close(self) -> None:
        for fd in (self.request_fd, self.response_fd):
            try:
                os.close(fd)
            except OSError:
                pass
