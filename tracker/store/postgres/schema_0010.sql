-- 0010: the kind's entry in search_kind_tsv was the lexeme 'kind <name>', which a typed prefix
-- matched: a road-map filter by "ki", "kin" or "kind" found every road-map item (search_ids()
-- asked 'ki':* && 'kind roadmap', and 'ki':* matched the kind's own lexeme). The kind's lexeme
-- now begins with a space (' kind <name>'): a typed word is an FTS5 token, never with a space,
-- so no prefix of one reaches it. And each entry the index finds is checked against the words
-- in its own text as well, whatever the index holds.
-- Never edit: add a migration in schema.py.
DROP INDEX search_kind_tsv;
CREATE INDEX search_kind_tsv ON search
  USING gin ((array_to_tsvector(ARRAY[' kind ' || kind]) || tsv));

CREATE OR REPLACE FUNCTION search_ids(q tsquery, one_kind text)
RETURNS SETOF bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
BEGIN ATOMIC
  SELECT s.record_id FROM public.search s
  WHERE (array_to_tsvector(ARRAY[' kind ' || s.kind]) || s.tsv)
          @@ (q && ('''' || replace(replace(' kind ' || one_kind, '\', '\\'), '''', '''''')
                    || '''')::tsquery)
    -- checks of each entry found, not second index scans (over every entry of the kind, or
    -- every entry holding the words)
    AND (s.kind = one_kind) IS TRUE
    AND (s.tsv @@ q) IS TRUE
    AND s.classification = ANY (public.tracker_clearances());
END;
REVOKE ALL ON FUNCTION search_ids FROM PUBLIC;
GRANT EXECUTE ON FUNCTION search_ids TO tracker_public;
