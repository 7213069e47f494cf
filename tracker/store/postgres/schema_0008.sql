-- 0008: a text filter on one kind's table searches that kind's entries only. search_ids (a
-- text filter: tracker/store/postgres/backend.py; bulk.py) asked the index of every entry for
-- the words and ANDed that with every entry of the kind (the primary key: at 100,000 road-map
-- items ~900 index pages read for each filter) before reading the matches. Here the kind is a
-- lexeme of an index of its own, 'kind <name>' (with a space, which no lexeme of ours holds:
-- they are FTS5's tokens, tracker/store/postgres/search.py), so the index alone finds the
-- entries of that kind holding the words, and only they are read from the table. The kind and
-- the clearance are still checked on each entry read, as before: nothing more is visible.
-- Never edit: add a migration in schema.py.
CREATE INDEX search_kind_tsv ON search
  USING gin ((array_to_tsvector(ARRAY['kind ' || kind]) || tsv));

CREATE OR REPLACE FUNCTION search_ids(q tsquery, one_kind text)
RETURNS SETOF bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
BEGIN ATOMIC
  SELECT s.record_id FROM public.search s
  WHERE (array_to_tsvector(ARRAY['kind ' || s.kind]) || s.tsv)
          @@ (q && ('''' || replace(replace('kind ' || one_kind, '\', '\\'), '''', '''''')
                    || '''')::tsquery)
    -- a check of each entry found, not a second index scan over every entry of the kind
    AND (s.kind = one_kind) IS TRUE
    AND s.classification = ANY (public.tracker_clearances());
END;
REVOKE ALL ON FUNCTION search_ids FROM PUBLIC;
GRANT EXECUTE ON FUNCTION search_ids TO tracker_public;
