"""Export and import measured against floors written with the bare tools, each run in a process of
its own (``python bench/probes.py exchange WHAT ARGS``; bench/run.py alternates ours and the floor).

* export (JSON, CSV zip): ``tracker.exchange.export_file`` of every record vs the floor: the same
  tables read with raw ``sqlite3`` (every row, its link lists and its sources' uids, titles and
  quotes attached) and written with ``json.dump(..., ensure_ascii=False, indent=2)`` or
  ``csv.writer`` into a deflated zip;
* import into an empty database: ``tracker.exchange.import_file`` of a JSON export vs the floor:
  the same file read with ``json.load`` and its rows put into a new file with sqlite-utils
  ``insert_all`` (tables made from the rows; ids given, links mapped by uid), link tables and
  citations likewise, then each kind's full-text index built by sqlite-utils ``enable_fts``
  (the FTS rebuild). Given the rows the import wrote besides the kinds' own (``written_rows``
  of a database it filled: reports, search rows with the word forms and transliterations the
  app indexes, audit entries, settings; taken as written, read before the clock starts), the
  floor inserts those too and its FTS rebuild indexes the search rows (``floor_import``'s
  ``rows``: the "new floor"; without, the old one).
"""

from __future__ import annotations

import csv
import io
import json
import pickle
import resource
import sqlite3
import time
import zipfile

from tracker.model import KIND_ORDER, KINDS, LINK, LINKS, SOURCE_KIND, SYSTEM_FIELDS


def _raw_export(db: str) -> dict[str, list[dict]]:
    conn = sqlite3.connect(db)
    data: dict[str, list[dict]] = {}
    uid_of: dict[str, dict[int, str]] = {}

    def uids(kind: str) -> dict[int, str]:
        if kind not in uid_of:
            uid_of[kind] = dict(conn.execute(f"SELECT id, uid FROM [{kind}]"))
        return uid_of[kind]

    for name in KIND_ORDER:
        kind = KINDS[name]
        cur = conn.execute(f"SELECT * FROM [{name}] ORDER BY id")
        cols = [d[0] for d in cur.description]
        rows = {row[0]: dict(zip(cols, row)) for row in cur}
        for f in kind.fields:
            if f.type == LINK:
                target = uids(f.target)
                for r in rows.values():
                    r[f.name] = target.get(r[f.name])
            elif f.type == LINKS:
                for r in rows.values():
                    r[f.name] = []
                for rid, uid in conn.execute(
                        f"SELECT j.[{name}_id], t.uid FROM [{name}_{f.name}] j JOIN [{f.target}] "
                        f"t ON t.id = j.[{f.target}_id] ORDER BY 1, j.[{f.target}_id]"):
                    rows[rid][f.name].append(uid)
        for r in rows.values():
            r["sources"] = []
        for rid, uid, title, quote in conn.execute(
                "SELECT c.record_id, s.uid, s.title, c.quote FROM citations c JOIN sources s ON "
                "s.id = c.source_id WHERE c.kind = ? ORDER BY c.record_id, c.position, c.id",
                (name,)):
            rows[rid]["sources"].append({"source_uid": uid, "source": title, "quote": quote})
        data[name] = list(rows.values())
    conn.close()
    return data


def floor_export(db: str, out: str, fmt: str) -> dict:
    t = time.perf_counter()
    data = _raw_export(db)
    if fmt == "json":
        with open(out, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=2)
    else:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, records in data.items():
                buf = io.StringIO()
                writer = csv.writer(buf)
                header = list(records[0]) if records else []
                writer.writerow(header)
                writer.writerows([[json.dumps(v, ensure_ascii=False) if isinstance(v, list)
                                   else v for v in r.values()] for r in records])
                zf.writestr(f"{name}.csv", buf.getvalue())
    return {"seconds": time.perf_counter() - t, "records": sum(map(len, data.values()))}


def ours_export(db: str, out: str, fmt: str) -> dict:
    from tracker.exchange import export_file
    from tracker.session import open_session

    repo = open_session(db)
    t = time.perf_counter()
    _path, n = export_file(repo, out, fmt)
    seconds = time.perf_counter() - t
    repo.close()
    return {"seconds": seconds, "records": n}


#: the tables an import writes besides the kinds', their link lists and citations, with the
#: columns read back as written (``written_rows``)
WRITTEN = {"reports": "*", "search": "rowid AS id, kind, record_id, body, forms, state",
           "audit": "*", "settings": "*"}


