-- 0002: an audit entry says what happened as a code and its parameters (JSON text, e.g.
-- {"code": "delete", "kind": "agreements"}), worded in the reader's language when shown
-- (tracker/store/wording.py); "label" keeps the English words for older programs. As SQLite's
-- migration 0008_audit_wording. Never edit: add a migration in schema.py.
ALTER TABLE audit ADD COLUMN wording text COLLATE "C";
