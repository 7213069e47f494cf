"""Search on the server finds what FTS5 finds in a file: the same tokens, the same prefix rules.

PostgreSQL's own parser and dictionaries never run on our text. SQLite's FTS5 tokenizer
(:func:`tracker.store.sqlite.tokens.fts5_tokens`) makes the tokens of the folded body and of each
query word, in this process; they reach the server as a quoted ``tsvector`` literal (with
positions) and a ``tsquery`` literal built here only from quoted lexemes and our own operators,
each passed as a parameter and cast (``%s::tsvector``, ``%s::tsquery``). Whatever a user types
ends up inside a quoted lexeme, never as query syntax.
"""

from __future__ import annotations

from tracker.model.text import terms
from tracker.store.sqlite.tokens import fts5_tokens

MAX_LEXEME_BYTES = 2046  # PostgreSQL refuses a lexeme of 2 KiB or more
MAX_POSITION = 16383  # positions above are stored as 16383
MAX_POSITIONS = 256  # positions kept per lexeme
MAX_TSVECTOR_BYTES = 1_000_000  # a tsvector holds at most 1 MiB
NOTHING = "'' & !''"  # a query no document matches (a word without any token)


def lexeme(token: str) -> str:
    """A token as a quoted lexeme of a tsvector/tsquery literal (cut to the server's limit)."""
    raw = token.encode("utf-8")
    if len(raw) > MAX_LEXEME_BYTES:
        token = raw[:MAX_LEXEME_BYTES].decode("utf-8", "ignore")
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(body: str | None) -> str:
    """The tsvector of a record's folded search text: its FTS5 tokens with their positions.
    A body too large for one tsvector keeps its first distinct words (a search of the rest of a
    book-sized text can miss; FTS5 has no such limit)."""
    positions: dict[str, list[int]] = {}
    for i, token in enumerate(fts5_tokens(body or "")):
        found = positions.setdefault(lexeme(token), [])
        if len(found) < MAX_POSITIONS:
            found.append(min(i + 1, MAX_POSITION))
    parts, size = [], 0
    for lex, where in positions.items():
        part = f"{lex}:{','.join(map(str, sorted(set(where))))}"
        size += len(part.encode("utf-8")) + 8
        if size > MAX_TSVECTOR_BYTES:
            break
        parts.append(part)
    return " ".join(parts)


def tsquery_literal(words: list[str] | tuple[str, ...]) -> str | None:
    """The tsquery for a query's words (:func:`tracker.model.text.terms`), as FTS5 is asked
    (:func:`tracker.store.sqlite.search.match_expression`): every word required, as a prefix
    (one-letter words exactly); a word FTS5 splits into several tokens is a phrase of them.
    None when there is nothing to find."""
    parts = []
    for word in words:
        tokens = fts5_tokens(word)
        if not tokens:
            return NOTHING
        star = ":*" if len(word) > 1 else ""
        parts.append("(" + " <-> ".join(lexeme(t) for t in tokens) + star + ")")
    return " & ".join(parts) if parts else None


def query_of(text: str) -> str | None:
    """The tsquery for what a user typed (None: nothing to find)."""
    return tsquery_literal(terms(text))
