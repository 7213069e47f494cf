"""Full-text search helpers: text folding and safe FTS5 query building.

Whatever a user types is turned into a list of quoted prefix terms, so FTS5's query language
(``AND``, ``NEAR(``, ``col:``, ``-``, ``*``, unbalanced quotes) never reaches SQLite. Both the
indexed text and the query are folded the same way: Unicode case folding (Cyrillic included) and
ё → е, which SQLite's ``lower()``/``LIKE`` and FTS5's tokenizer do not do.
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


ROWID_BITS = 40  # record ids below 2**40 get a computed rowid in the search table


def search_rowid(kind_name: str, record_id: int) -> int | None:
    """The rowid of a record's row in the ``search`` table (None for ids beyond 2**40).

    ``record_id`` is UNINDEXED in FTS5, so deleting by it scans the whole table (0.1-0.3 s at
    100k records per kind); a rowid computed from the kind and the id is found at once. The
    kind's part is a hash of its name, not its position in a list, so it never shifts.
    """
    if not 0 < record_id < 2**ROWID_BITS:
        return None
    code = _kind_codes.get(kind_name)
    if code is None:
        import hashlib  # ~2.5 ms to import: paid on the first write or search, not at start-up

        code = int.from_bytes(hashlib.blake2b(kind_name.encode(), digest_size=2).digest(), "big")
        _kind_codes[kind_name] = code
    return ((code + 1) << ROWID_BITS) | record_id


_kind_codes: dict[str, int] = {}


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


def match_expression(text: str, kinds: list[str] | tuple[str, ...] | None = None) -> str | None:
    """An FTS5 MATCH expression for ``text``, or None if there is nothing to find.

    Every word is quoted (so no operator or column name the user types reaches FTS5) and matched
    as a prefix (one-letter words exactly: a one-letter prefix matches half the database); the
    words are confined to the ``body`` column; ``kinds`` (our own names) restricts the kind.
    """
    words = terms(text)
    if not words:
        return None
    quoted = " ".join('"' + w.replace('"', '""') + ('"*' if len(w) > 1 else '"') for w in words)
    expr = f"body : ({quoted})"
    if kinds:
        expr = f"kind : ({' OR '.join(_kind_token(k) for k in kinds)}) AND {expr}"
    return expr


def _kind_token(kind: str) -> str:
    if not kind.isidentifier():
        raise ValueError(kind)
    return f'"{kind}"'


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
