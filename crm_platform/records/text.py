"""What the text of a record may not hold, checked once for every kind."""

from __future__ import annotations

import re

# What a name (a kind's title, a person's names, a tag) may not hold: control characters (NUL
# cuts text short in C code and PostgreSQL refuses it; the others are invisible or move the
# cursor) and line breaks.
_NOT_IN_NAMES = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# ... and what a title that may run over lines (an email's subject) may not hold.
_NOT_IN_TITLES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def name_problem(text: str, one_line: bool = True) -> str | None:
    """Why ``text`` (leading and trailing blanks aside) cannot be a name, or ``None``; with
    ``one_line=False`` tabs and line breaks are allowed."""
    found = (_NOT_IN_NAMES if one_line else _NOT_IN_TITLES).search(text.strip())
    if found is None:
        return None
    if not one_line:
        return f"contains the control character U+{ord(found.group()):04X}; remove it"
    return f"contains the control character U+{ord(found.group()):04X}; a name is one line of text"


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored at all (a NUL), or ``None``."""
    return "contains a NUL character (U+0000); remove it" if "\x00" in text else None
