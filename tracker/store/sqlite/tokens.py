"""The words FTS5 makes of a text: SQLite's own tokenizer (``unicode61 remove_diacritics 2``, the
one the search table uses), run in memory.

A server engine indexes the same tokens, so that a search finds on it exactly what it finds in a
file: FTS5 strips diacritics (café → cafe), splits at anything that is not a letter or a number,
and makes a phrase of a quoted word holding several tokens (``foo_bar`` → foo, bar); no other
tokenizer does all of that the same way. Only SQLite runs here, in a private in-memory database.
"""

from __future__ import annotations

import sqlite3
import threading

TOKENIZE = "unicode61 remove_diacritics 2"  # as in the search table (schema 0002)

_lock = threading.Lock()
_conn: sqlite3.Connection | None = None


def _tokenizer() -> sqlite3.Connection:
    global _conn
    if _conn is None:
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        conn.execute(f"CREATE VIRTUAL TABLE t USING fts5(body, tokenize = '{TOKENIZE}')")
        conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
        _conn = conn
    return _conn


def fts5_tokens(text: str) -> list[str]:
    """The tokens of ``text`` in order, as FTS5 indexes them (an empty list when it holds no
    word). Thread-safe: one in-memory table serves every caller in turn."""
    if not text:
        return []
    text = text.encode("utf-8", "replace").decode("utf-8")  # a lone surrogate cannot be bound
    with _lock:
        conn = _tokenizer()
        conn.execute("DELETE FROM t")
        conn.execute("INSERT INTO t(rowid, body) VALUES (1, ?)", (text,))
        return [term for (term,) in conn.execute("SELECT term FROM v ORDER BY offset")]
