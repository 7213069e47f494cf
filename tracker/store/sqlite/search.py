"""FTS5 specifics: safe MATCH expressions from a query's words, and the search table's rowids.

Whatever a user types is turned into a list of quoted prefix terms, so FTS5's query language
(``AND``, ``NEAR(``, ``col:``, ``-``, ``*``, unbalanced quotes) never reaches SQLite.
"""

from __future__ import annotations

from tracker.model.text import terms

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


def kind_matches(text: str, kind_name: str, max_id: int | None) -> tuple[str, list] | None:
    """``id IN (...)``: the records of a kind holding every word of ``text`` (prefixes), with its
    parameters; None when there is nothing to find. ``max_id``: the kind's highest record id.

    The kind is told by its rows' rowid range (``search_rowid``), not by a ``kind :`` term,
    whose list names every row of the kind (1,000,000 road-map items: 40 ms instead of 100 ms
    for a word in 3 % of them); the id is the rowid's low bits, read without the row. A kind
    holding ids beyond the computed range (none in practice) is matched by the term."""
    if max_id is not None and max_id >= 2**ROWID_BITS:
        expr = match_expression(text, [kind_name])
        return None if expr is None else (
            "id IN (SELECT record_id FROM search WHERE search MATCH ?)", [expr])
    expr = match_expression(text)
    if expr is None:
        return None
    base = search_rowid(kind_name, 1) - 1
    return ("id IN (SELECT rowid - ? FROM search WHERE search MATCH ? AND rowid > ? "
            "AND rowid < ?)", [base, expr, base, base + 2**ROWID_BITS])