def written_rows(db: str, out: str) -> dict:
    """The rows of ``WRITTEN`` in ``db`` (an empty database an import filled), as written, read
    with raw sqlite3 and pickled into ``out`` for ``floor_import``."""
    conn = sqlite3.connect(db)
    rows: dict[str, list[dict]] = {}
    for table, columns in WRITTEN.items():
        cur = conn.execute(f"SELECT {columns} FROM [{table}]")
        names = [d[0] for d in cur.description]
        rows[table] = [dict(zip(names, row)) for row in cur]
    conn.close()
    with open(out, "wb") as fh:
        pickle.dump(rows, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return {"rows": {table: len(found) for table, found in rows.items()}}


def floor_import(src: str, db: str, rows: str | None = None) -> dict:
    """``db``: a new file. The tables are made by sqlite-utils from the rows (no indexes beyond
    the keys), then each kind's search index built from its searchable columns by sqlite-utils
    ``enable_fts`` (which fills it from the table). ``rows``: a ``written_rows`` file: its rows
    are inserted too (read before the clock starts: ``untimed_cpu``), and the FTS rebuild
    indexes its search rows (their text, word forms, kind and state) instead."""
    from sqlite_utils import Database

    untimed = cpu_seconds()
    written = None
    if rows:
        with open(rows, "rb") as fh:
            written = pickle.load(fh)
    untimed = cpu_seconds() - untimed
    t = time.perf_counter()
    with open(src, encoding="utf-8") as fh:
        data = json.load(fh)
    data = {name: records for name, records in data.items() if name in KINDS}  # not _settings
    database = Database(db)
    ids: dict[str, dict[str, int]] = {name: {r["uid"]: i for i, r in enumerate(records, 1)}
                                      for name, records in data.items()}
    n = 0
    with database.conn:
        for name in KIND_ORDER:
            kind = KINDS[name]
            stored = [f.name for f in kind.stored_fields]
            rows, pairs = [], {f.name: [] for f in kind.link_lists}
            cites = []
            for rid, r in enumerate(data[name], 1):
                row = {c: r.get(c) for c in SYSTEM_FIELDS} | {c: r.get(c) for c in stored}
                row["id"] = rid
                for f in kind.fields:
                    if f.type == LINK:
                        row[f.name] = ids[f.target].get(r.get(f.name))
                    elif f.type == LINKS:
                        pairs[f.name] += [(rid, ids[f.target][u]) for u in r.get(f.name) or []]
                rows.append(row)
                cites += [{"kind": name, "record_id": rid, "position": p,
                           "source_id": ids[SOURCE_KIND.name][c["source_uid"]],
                           "quote": c["quote"]} for p, c in enumerate(r.get("sources") or [])]
            database[name].insert_all(rows, pk="id", batch_size=1000)
            for field, found in pairs.items():
                target = kind.field(field).target
                database[f"{name}_{field}"].insert_all(
                    [{f"{name}_id": a, f"{target}_id": b} for a, b in found], batch_size=1000)
            database["citations"].insert_all(cites, batch_size=1000)
            n += len(rows)
        for table, found in (written or {}).items():
            database[table].insert_all(found, pk="id" if found and "id" in found[0] else None,
                                       batch_size=1000)
    if written is not None:  # the FTS rebuild of the search rows as the app indexes them
        database["search"].enable_fts(["kind", "body", "forms", "state"])
    else:
        for name in KIND_ORDER:  # the FTS rebuild
            database[name].enable_fts([f.name for f in KINDS[name].searchable_fields])
    database.close()
    return {"seconds": time.perf_counter() - t, "records": n, "untimed_cpu": untimed}


def ours_import(src: str, db: str) -> dict:
    from tracker.exchange import import_file
    from tracker.session import open_session

    t = time.perf_counter()
    repo = open_session(db, user="bench")
    calls = []
    result = import_file(repo, src, progress=lambda done, total, stage: calls.append(done))
    repo.close()
    return {"seconds": time.perf_counter() - t, "records": result.total,
            "progress_reports": len(calls)}


def cpu_seconds() -> float:
    """This process's CPU time so far (user and system)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def with_cpu(fn):
    """``fn``'s result with ``cpu``: the CPU seconds it took (what the work cost, whatever else
    ran on the machine; ``seconds`` is the clock's), less its ``untimed_cpu`` (set up before
    its clock started)."""
    def measured(*args):
        start = cpu_seconds()
        result = fn(*args)
        untimed = result.pop("untimed_cpu", 0.0)
        return {**result, "cpu": cpu_seconds() - start - untimed}
    return measured


EXCHANGE = {name: with_cpu(fn) for name, fn in (
    ("floor_export", floor_export), ("ours_export", ours_export),
    ("floor_import", floor_import), ("ours_import", ours_import))}
EXCHANGE["written_rows"] = written_rows
