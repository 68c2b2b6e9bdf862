"""Names that come from a hand-in: file names, archive entries, platform metadata, roster cells.

Every such name is untrusted. It stays what the operating system gave (a `str` whose undecodable
bytes are surrogates, as `os.fsdecode` makes them) for as long as it is used as a path, and becomes
text only where a person reads it:

    shown(name)      printable text: undecodable bytes as \\xff, control and direction characters
                     escaped, at most MAX_SHOWN characters
    file_key(name)   a file name for a report about it: safe characters, at most MAX_KEY bytes, never
                     hidden (no leading dot), distinct for distinct names (a digest when it had to change)
    csv_cell(value)  a spreadsheet cell that is never a formula (OWASP's CSV injection advice)

This module imports nothing else of the package: the layouts, the loader, the reports and the
similarity report all use it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

#: The most characters of a name any report shows.
MAX_SHOWN = 200
#: The most bytes of a file name made from a name (file systems allow 255; reports add suffixes).
MAX_KEY = 100
#: What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def as_bytes(name: str | bytes) -> bytes:
    """The exact bytes of `name` (surrogates back to the bytes they stand for)."""
    return name if isinstance(name, bytes) else name.encode("utf-8", "surrogateescape")


def digest(name: str | bytes, length: int = 8) -> str:
    """A short digest of the exact `name`, to tell apart names that look alike once made safe."""
    return hashlib.sha256(as_bytes(name)).hexdigest()[:length]


def shown(name: str | bytes, limit: int = MAX_SHOWN) -> str:
    """`name` as printable text: bytes that are not UTF-8 as `\\xff`, control, format and line characters
    (a newline, an escape, U+202E that reverses the text) escaped, at most `limit` characters."""
    if isinstance(name, bytes):
        text = name.decode("utf-8", "backslashreplace")
    else:
        text = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    if not text.isprintable():
        text = "".join(c if c.isprintable() or c == " " else _escaped(c) for c in text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _escaped(character: str) -> str:
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def file_key(name: str | bytes, limit: int = MAX_KEY) -> str:
    """A file-name-safe key for `name`, never shared with another name: a safe name is its own key; any
    other has its unsafe characters replaced (accents dropped), any leading dot removed, at most `limit`
    bytes kept, and a digest of the exact name appended ("a b.py" -> "a_b.py-3f1c2a9e")."""
    text = shown(name, limit=10 * limit) if isinstance(name, bytes) else name
    if not _UNSAFE.search(text) and not text.startswith(".") and 0 < len(text) <= limit:
        return text
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    safe = _UNSAFE.sub("_", plain).lstrip(".")[: limit - 9] or "_"
    return f"{safe}-{digest(name)}"


def listing(names: list[str], limit: int = 5, other: str = "other files") -> str:
    """At most `limit` of `names`, shown, then how many more: "a.py, b.py and 2,997 other files"."""
    head = ", ".join(shown(n) for n in names[:limit])
    rest = len(names) - limit
    return head if rest <= 0 else f"{head} and {rest:,} {other}"


def capped(notes: list[str], limit: int) -> list[str]:
    """The first `limit` notes; the rest counted in one more ("… and 2,997 more notes")."""
    if len(notes) <= limit:
        return notes
    return [*notes[: limit - 1], f"… and {len(notes) - limit + 1:,} more notes like these"]


def csv_cell(value: object) -> object:
    """`value` as a spreadsheet cell that is never run: text starting with a formula character gets a
    leading apostrophe, which spreadsheets show as text. Numbers the grader computed pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
