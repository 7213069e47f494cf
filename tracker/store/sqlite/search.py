"""FTS5 specifics: safe MATCH expressions from a query's words, and the search table's rowids.

Whatever a user types is turned into a list of quoted prefix terms, so FTS5's query language
(``AND``, ``NEAR(``, ``col:``, ``-``, ``*``, unbalanced quotes) never reaches SQLite.

The search table (migration 0009) has a ``body`` column (the record's folded text and choice
labels), a ``forms`` column (:func:`tracker.model.text.index_forms`: stems and
transliterations) and a ``state`` column (``TRASHED`` for a record in the trash).
:func:`match_expression` asks for the typed words in the body (an exact match); :func:`match_any`
for any of their forms in either column (what a search finds); ``live=True`` leaves out the
trash (in the index itself: counting 6,700 matches less 3,100 in the trash takes 0.7 ms so,
5 ms through the record tables).
"""

from __future__ import annotations

from tracker.model.text import search_groups, terms

ROWID_BITS = 40  # record ids below 2**40 get a computed rowid in the search table
TRASHED = "trashed"  # the ``state`` column of a record in the trash
#: Rowids of the records whose ids are too large for :func:`search_rowid`: this one and below.
#: Between it and zero are the rows of attached files' text (``-(attachment id << 16 | part)``:
#: :mod:`tracker.store.sqlite.attachments`), so neither kind of row ever takes the other's.
FREE_ROWIDS = -(1 << 60)


def kind_of_code(code: int) -> str | None:
    """The kind whose :func:`search_rowid` s carry ``code`` (``rowid >> ROWID_BITS``)."""
    if code not in _code_kinds:
        from tracker.model import KINDS

        for name in KINDS:
            search_rowid(name, 1)
    return _code_kinds.get(code)


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
        _code_kinds[code + 1] = kind_name
    return ((code + 1) << ROWID_BITS) | record_id


_kind_codes: dict[str, int] = {}
_code_kinds: dict[int, str] = {}


def match_expression(text: str, kinds: list[str] | tuple[str, ...] | None = None, *,
                     live: bool = False) -> str | None:
    """An FTS5 MATCH expression for ``text``, or None if there is nothing to find.

    Every word is quoted (so no operator or column name the user types reaches FTS5) and matched
    as a prefix (one-letter words exactly: a one-letter prefix matches half the database); the
    words are confined to the ``body`` column; ``kinds`` (our own names) restricts the kind.
    """
    words = terms(text)
    if not words:
        return None
    quoted = " ".join(_prefix(w) for w in words)
    return _of_kinds(f"body : ({quoted})", kinds, live)


def match_any(words: list[str] | tuple[str, ...], kinds: list[str] | tuple[str, ...] | None = None,
              *, live: bool = False) -> str | None:
    """The MATCH expression of what a search for ``words`` (:func:`terms`) finds: every word's
    group (:func:`tracker.model.text.search_groups`) matched in the body or the forms, each
    member as a quoted prefix. None when there is nothing to find."""
    if not words:
        return None
    groups = " AND ".join("(" + " OR ".join(_prefix(f) for f in group) + ")"
                          for group in search_groups(words))
    return _of_kinds(f"{{body forms}} : ({groups})", kinds, live)


def _prefix(word: str) -> str:
    """A word quoted for FTS5, as a prefix (a one-letter word exactly)."""
    return '"' + word.replace('"', '""') + ('"*' if len(word) > 1 else '"')


def _of_kinds(expr: str, kinds, live: bool = False) -> str:
    if live:
        expr = f"({expr}) NOT state : {TRASHED}"
    if kinds:
        expr = f"kind : ({' OR '.join(_kind_token(k) for k in kinds)}) AND {expr}"
    return expr


def _kind_token(kind: str) -> str:
    if not kind.isidentifier():
        raise ValueError(kind)
    return f'"{kind}"'


def kind_matches(words: list[str] | tuple[str, ...], kind_name: str, max_id: int | None
                 ) -> tuple[str, list] | None:
    """``id IN (...)``: the records of a kind holding every word of ``words`` (:func:`match_any`:
    their forms too), with its
    parameters; None when there is nothing to find. ``max_id``: the kind's highest record id.

    The kind is told by its rows' rowid range (``search_rowid``), not by a ``kind :`` term,
    whose list names every row of the kind (1,000,000 road-map items: 40 ms instead of 100 ms
    for a word in 3 % of them); the id is the rowid's low bits, read without the row. A kind
    holding ids beyond the computed range (none in practice) is matched by the term."""
    if max_id is not None and max_id >= 2**ROWID_BITS:
        expr = match_any(words, [kind_name])
        return None if expr is None else (
            "id IN (SELECT record_id FROM search WHERE search MATCH ?)", [expr])
    expr = match_any(words)
    if expr is None:
        return None
    base = search_rowid(kind_name, 1) - 1
    # rows below zero: the text of attached files (and records of ids beyond the computed
    # range), told by the kind's term
    return ("(id IN (SELECT rowid - ? FROM search WHERE search MATCH ? AND rowid > ? "
            "AND rowid < ?) OR id IN (SELECT record_id FROM search WHERE search MATCH ? "
            "AND rowid < 0))",
            [base, expr, base, base + 2**ROWID_BITS, match_any(words, [kind_name])])


def live_kind_counts(words: list[str] | tuple[str, ...], kind_name: str, max_id: int | None
                     ) -> tuple[tuple[str, list], tuple[str, list]] | None:
    """What counting the live records of a kind that hold every word of ``words`` takes, read
    from the search index alone: (the count of the kind's own live rows that match, by their
    rowid range; the ids of records whose attached files' live text matches). None when there
    is nothing to find or the kind has ids beyond the computed range.

    A record's row carries TRASHED while the record is in the trash (both writers keep it), so
    the first count is the records'; its rows are never read (1,000,000 road-map items, a word
    in 3 % of them: 3 ms instead of 43 ms). A record found by its files alone is rare: the
    caller then counts in SQL (a record may be found both ways)."""
    if max_id is not None and max_id >= 2**ROWID_BITS:
        return None
    expr = match_any(words, live=True)
    if expr is None:
        return None
    base = search_rowid(kind_name, 1) - 1
    return (("SELECT count(*) FROM search WHERE search MATCH ? AND rowid > ? AND rowid < ?",
             [expr, base, base + 2**ROWID_BITS]),
            ("SELECT record_id FROM search WHERE search MATCH ? AND rowid < 0 LIMIT 1",
             [match_any(words, [kind_name], live=True)]))
