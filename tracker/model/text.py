"""Text as search sees it: folding, the words of a query, what a hit highlights.

Both the indexed text and the query are folded the same way: Unicode case folding (Cyrillic
included) and ё → е, which SQLite's ``lower()``/``LIKE`` and FTS5's tokenizer do not do. A query
is reduced to its words (:func:`terms`); each engine builds its own safe query from them, so no
query syntax a user types ever reaches a database.
"""

from __future__ import annotations

import re
import unicodedata

_WORD_RE = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 16


def fold(text: str) -> str:
    """Case-fold and unify letters that officials treat as the same (ё/е)."""
    text = unicodedata.normalize("NFC", text).casefold()
    return text.replace("ё", "е")


def index_body(kind, record: dict) -> str:
    """The folded text of every field the user is shown for this record."""
    parts = []
    for f in kind.searchable_fields:
        value = record.get(f.name)
        if value:
            parts.append(str(value))
    return fold("\n".join(parts))


def terms(text: str) -> list[str]:
    words = [w for w in _WORD_RE.findall(fold(text or "")) if w.strip("_")]
    return words[:MAX_TERMS]


def highlight_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Where ``text`` shows what a search for ``query`` matched: (start, end) ranges of ``text``,
    in order and apart, one per word of ``text`` that begins with a word of the query (the whole
    word for one-letter query words), folded as the search folds (case, ё/е). For display only:
    the search itself runs in FTS5."""
    words = terms(query)
    if not text or not words:
        return []
    # Fold letter by letter (a letter with the combining marks after it, so a decomposed й or ё
    # folds as the search folds it), remembering where each folded character came from.
    clusters: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        if clusters and unicodedata.combining(ch):
            clusters[-1] = (clusters[-1][0], i + 1)
        else:
            clusters.append((i, i + 1))
    folded_parts: list[str] = []
    origin: list[tuple[int, int]] = []  # the (start, end) in ``text`` of each folded character
    for start, end in clusters:
        f = fold(text[start:end])
        folded_parts.append(f)
        origin.extend([(start, end)] * len(f))
    folded = "".join(folded_parts)
    longest_first = sorted(set(words), key=len, reverse=True)
    spans: list[tuple[int, int]] = []
    for m in _WORD_RE.finditer(folded):
        token = m.group()
        for w in longest_first:
            if token.startswith(w) if len(w) > 1 else token == w:
                start = origin[m.start()][0]
                end = origin[m.start() + len(w) - 1][1]
                if spans and start < spans[-1][1]:
                    break
                spans.append((start, end))
                break
    return spans


def snippet(title: str, text: str, words: list[str]) -> str:
    """A line of a record's own text around the first word found (not the folded index): its
    other fields' ``text`` first; the ``title`` when only the title has it (a long title is cut
    short where it is listed)."""
    title = " ".join(str(title or "").split())

    def around(line: str) -> str | None:
        folded = fold(line)
        for w in words:
            pos = folded.find(w[:20])
            if pos >= 0:
                start = max(0, pos - 40)
                if start and (space := line.find(" ", start, pos)) >= 0:
                    start = space + 1  # from the beginning of a word
                end = start + 140
                if end < len(line) and (space := line.rfind(" ", pos, end)) > pos:
                    end = space  # to the end of one
                return (("…" if start else "") + line[start:end]
                        + ("…" if end < len(line) else ""))
        return None

    found = around(text) if text else None
    if found is None and len(title) > 60:
        found = around(title)
    if found is not None:
        return found
    return text[:140] + ("…" if len(text) > 140 else "")
