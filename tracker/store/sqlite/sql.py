"""Small pieces of SQLite SQL the engine's modules share."""

from __future__ import annotations

#: Sort columns that never hold NULL: one index-ordered segment serves them.
NOT_NULL = frozenset({"id", "title", "status", "classification", "created_at", "updated_at"})
AUDIT_COLUMNS = ("id", "at", "user", "kind", "record_id", "record_uid", "action", "label",
                 "before", "after", "wording")


def q(name: str) -> str:
    """A quoted identifier (names come from the declarations, never from users)."""
    return f"[{name}]"


def sql_list(values) -> str:
    """Declared constants (statuses) as an SQL list of string literals: ('done', 'cancelled')."""
    return "(" + ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) + ")"

