"""The database schema, as sqlite-utils migrations: an older file upgrades in place when opened.

Never edit a migration that has shipped (nor ``schema_0001.sql``); add a new one at the end.
"""

from __future__ import annotations

import re
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


def _existing(db: Database, kinds):
    """The kinds whose table exists at this step. Steps 0002-0006 read today's declarations;
    a kind or a field declared later gets its table, columns and indexes from a later step, so
    they keep to the tables and columns that exist where they run."""
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return [kind for kind in kinds if kind.name in tables]


def _columns(db: Database, table: str) -> set[str]:
    return {row[1] for row in db.execute(f"PRAGMA table_info([{table}])")}


def first_tables() -> list[str]:
    """The tables every database of ours has had from the first release on (those of 0001): a
    file lacking one is not ours; one lacking a later table is older, and upgrades."""
    sql = INITIAL_SQL.read_text(encoding="utf-8")
    return re.findall(r"^CREATE TABLE \[?(\w+)\]?", sql, flags=re.MULTILINE)


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
    for kind in _existing(db, KINDS.values()):
        have = _columns(db, kind.name)
        text_cols = [f.name for f in kind.searchable_fields if f.name in have]
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
        for col in [f.name for f in kind.stored_fields if f.name in have] + ["updated_at",
                                                                              "created_at"]:
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

    for kind in _existing(db, KINDS.values()):
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

    for kind in _existing(db, KINDS.values()):
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


@migrations(name="0008_audit_wording")
def audit_wording(db: Database) -> None:
    """An audit entry says what happened as a code and its parameters (JSON, e.g.
    ``{"code": "delete", "kind": "agreements"}``), worded in the reader's language when shown
    (:mod:`tracker.store.wording`); ``label`` keeps the English words for older programs.
    Older entries have none: their stored label is read back to a code where it can be."""
    db.execute("ALTER TABLE audit ADD COLUMN wording TEXT")


@migrations(name="0009_commitments")
def commitments(db: Database) -> None:
    """Commitments: agreements' treaty fields (with their sort indexes), implementation reports
    (a record's dated progress notes, each optionally citing a source), and the meetings that
    reviewed a road-map item."""
    for col, typ in (("provisional_from", "TEXT"), ("home_notified_on", "TEXT"),
                     ("partner_notified_on", "TEXT"), ("term_years", "INTEGER"),
                     ("auto_renewal", "TEXT"), ("renewal_years", "INTEGER"),
                     ("notice_months", "INTEGER")):
        db.execute(f"ALTER TABLE [agreements] ADD COLUMN [{col}] {typ}")
        db.execute(f"CREATE INDEX IF NOT EXISTS [agreements_{col}] ON [agreements]([{col}], id) "
                   "WHERE deleted_at IS NULL")
    db.execute("CREATE TABLE reports (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, "
               "record_id INTEGER NOT NULL, reported_on TEXT NOT NULL, progress INTEGER, "
               "done TEXT NOT NULL, side TEXT, source_id INTEGER REFERENCES sources(id), "
               "quote TEXT NOT NULL DEFAULT '', position INTEGER NOT NULL DEFAULT 0)")
    db.execute("CREATE INDEX reports_record ON reports(kind, record_id)")
    db.execute("CREATE INDEX reports_source ON reports(source_id)")
    db.execute("CREATE TABLE [roadmap_reviewed_at] ("
               "[roadmap_id] INTEGER NOT NULL REFERENCES [roadmap](id) ON DELETE CASCADE, "
               "[meetings_id] INTEGER NOT NULL REFERENCES [meetings](id), "
               "PRIMARY KEY ([roadmap_id], [meetings_id])) WITHOUT ROWID")


