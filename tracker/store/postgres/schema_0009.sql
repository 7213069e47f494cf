-- 0009: each audit entry keeps its record's title, folded as the History page's title filter
-- folds it (title_fold: the title after, and before when that differs, one a line; '' when
-- neither snapshot has one), so that the filter reads one short text per entry instead of
-- parsing both JSON snapshots of every entry (tracker/store/postgres/audit.py). The server
-- computes it in audit_stamp, whatever a client sends, as it computes the entry's user and
-- level; the entries written before are filled here. As SQLite's migration 0014_audit_titles
-- (which folds in Python: tracker.store.audit_filter.snapshot_titles). The column is read
-- under the table's policies and grants like the others. Never edit: add a migration in
-- schema.py.
ALTER TABLE audit ADD COLUMN title_fold text COLLATE "C";

CREATE OR REPLACE FUNCTION audit_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  b jsonb := NEW.before::jsonb;
  a jsonb := NEW.after::jsonb;
  lb int := CASE coalesce(b ->> 'classification', '') WHEN 'public' THEN 0
              WHEN 'internal' THEN 1 WHEN '' THEN 0 ELSE 2 END;
  la int := CASE coalesce(a ->> 'classification', '') WHEN 'public' THEN 0
              WHEN 'internal' THEN 1 WHEN '' THEN 0 ELSE 2 END;
  -- lower() under the database's own collation: the columns' "C" would fold ASCII only
  tb text := lower(regexp_replace(CASE WHEN jsonb_typeof(b) = 'object' THEN b ->> 'title' END,
                                  '\s+', ' ', 'g') COLLATE "default");
  ta text := lower(regexp_replace(CASE WHEN jsonb_typeof(a) = 'object' THEN a ->> 'title' END,
                                  '\s+', ' ', 'g') COLLATE "default");
BEGIN
  NEW."user" := session_user;
  NEW.classification := (ARRAY['public', 'internal', 'restricted'])[greatest(lb, la) + 1];
  NEW.title_fold := concat_ws(E'\n', nullif(ta, ''),
                              CASE WHEN tb IS DISTINCT FROM ta THEN nullif(tb, '') END);
  RETURN NEW;
END $$;

-- the owner fills the entries written before (no login may change an entry: no policy lets it)
ALTER TABLE audit NO FORCE ROW LEVEL SECURITY;
UPDATE audit SET title_fold = concat_ws(E'\n', nullif(t.ta, ''),
                                        CASE WHEN t.tb IS DISTINCT FROM t.ta
                                             THEN nullif(t.tb, '') END)
FROM (SELECT id,
             lower(regexp_replace(CASE WHEN jsonb_typeof(before::jsonb) = 'object'
                                       THEN before::jsonb ->> 'title' END,
                                  '\s+', ' ', 'g') COLLATE "default") AS tb,
             lower(regexp_replace(CASE WHEN jsonb_typeof(after::jsonb) = 'object'
                                       THEN after::jsonb ->> 'title' END,
                                  '\s+', ' ', 'g') COLLATE "default") AS ta
      FROM audit) t
WHERE t.id = audit.id;
ALTER TABLE audit FORCE ROW LEVEL SECURITY;
