-- The first schema, frozen as it shipped. Never edit: add a migration in schema.py.
CREATE TABLE [agreements] (
  id INTEGER PRIMARY KEY,
  uid TEXT NOT NULL UNIQUE,
  [title] TEXT NOT NULL,
  [status] TEXT NOT NULL,
  [type] TEXT,
  [parties] TEXT,
  [subject] TEXT,
  [signed_on] TEXT,
  [signed_place] TEXT,
  [in_force_on] TEXT,
  [expires_on] TEXT,
  [depositary] TEXT,
  [reference] TEXT,
  [classification] TEXT NOT NULL,
  [notes] TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  created_by TEXT NOT NULL DEFAULT '',
  updated_by TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1,
  deleted_at TEXT
);
CREATE TABLE [meetings] (
  id INTEGER PRIMARY KEY,
  uid TEXT NOT NULL UNIQUE,
  [title] TEXT NOT NULL,
  [status] TEXT NOT NULL,
  [type] TEXT,
  [start_date] TEXT,
  [end_date] TEXT,
  [place] TEXT,
  [level] TEXT,
  [outcomes] TEXT,
  [classification] TEXT NOT NULL,
  [notes] TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  created_by TEXT NOT NULL DEFAULT '',
  updated_by TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1,
  deleted_at TEXT
);
CREATE TABLE [people] (
  id INTEGER PRIMARY KEY,
  uid TEXT NOT NULL UNIQUE,
  [title] TEXT NOT NULL,
  [status] TEXT NOT NULL,
  [position] TEXT,
  [organisation] TEXT,
  [country] TEXT,
  [side] TEXT,
  [classification] TEXT NOT NULL,
  [notes] TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  created_by TEXT NOT NULL DEFAULT '',
  updated_by TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1,
  deleted_at TEXT
);
CREATE TABLE [sources] (
  id INTEGER PRIMARY KEY,
  uid TEXT NOT NULL UNIQUE,
  [title] TEXT NOT NULL,
  [status] TEXT NOT NULL,
  [publisher] TEXT,
  [published_on] TEXT,
  [url] TEXT,
  [text] TEXT,
  [classification] TEXT NOT NULL,
  [notes] TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  created_by TEXT NOT NULL DEFAULT '',
  updated_by TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1,
  deleted_at TEXT
);
CREATE TABLE [plants] (
  id INTEGER PRIMARY KEY,
  uid TEXT NOT NULL UNIQUE,
  [title] TEXT NOT NULL,
  [status] TEXT NOT NULL,
  [products] TEXT,
  [location] TEXT,
  [home_enterprise] TEXT,
  [partner_enterprise] TEXT,
  [count] INTEGER NOT NULL,
  [capacity] TEXT,
  [started_on] TEXT,
  [classification] TEXT NOT NULL,
  [notes] TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  created_by TEXT NOT NULL DEFAULT '',
  updated_by TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1,
  deleted_at TEXT
);
CREATE TABLE [farms] (
  id INTEGER PRIMARY KEY,
  uid TEXT NOT NULL UNIQUE,
  [title] TEXT NOT NULL,
  [status] TEXT NOT NULL,
  [products] TEXT,
  [region] TEXT,
  [capacity] TEXT,
  [practices] TEXT,
  [started_on] TEXT,
  [due_on] TEXT,
  [classification] TEXT NOT NULL,
  [notes] TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  created_by TEXT NOT NULL DEFAULT '',
  updated_by TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1,
  deleted_at TEXT
);
CREATE TABLE [roadmap] (
  id INTEGER PRIMARY KEY,
  uid TEXT NOT NULL UNIQUE,
  [title] TEXT NOT NULL,
  [status] TEXT NOT NULL,
  [area] TEXT,
  [home_lead] TEXT,
  [partner_lead] TEXT,
  [agreement_id] INTEGER REFERENCES [agreements](id),
  [meeting_id] INTEGER REFERENCES [meetings](id),
  [planned_start] TEXT,
  [due_date] TEXT,
  [completed_on] TEXT,
  [progress] INTEGER,
  [classification] TEXT NOT NULL,
  [notes] TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  created_by TEXT NOT NULL DEFAULT '',
  updated_by TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1,
  deleted_at TEXT
);
CREATE TABLE [meetings_participants] (
  [meetings_id] INTEGER NOT NULL REFERENCES [meetings](id) ON DELETE CASCADE,
  [people_id] INTEGER NOT NULL REFERENCES [people](id),
  PRIMARY KEY ([meetings_id], [people_id])
) WITHOUT ROWID;
CREATE TABLE citations (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  record_id INTEGER NOT NULL,
  source_id INTEGER NOT NULL REFERENCES sources(id),
  quote TEXT NOT NULL DEFAULT '',
  position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX citations_record ON citations(kind, record_id);
CREATE INDEX citations_source ON citations(source_id);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  user TEXT NOT NULL,
  kind TEXT NOT NULL,
  record_id INTEGER,
  record_uid TEXT,
  action TEXT NOT NULL,
  label TEXT NOT NULL DEFAULT '',
  before TEXT,
  after TEXT
);
CREATE INDEX audit_record ON audit(kind, record_id);
CREATE TABLE presets (name TEXT PRIMARY KEY, options TEXT NOT NULL, updated_at TEXT NOT NULL);
