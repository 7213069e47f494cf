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


def attachment_body(text: str) -> str:
    """The folded text of (a part of) an attachment, as the search index takes it."""
    return fold(text)


def words_in(text: str, words: list[str]) -> bool:
    """True when ``text`` holds every query word as the search matches it (a word beginning with
    it; a one-letter word exactly), folded as the index is: which page of an attachment the
    search found."""
    tokens = set(_WORD_RE.findall(fold(text or "")))
    return all(any(t.startswith(w) if len(w) > 1 else t == w for t in tokens) for w in words)


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


# --- quotes in their sources ----------------------------------------------------------------------
# A quote is found in its source's text up to white space (runs of it, no-break and zero-width
# spaces included), quote marks, dashes and case: the words as the source has them, typed or pasted
# from another rendering of the same text. The core refuses a citation whose quote is not there
# (Repository.create / set_citations, imports); the GUI highlights it with ``find_quote``.

_QUOTE_MARKS = {"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'"}
_DASHES = "\u2010\u2011\u2012\u2013\u2014"
_ZERO_WIDTH = "\u200b"  # not white space to str.isspace(), but invisible between words
_QUOTE_TABLE = str.maketrans({**_QUOTE_MARKS, **dict.fromkeys(_DASHES, "-"),
                              _ZERO_WIDTH: " "})


def quote_key(text: str) -> str:
    """``text`` as quotes are compared: white space folded to single spaces, quote marks and
    dashes unified, case folded. ``quote_in`` compares these."""
    return " ".join(text.translate(_QUOTE_TABLE).casefold().split())


def quote_in(text: str | None, quote: str | None, *, text_key: str | None = None) -> bool:
    """True when ``quote`` (not blank) occurs in ``text`` as :func:`quote_key` compares them.
    ``text_key``: ``quote_key(text)`` computed once for many quotes of one source."""
    needle = quote_key(quote or "")
    if not needle:
        return False
    return needle in (text_key if text_key is not None else quote_key(text or ""))


def quote_problem(text: str | None, quote: str | None, *, text_key: str | None = None
                  ) -> str | None:
    """Why ``quote`` cannot be cited from a source whose text is ``text`` (or whose
    ``quote_key(text)`` is ``text_key``), or None: a quote must occur in the text
    (:func:`quote_in`); an empty quote, or a source without text, is not checked."""
    from tracker.i18n import _

    if not quote or not quote.strip() or not (text or text_key):
        return None
    if quote_in(text, quote, text_key=text_key):
        return None
    short = " ".join(quote.split())
    short = short if len(short) <= 60 else short[:59] + "…"
    return _("these words are not in the source's text: “{quote}”").format(quote=short)


def _quote_chars(text: str) -> tuple[str, list[int]]:
    """``quote_key(text)`` and, for each of its characters, the index in ``text`` it came from."""
    out: list[str] = []
    index: list[int] = []
    in_space = False
    for i, ch in enumerate(text.translate(_QUOTE_TABLE)):
        if ch.isspace():
            if not in_space and out:
                out.append(" ")
                index.append(i)
            in_space = True
            continue
        in_space = False
        for c in ch.casefold():
            out.append(c)
            index.append(i)
    if out and out[-1] == " ":
        out.pop()
        index.pop()
    return "".join(out), index


def find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Where ``quote`` is in ``text`` as (start, end) indexes of ``text``, compared as
    :func:`quote_in` does; None if it is not there."""
    if not text or not quote_key(quote or ""):
        return None
    norm_text, index = _quote_chars(text)
    needle = quote_key(quote)
    pos = norm_text.find(needle)
    if pos < 0:
        return None
    return index[pos], index[pos + len(needle) - 1] + 1
