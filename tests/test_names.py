"""Names from a hand-in are bytes until shown: printable when shown, bounded and visible as file names, and
never a formula in a spreadsheet."""

from __future__ import annotations

import pytest

from autograder.names import MAX_KEY, capped, csv_cell, file_key, listing, shown

NOT_UTF8 = b"b\xffob.py".decode("utf-8", "surrogateescape")  # what os.listdir gives for such a name


def test_bytes_that_are_not_utf8_are_shown_escaped_never_dropped():
    assert shown(NOT_UTF8) == "b\\xffob.py"
    assert shown(b"caf\xe9.py") == "caf\\xe9.py"


@pytest.mark.parametrize("name, seen", [("a\nb", "a\\x0ab"), ("\x1b[31mred", "\\x1b[31mred"),
                                        ("evil\u202egnp.py", "evil\\u202egnp.py"), ("Zoë O'Neil", "Zoë O'Neil")])
def test_control_and_direction_characters_are_escaped_and_letters_kept(name, seen):
    assert shown(name) == seen


def test_a_shown_name_is_capped():
    text = shown("x" * 4000)
    assert len(text) == 200 and text.endswith("…")


@pytest.mark.parametrize("name", ["a b.py", "a_b.py", ".hidden", "..", "=1+2", "x" * 4000, NOT_UTF8, "Zoë",
                                  "名前.py", "-", ""])
def test_a_file_key_is_safe_bounded_and_never_hidden(name):
    key = file_key(name)
    assert key and len(key.encode()) <= MAX_KEY and not key.startswith(".")
    assert all(c.isascii() and (c.isalnum() or c in "._-") for c in key)


def test_file_keys_of_different_names_differ():
    names = ["a b.py", "a_b.py", "a?b.py", ".a_b.py", "x" * 4000, "x" * 4001, NOT_UTF8, "b_ob.py"]
    assert len({file_key(n) for n in names}) == len(names)
    assert file_key("a_b.py") == "a_b.py"  # a safe name is its own key


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\")", "=1+2", "+1", "-1+1", "@SUM(A1)", "\tx", "\rx"])
def test_a_cell_that_a_spreadsheet_would_run_is_made_text(cell):
    assert csv_cell(cell) == "'" + cell


@pytest.mark.parametrize("value", ["Ada Lovelace", "ada@example.edu", 8.0, 0, -1.5, None])
def test_other_cells_and_computed_numbers_are_unchanged(value):
    assert csv_cell(value) == value


def test_long_lists_of_names_are_summarised():
    names = [f"f{i}.py" for i in range(3000)]
    assert listing(names) == "f0.py, f1.py, f2.py, f3.py, f4.py and 2,995 other files"
    assert listing(names[:2]) == "f0.py, f1.py"
    notes = [f"note {i}" for i in range(50)]
    assert capped(notes, 5) == ["note 0", "note 1", "note 2", "note 3", "… and 46 more notes like these"]
    assert capped(notes[:5], 5) == notes[:5]