INDICATORS_SQL = """
CREATE TABLE [indicators] (
  id INTEGER PRIMARY KEY,
  uid TEXT NOT NULL UNIQUE,
  [title] TEXT NOT NULL,
  [status] TEXT NOT NULL,
  [unit] TEXT NOT NULL,
  [frequency] TEXT,
  [baseline_value] TEXT,
  [baseline_on] TEXT,
  [target_value] TEXT,
  [target_on] TEXT,
  [series] TEXT,
  [on_dashboard] TEXT NOT NULL,
  [agreement_id] INTEGER REFERENCES [agreements](id),
  [plant_id] INTEGER REFERENCES [plants](id),
  [farm_id] INTEGER REFERENCES [farms](id),
  [roadmap_id] INTEGER REFERENCES [roadmap](id),
  [classification] TEXT NOT NULL,
  [notes] TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  created_by TEXT NOT NULL DEFAULT '',
  updated_by TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1,
  deleted_at TEXT
)
"""
#: The indicators' sort columns (decimals and the series are kept as text that does not sort
#: as their values do: no index, and no sort by them).
INDICATORS_SORTED = ("title", "status", "unit", "frequency", "baseline_on", "target_on",
                     "on_dashboard", "agreement_id", "plant_id", "farm_id", "roadmap_id",
                     "classification", "notes", "updated_at", "created_at")


@migrations(name="0010_indicators")
def indicators(db: Database) -> None:
    """Indicators (issue 17): a baseline, a target and dated values (decimals as exact text),
    linked to an agreement, a plant, a farm or a road-map item."""
    db.execute(INDICATORS_SQL)
    for col in INDICATORS_SORTED:
        db.execute(f"CREATE INDEX [indicators_{col}] ON [indicators]([{col}], id) "
                   "WHERE deleted_at IS NULL")
    db.execute("CREATE INDEX [indicators_trash] ON [indicators](deleted_at, id) "
               "WHERE deleted_at IS NOT NULL")


@migrations(name="0011_attachments")
def attachments(db: Database) -> None:
    """Files attached to records, inside the database: each content once (``blobs``, by its
    SHA-256), in chunks of a few hundred KB (``blob_chunks``; measured faster to write and read
    than one row written with incremental blob I/O), the text read from it by page
    (``blob_pages``), and the attachments naming a content on a record (removed ones keep their
    row, with ``deleted_at``). The text of an attachment is searched through the ``search``
    table, in rows of negative rowid (:mod:`tracker.store.sqlite.attachments`; migration
    0013 keeps the records' own negative rowids below them)."""
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


#: The briefs table as migration 0012 made it (frozen: a later field needs a step of its own).
BRIEFS_0012 = (
    ("title", "TEXT NOT NULL"), ("status", "TEXT NOT NULL"), ("template", "TEXT NOT NULL"),
    ("meeting_id", "INTEGER REFERENCES [meetings](id)"), ("addressee", "TEXT"),
    ("drafted_by", "TEXT"), ("contact_id", "INTEGER REFERENCES [people](id)"),
    ("critical_date", "TEXT"), ("critical_reason", "TEXT"), ("purpose", "TEXT"),
    ("objectives", "TEXT"), ("points", "TEXT"), ("if_raised", "TEXT"), ("background", "TEXT"),
    ("background_secret", "TEXT"), ("issues", "TEXT"), ("recommendation", "TEXT"),
    ("next_steps", "TEXT"), ("max_classification", "TEXT NOT NULL"), ("sections", "TEXT"),
    ("statuses", "TEXT"), ("date_from", "TEXT"), ("date_to", "TEXT"),
    ("paper", "TEXT NOT NULL"), ("language", "TEXT"), ("annex", "TEXT NOT NULL"),
    ("classification", "TEXT NOT NULL"), ("notes", "TEXT"),
)
PEOPLE_0012 = ("name_other", "biography")


