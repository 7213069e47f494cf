"""Plain text for any renderer: control characters out, lengths capped, notes tidied, footnote
marks. Nothing here knows a markup language; each renderer escapes text its own way."""

from __future__ import annotations

import re
from typing import Any

CELL_LIMIT = 500  # characters shown in one table cell
QUOTE_LIMIT = 2000  # characters of one quote in the appendix
NOTES_LIMIT = 1000  # characters of one record's notes under its kind's table
NOTES_LINES = 10  # lines kept apart in one record's notes (the rest run on): an entry fits a page

CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")

#: The footnote marks (superscript digits): a renderer keeps a mark on the line of its word.
MARKS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPERSCRIPT = str.maketrans("0123456789", MARKS)


def clean(value: Any, limit: int | None = None) -> str:
    """Plain text safe to draw: control characters removed, line breaks as ``\\n``, capped at
    ``limit`` with "…"."""
    text = "" if value is None else str(value)
    text = CONTROL_RE.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def one_line(value: Any, limit: int | None = None) -> str:
    """:func:`clean` text on one line, runs of white space folded."""
    return " ".join(clean(value, limit).split())


def superscript(n: int) -> str:
    """The footnote mark for ``n`` (superscript digits)."""
    return str(n).translate(_SUPERSCRIPT)


def notes_text(value: Any) -> str:
    """A record's notes for print: blank lines and runs of spaces dropped, at most NOTES_LINES
    lines (later ones run on in the last), capped at NOTES_LIMIT characters."""
    text = clean(value)[: NOTES_LIMIT * 20]  # whatever follows could never be printed
    lines = [" ".join(line.split()) for line in text.split("\n")]
    lines = [line for line in lines if line]
    if len(lines) > NOTES_LINES:
        lines[NOTES_LINES - 1:] = [" ".join(lines[NOTES_LINES - 1:])]
    return clean("\n".join(lines), NOTES_LIMIT)
