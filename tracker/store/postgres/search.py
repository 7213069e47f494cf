"""Search on the server finds what FTS5 finds in a file: the same tokens, the same prefix rules.

PostgreSQL's own parser and dictionaries never run on our text. SQLite's FTS5 tokenizer
(:func:`tracker.store.sqlite.tokens.fts5_tokens`) makes the tokens of the folded body, of its
forms (:func:`tracker.model.text.index_forms`: stems, transliterations) and of each query word,
in this process; they reach the server as a quoted ``tsvector`` literal (with positions) and a
``tsquery`` literal built here only from quoted lexemes and our own operators, each passed as a
parameter and cast (``%s::tsvector``, ``%s::tsquery``). Whatever a user types ends up inside a
quoted lexeme, never as query syntax.

FTS5's two columns are one tsvector here: the body's lexemes carry weight A, the forms' the
default (D), after a gap in positions so that no phrase runs from one into the other. An exact
match (the body) asks for weight A; what a search finds asks for any.
"""

from __future__ import annotations

from tracker.model.text import index_forms, search_groups, terms
from tracker.store.sqlite.tokens import fts5_tokens

MAX_LEXEME_BYTES = 2046  # PostgreSQL refuses a lexeme of 2 KiB or more
MAX_POSITION = 16383  # positions above are stored as 16383
MAX_POSITIONS = 256  # positions kept per lexeme
MAX_TSVECTOR_BYTES = 1_000_000  # a tsvector holds at most 1 MiB
# A query no document matches (a word without any token, e.g. a lone combining mark): a
# lexeme no token can be (tokens hold no space), and not it. (An empty lexeme is a syntax error.)
NOTHING = "' ' & !' '"


def lexeme(token: str) -> str:
    """A token as a quoted lexeme of a tsvector/tsquery literal (cut to the server's limit)."""
    raw = token.encode("utf-8")
    if len(raw) > MAX_LEXEME_BYTES:
        token = raw[:MAX_LEXEME_BYTES].decode("utf-8", "ignore")
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(body: str | None) -> str:
    """The tsvector of a record's folded search text: the FTS5 tokens of the body (weight A)
    and of its forms, with their positions. A body too large for one tsvector keeps its first
    distinct words (a search of the rest of a book-sized text can miss; FTS5 has no such
    limit)."""
    positions: dict[str, dict[int, str]] = {}

    def add(tokens: list[str], start: int, weight: str) -> None:
        for i, token in enumerate(tokens):
            found = positions.setdefault(lexeme(token), {})
            if len(found) < MAX_POSITIONS:
                found.setdefault(min(start + i, MAX_POSITION), weight)

    body_tokens = fts5_tokens(body or "")
    add(body_tokens, 1, "A")
    add(fts5_tokens(index_forms(body)), len(body_tokens) + 2, "")
    parts, size = [], 0
    for lex, where in positions.items():
        part = f"{lex}:{','.join(f'{at}{w}' for at, w in sorted(where.items()))}"
        size += len(part.encode("utf-8")) + 8
        if size > MAX_TSVECTOR_BYTES:
            break
        parts.append(part)
    return " ".join(parts)


def tsquery_literal(words: list[str] | tuple[str, ...], weight: str = "") -> str | None:
    """The tsquery for a query's words (:func:`tracker.model.text.terms`), as FTS5 is asked
    (:func:`tracker.store.sqlite.search.match_expression`): every word required, as a prefix
    (one-letter words exactly); a word FTS5 splits into several tokens is a phrase of them.
    ``weight`` "A": in the body only (an exact match). None when there is nothing to find."""
    parts = []
    for word in words:
        phrase = _phrase(word, weight)
        if phrase is None:
            return NOTHING
        parts.append(phrase)
    return " & ".join(parts) if parts else None


def tsquery_any(words: list[str] | tuple[str, ...]) -> str | None:
    """The tsquery of what a search for ``words`` finds, as
    :func:`tracker.store.sqlite.search.match_any` asks FTS5: every word's group
    (:func:`tracker.model.text.search_groups`), any member of it as a prefix, in the body or
    the forms. None when there is nothing to find."""
    parts = []
    for group in search_groups(words):
        phrases = [p for p in (_phrase(f) for f in group) if p is not None]
        if not phrases:
            return NOTHING
        parts.append(phrases[0] if len(phrases) == 1 else "(" + " | ".join(phrases) + ")")
    return " & ".join(parts) if parts else None


def _phrase(word: str, weight: str = "") -> str | None:
    """A word's FTS5 tokens as a tsquery phrase, the last as a prefix (a one-letter word
    exactly); None when it holds no token."""
    tokens = fts5_tokens(word)
    if not tokens:
        return None
    star = ":*" if len(word) > 1 else (":" if weight else "")
    lexemes = [lexeme(t) + (":" + weight if weight else "") for t in tokens[:-1]]
    lexemes.append(lexeme(tokens[-1]) + star + weight)
    return "(" + " <-> ".join(lexemes) + ")"


def query_of(text: str) -> str | None:
    """The tsquery of what a search for what a user typed finds (None: nothing to find)."""
    return tsquery_any(terms(text))
