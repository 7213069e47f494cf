"""Hearing other desks' saves: every write notifies channel ``tracker`` at its commit (a trigger
on the audit table, schema_0001.sql) with the range of its audit ids and the kinds it touched.

A :class:`Listener` has its own connection. A window watches its :meth:`Listener.fileno` (a
socket notifier; no polling) and calls :meth:`Listener.changes` when it turns readable. The
payload passes no row-level security, so it carries no titles: re-read the audit rows of the
range through the policies, and refresh the views of the kinds named (a record raised above the
reader's clearance must leave her list though its audit row stays hidden from her).

A server that went away makes the socket readable with nothing to read: :meth:`changes` then
asks the server, and when the connection is dead makes a new one and says that everything may
have changed (notifications sent meanwhile are lost). The file number changes then.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import psycopg

from tracker.store.errors import ConnectionLost
from tracker.store.postgres.connect import Link, lost

CHANNEL = "tracker"


@dataclass(frozen=True)
class Saved:
    """Another session's commit: its audit ids ``first``..``last`` and the kinds it touched;
    ``kinds`` None: anything may have changed (the listener had lost its connection)."""
    pid: int | None
    first: int | None
    last: int | None
    kinds: frozenset[str] | None


class Listener:
    def __init__(self, url: str):
        self.link = Link(url)
        self._listen()

    def _listen(self) -> None:
        self.link.conn.execute(f"LISTEN {CHANNEL}")

    def fileno(self) -> int:
        return self.link.conn.fileno()

    def close(self) -> None:
        self.link.close()

    @property
    def closed(self) -> bool:
        return self.link.closed

    def changes(self, *, probe: bool = False, reconnect: bool = True) -> list[Saved]:
        """What other sessions committed since the last call (never blocks). ``probe``: ask the
        server first, so that everything committed before this call is seen (one round trip).
        Raises :class:`ConnectionLost` while the server cannot be reached; ``reconnect`` False:
        at once, without trying to connect again (a window does that off its thread)."""
        conn = self.link.conn
        try:
            got = [] if lost(conn) else list(conn.notifies(timeout=0))
            if probe or not got:  # nothing read: maybe the server went away
                conn.execute("SELECT 1")
                got += list(conn.notifies(timeout=0))
        except psycopg.Error:
            got = None
        if (got is None or lost(conn)) and not reconnect:
            raise self.link.lost_error()
        if got is None or lost(conn):
            self.link.connection()  # raises ConnectionLost while the server is away
            try:
                self._listen()
            except psycopg.Error as exc:
                raise ConnectionLost(str(exc)) from None
            return [Saved(None, None, None, None)]
        return [_saved(n) for n in got if n.channel == CHANNEL]


def _saved(note) -> Saved:
    try:
        payload = json.loads(note.payload)
        first, last = payload["a"]
        kinds = frozenset(str(k) for k in payload["k"] or ())
    except (ValueError, KeyError, TypeError):
        return Saved(note.pid, None, None, None)
    return Saved(note.pid, first, last, kinds)
