"""The database schema, as sqlite-utils migrations: an older file upgrades in place when opened.

Never edit a migration that has shipped (nor ``schema_0001.sql``); add a new one at the end.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

MIGRATION_SET = "tracker"


class _Steps:
    """Records the steps below; the sqlite-utils ``Migrations`` is built from them on first use.

    Importing sqlite_utils costs ~0.1 s, and a file that is up to date (every start but the first
    after an upgrade) never needs it: ``connect.migrate`` compares ``names()`` with the
    applied ones first. Anything else (``apply``, ``pending``, ``applied``) goes to the real one.
    """

    def __init__(self, name: str):
        self.name = name
        self.steps: list[tuple[str, object, bool]] = []
        self._real = None

    def __call__(self, *, name: str, transactional: bool = True):
        def register(fn):
            self.steps.append((name, fn, transactional))
            return fn
        return register

    def real(self):
        if self._real is None:
            from sqlite_utils import Migrations

            real = Migrations(self.name)
            for name, fn, transactional in self.steps:
                real(name=name, transactional=transactional)(fn)
            self._real = real
        return self._real

    def __getattr__(self, attr):
        return getattr(self.real(), attr)


migrations = _Steps(MIGRATION_SET)

INITIAL_SQL = Path(__file__).with_name("schema_0001.sql")


@migrations(name="0001_initial")
def initial(db: Database) -> None:
    sql = INITIAL_SQL.read_text(encoding="utf-8")
    for statement in _statements(sql):
        db.execute(statement)


def _statements(sql: str):
    body = "\n".join(line for line in sql.splitlines() if not line.startswith("--"))
    for statement in body.split(";"):
        if statement.strip():
            yield statement


@migrations(name="0002_search_and_indexes")
def search_and_indexes(db: Database) -> None:
    """Full-text search over the text users are shown, and an index for every sortable column."""
    from tracker.model import KINDS
    from tracker.model.text import index_body

    db.execute(
        # kind is indexed (as one token) so a kind filter is an index merge, not a row scan;
        # user terms are always confined to the body column (tracker.model.text.match_expression).
        "CREATE VIRTUAL TABLE search USING fts5(kind, record_id UNINDEXED, body, "
        "prefix = '2 3', tokenize = 'unicode61 remove_diacritics 2')"
    )
    for kind in KINDS.values():
        text_cols = [f.name for f in kind.searchable_fields]
        rows = db.execute(
            f"SELECT id, {', '.join(f'[{c}]' for c in text_cols)} FROM [{kind.name}]"
        ).fetchall()
        for row in rows:
            record = dict(zip(["id", *text_cols], row))
            db.execute(
                "INSERT INTO search(kind, record_id, body) VALUES (?, ?, ?)",
                (kind.name, row[0], index_body(kind, record)),
            )
        # Tables show live records: partial indexes over them serve every sort and count.
        for col in [f.name for f in kind.stored_fields] + ["updated_at", "created_at"]:
            db.execute(
                f"CREATE INDEX IF NOT EXISTS [{kind.name}_{col}] "
                f"ON [{kind.name}]([{col}], id) WHERE deleted_at IS NULL"
            )
        db.execute(
            f"CREATE INDEX IF NOT EXISTS [{kind.name}_trash] ON [{kind.name}](deleted_at, id) "
            "WHERE deleted_at IS NOT NULL"
        )
    db.execute("CREATE INDEX IF NOT EXISTS audit_at ON audit(at)")


@migrations(name="0003_search_rowids")
def search_rowids(db: Database) -> None:
    """Search rows get a rowid computed from (kind, record id), so updating one record's entry
    deletes it by rowid instead of scanning the whole FTS table (``search_rowid``)."""
    from tracker.store.sqlite.search import search_rowid

    rows = db.execute("SELECT rowid, kind, record_id, body FROM search").fetchall()
    moved = [(search_rowid(kind, rid), kind, rid, body) for _old, kind, rid, body in rows]
    db.execute("DELETE FROM search")
    db.conn.executemany("INSERT INTO search(rowid, kind, record_id, body) VALUES (?, ?, ?, ?)",
                        moved)


@migrations(name="0004_live_rows_index")
def live_rows_index(db: Database) -> None:
    """A small index of the live rows: counting them (every table's row count) reads it instead
    of the whole table (100k rows: 2 ms instead of 30 ms)."""
    from tracker.model import KINDS

    for kind in KINDS.values():
        db.execute(f"CREATE INDEX IF NOT EXISTS [{kind.name}_live] ON [{kind.name}](deleted_at) "
                   "WHERE deleted_at IS NULL")


@migrations(name="0005_overdue_index")
def overdue_index(db: Database) -> None:
    """Counting overdue road-map items (due date passed, status open) reads this index alone
    instead of every row due before today (100k items: 5 ms instead of 200 ms)."""
    db.execute("CREATE INDEX IF NOT EXISTS [roadmap_due_status] ON [roadmap](due_date, status) "
               "WHERE deleted_at IS NULL")


@migrations(name="0006_drop_live_rows_index")
def drop_live_rows_index(db: Database) -> None:
    """0004's index made the planner read every live row and sort them for each page (a
    100k-row jump to the end: 240 ms); without it the partial sort indexes serve pages in 3 ms
    and counts still read a small partial index (2.6 ms)."""
    from tracker.model import KINDS

    for kind in KINDS.values():
        db.execute(f"DROP INDEX IF EXISTS [{kind.name}_live]")


@migrations(name="0007_audit_classification")
def audit_classification(db: Database) -> None:
    """Each audit entry says how secret it is: the higher level of its two snapshots (public when
    neither has one, as for settings). The server engine computes and enforces the same column,
    so both engines end in the same schema and history carries the level on both."""
    db.execute("ALTER TABLE audit ADD COLUMN classification TEXT NOT NULL DEFAULT 'public'")
    level = ("CASE coalesce(CASE WHEN json_valid({col}) AND json_type({col}) = 'object' "
             "THEN json_extract({col}, '$.classification') END, '') "
             "WHEN '' THEN 0 WHEN 'public' THEN 0 WHEN 'internal' THEN 1 ELSE 2 END")
    db.execute(f"UPDATE audit SET classification = CASE max({level.format(col='before')}, "
               f"{level.format(col='after')}) WHEN 0 THEN 'public' WHEN 1 THEN 'internal' "
               "ELSE 'restricted' END")


@migrations(name="0008_attachments")
def attachments(db: Database) -> None:
    """Files attached to records, inside the database: each content once (``blobs``, by its
    SHA-256), in chunks of a few hundred KB (``blob_chunks``; measured faster to write and read
    than one row written with incremental blob I/O), the text read from it by page
    (``blob_pages``), and the attachments naming a content on a record (removed ones keep their
    row, with ``deleted_at``). The text of an attachment is searched through the ``search``
    table, in rows of negative rowid (:mod:`tracker.store.sqlite.attachments`)."""
    for statement in _statements("""
        CREATE TABLE blobs (sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL,
                            proof TEXT NOT NULL, text_status TEXT NOT NULL DEFAULT 'pending',
                            text_note TEXT, added_at TEXT NOT NULL);
        CREATE TABLE blob_chunks (sha256 TEXT NOT NULL REFERENCES blobs (sha256),
                                  n INTEGER NOT NULL, data BLOB NOT NULL,
                                  PRIMARY KEY (sha256, n));
        CREATE TABLE blob_pages (sha256 TEXT NOT NULL REFERENCES blobs (sha256),
                                 page INTEGER NOT NULL, part INTEGER NOT NULL,
                                 text TEXT NOT NULL, PRIMARY KEY (sha256, page));
        CREATE TABLE attachments (id INTEGER PRIMARY KEY, kind TEXT NOT NULL,
                                  record_id INTEGER NOT NULL,
                                  sha256 TEXT NOT NULL REFERENCES blobs (sha256),
                                  proof TEXT NOT NULL, name TEXT NOT NULL, size INTEGER NOT NULL,
                                  media_type TEXT NOT NULL, added_by TEXT NOT NULL,
                                  added_at TEXT NOT NULL, deleted_at TEXT);
        CREATE INDEX attachments_record ON attachments (kind, record_id);
        CREATE INDEX attachments_blob ON attachments (sha256);
        """):
        db.execute(statement)


def names() -> list[str]:
    return [name for name, _fn, _transactional in migrations.steps]
