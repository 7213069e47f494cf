-- 0003: search finds other forms of the words typed (stems, transliterations) and the labels of
-- choices; records holding the typed words themselves come first, records in the trash not at
-- all, and a search says how many it found. A search entry's tsvector holds the body's lexemes
-- with weight A and the forms' with weight D (tracker/store/postgres/search.py); every entry is
-- made again by init after this file runs (schema.py: reindex), as SQLite's migration
-- 0009_search_forms rebuilds its index. Never edit: add a migration in schema.py.

-- Every entry matching q that this login is cleared for, the part of the record's entry it is
-- (0: its own text, else a part of an attached file's: schema_0005.sql), whether it matches
-- exact (the body's lexemes) and, when ranked, its rank. The caller leaves out records in the trash (it reads the
-- record tables, through their policies) and pages.
CREATE FUNCTION search_matches(q tsquery, exact tsquery, kinds text[], ranked boolean)
RETURNS TABLE (kind text, record_id bigint, part bigint, exact boolean, score real)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
BEGIN ATOMIC
  SELECT s.kind, s.record_id, s.part, coalesce(s.tsv @@ exact, false),
         CASE WHEN ranked THEN ts_rank(s.tsv, q) END
  FROM public.search s
  WHERE s.tsv @@ q AND s.classification = ANY (public.tracker_clearances())
    AND (kinds IS NULL OR s.kind = ANY (kinds));
END;
REVOKE ALL ON FUNCTION search_matches FROM PUBLIC;
GRANT EXECUTE ON FUNCTION search_matches TO tracker_public;