@migrations(name="0012_briefs_and_biographies")
def briefs_and_biographies(db: Database) -> None:
    """Briefs, the desk's own records (a note or a visit brief filled from the other records
    when printed), and what a visit brief says of a person: the name in the other language and
    a short biography. Indexed as 0002 indexes every kind (a sort index per column over the
    live rows, one over the trash)."""
    columns = ",\n  ".join(f"[{name}] {sql}" for name, sql in BRIEFS_0012)
    db.execute(
        "CREATE TABLE [briefs] (\n  id INTEGER PRIMARY KEY,\n  uid TEXT NOT NULL UNIQUE,\n  "
        f"{columns},\n  created_at TEXT NOT NULL,\n  updated_at TEXT NOT NULL,\n  "
        "created_by TEXT NOT NULL DEFAULT '',\n  updated_by TEXT NOT NULL DEFAULT '',\n  "
        "version INTEGER NOT NULL DEFAULT 1,\n  deleted_at TEXT\n)")
    for name in (*(n for n, _sql in BRIEFS_0012), "updated_at", "created_at"):
        db.execute(f"CREATE INDEX [briefs_{name}] ON [briefs]([{name}], id) "
                   "WHERE deleted_at IS NULL")
    db.execute("CREATE INDEX [briefs_trash] ON [briefs](deleted_at, id) "
               "WHERE deleted_at IS NOT NULL")
    for name in PEOPLE_0012:
        db.execute(f"ALTER TABLE [people] ADD COLUMN [{name}] TEXT")
        db.execute(f"CREATE INDEX [people_{name}] ON [people]([{name}], id) "
                   "WHERE deleted_at IS NULL")


@migrations(name="0013_search_forms")
def search_forms(db: Database) -> None:
    """The search index again, with the labels of choices (in English and Russian) in the body,
    a ``forms`` column (stems and transliterations: :func:`tracker.model.text.index_forms`) and a
    ``state`` column (a record in the trash: ``TRASHED``, so a search leaves it out and counts
    what it found in the index alone); records with ids too large for a computed rowid get rowids
    at or below ``FREE_ROWIDS`` (those above it, below zero, are attached files' text)."""
    db.execute("DROP TABLE search")
    db.execute(
        "CREATE VIRTUAL TABLE search USING fts5(kind, record_id UNINDEXED, body, forms, state, "
        "prefix = '2 3', tokenize = 'unicode61 remove_diacritics 2')")
    rebuild_search(db.conn)


def rebuild_search(conn) -> int:
    """Index every record of every kind (the trash included) into an empty search table;
    returns how many."""
    from tracker.model import KINDS
    from tracker.model.text import index_body, index_forms
    from tracker.store.sqlite.search import FREE_ROWIDS, TRASHED, search_rowid

    done, spare = 0, FREE_ROWIDS
    for kind in KINDS.values():
        cols = [f.name for f in (*kind.searchable_fields, *kind.labelled_fields)]
        cur = conn.execute(f"SELECT id, deleted_at, {', '.join(f'[{c}]' for c in cols)} "
                           f"FROM [{kind.name}]")
        while rows := cur.fetchmany(2000):
            batch = []
            for row in rows:
                body = index_body(kind, dict(zip(cols, row[2:])))
                rowid = search_rowid(kind.name, row[0])
                if rowid is None:
                    rowid, spare = spare, spare - 1
                batch.append((rowid, kind.name, row[0], body, index_forms(body),
                              TRASHED if row[1] is not None else None))
            conn.executemany("INSERT INTO search(rowid, kind, record_id, body, forms, state) "
                             "VALUES (?, ?, ?, ?, ?, ?)", batch)
            done += len(batch)
    return done


@migrations(name="0014_audit_titles")
def audit_titles(db: Database) -> None:
    """Each audit entry keeps its record's title, folded as the History page's title filter
    folds it (``title_fold``: :func:`tracker.store.audit_filter.snapshot_titles`, written with
    the entry), so that the filter reads one short text per entry instead of parsing both JSON
    snapshots of every entry; the entries written before are filled here."""
    from tracker.store.audit_filter import snapshot_titles

    def titles(before, after) -> str:
        return snapshot_titles({"title": before}, {"title": after})

    db.execute("ALTER TABLE audit ADD COLUMN title_fold TEXT")
    db.conn.create_function("tracker_snapshot_titles", 2, titles, deterministic=True)
    title = "CASE WHEN json_valid({0}) THEN json_extract({0}, '$.title') END"
    db.execute(f"UPDATE audit SET title_fold = tracker_snapshot_titles("
               f"{title.format('before')}, {title.format('after')})")


def names() -> list[str]:
    return [name for name, _fn, _transactional in migrations.steps]
