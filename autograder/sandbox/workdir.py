"""A sandbox's files on the grader's side, laid out so that the grader never follows a path the child made.

The grader runs as root; without bubblewrap's view the child shares the machine's filesystem,
and anything in a folder it may write it can replace with a link (to the reference, to the
script that runs the grader). So root opens nothing in such a folder:

- the sandbox's folder is root's, made once per sandbox; without a view its group is the sandbox's
  uid, which may enter it (mode 0710) but create, rename or delete nothing in it;
- the submission's source is written into it once, before any child starts, readable by that
  group only, and never again: a restart loads the same file;
- without a view, the child's working directory (and HOME) is `scratch/` inside it, the only place
  the child may change; root only ever removes it, with `shutil.rmtree`, which follows no link;
- what the child prints goes to a file with no name at all (O_TMPFILE), made afresh at each start
  and read through the descriptor the grader keeps.

With bubblewrap the folder (mode 0700) holds only the source, bound read-only into the view's
`/sandbox`, or, for a warm child, copied from a descriptor into its own fresh `/sandbox`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

from .output import read_new
from .sweep import remove_stale_scratch, scratch_prefix


class Workdir:
    """The folder of one sandbox: the source of `module`, the child's scratch folder (without a `view`), and
    its output. With `uid`, the child runs as that uid (and its group)."""

    def __init__(self, source: str, module: str, uid: int | None, view: bool) -> None:
        remove_stale_scratch()
        self.path = Path(tempfile.mkdtemp(prefix=scratch_prefix()))  # root's, 0700
        self.source = self.path / f"{module}.py"
        fd = os.open(self.source, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o444)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(source)
        self.scratch: Path | None = None
        if uid is not None:  # its uid's group may read the source and, without a view, reach its scratch folder
            os.chown(self.source, 0, uid)
            os.chmod(self.source, 0o440)
        if not view:
            self.scratch = self.path / "scratch"
            self.scratch.mkdir(mode=0o700)
            if uid is not None:
                os.chown(self.scratch, uid, uid)
                os.chown(self.path, 0, uid)
                os.chmod(self.path, 0o710)
        self._output: BinaryIO | None = None
        self._offset = 0

    def new_output(self) -> int:
        """A fresh file for the child's stdout and stderr, with no name (its descriptor, which this keeps)."""
        self._close_output()
        self._output = tempfile.TemporaryFile(dir=self.path, buffering=0)
        return self._output.fileno()

    def take_output(self, limit: int = 2000) -> str:
        """What the child printed since the last call (at most `limit` characters)."""
        if self._output is None:
            return ""
        text, self._offset = read_new(self._output.fileno(), self._offset, limit)
        return text

    def remove(self) -> None:
        """Delete the folder and all the child left in it (links removed, never followed)."""
        self._close_output()
        shutil.rmtree(self.path, ignore_errors=True)

    def _close_output(self) -> None:
        if self._output is not None:
            self._output.close()
            self._output = None
        self._offset = 0
