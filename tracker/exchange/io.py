"""Import and export: records as JSON (one object keyed by kind) or CSV (one file per kind).

The shapes are built from :mod:`tracker.model.catalogue`, never from a hand-written field list.

* ``record_json(repo, kind, record)`` — a record as ``list --json`` and ``show --json`` print it:
  every system field and declared field, ``sources`` (``[{source_id, source, quote}]``) and, for the
  road map, the derived ``overdue``.
* ``export_data(repo)`` — every record of every kind (the trash included, with ``deleted_at``), in
  a portable shape: a link field holds the target's ``uid``, a link list a list of ``uid`` s, and a
  source reference ``{source_uid, source, quote}``. ``write_json`` / ``write_csv`` save it through
  a temporary name and a rename, so a crash never leaves half a file under the real name.
* ``import_data(repo, data)`` — the export shape back in: a record whose ``uid`` is known updates
  it, the others are created. Everything is checked before anything is written; one invalid record
  raises :class:`ImportProblem` naming the kind, the record and the field, and nothing is written.
  The whole import is one transaction with one ``import`` audit entry per record it changes.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.i18n import _, format_date
from tracker.model import (
    DATE,
    KIND_ORDER,
    KINDS,
    LINK,
    LINKS,
    SOURCE_KIND,
    SYSTEM_FIELDS,
    Kind,
    display_value,
    get_kind,
)
from tracker.store.repository import Change, Repository, TrackerError

FORMAT_VERSION = 1
# Spreadsheet programs run a cell beginning with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Keys of an exported record that are not fields the user edits.
#: The key of a record's sources with their quotes, in JSON records and as a CSV column.
SOURCES_KEY = "sources"
DERIVED_KEYS = (SOURCES_KEY, "overdue")
MAX_IMPORT_BYTES = 512 * 1024 * 1024
CSV_FIELD_LIMIT = 8 * 1024 * 1024  # characters: above the longest field (a source's text)


class ImportProblem(TrackerError):
    """The file cannot be imported; ``problems`` lists (kind, record, field, message)."""

    def __init__(self, problems: list[tuple[str, str, str, str]]):
        self.problems = problems
        first = problems[0]
        message = _("{kind} {record}: {field}: {message}").format(
            kind=first[0], record=first[1], field=first[2], message=first[3])
        if len(problems) > 1:
            message += " " + _("(and {n} more problems; nothing was imported)").format(
                n=len(problems) - 1)
        else:
            message += " " + _("(nothing was imported)")
        super().__init__(message)


class FileProblem(TrackerError):
    """The file is unreadable or not in an import shape."""


# --- the record shapes ----------------------------------------------------------------------------

def _citations(repo: Repository, kind_name: str, record: dict) -> list[dict]:
    """The record's sources with their quotes: as ``get`` gave them, else read."""
    citations = record.get("citations")
    if citations is None and record.get("id") is not None:
        citations = repo.citations(kind_name, record["id"])
    return citations or []


def record_json(repo: Repository, kind_name: str, record: dict,
                today: _dt.date | None = None) -> dict[str, Any]:
    """A record as the CLI prints it with ``--json`` (ids are this database's ids)."""
    kind = get_kind(kind_name)
    out: dict[str, Any] = {name: record.get(name) for name in SYSTEM_FIELDS}
    for f in kind.fields:
        value = record.get(f.name)
        out[f.name] = list(value or []) if f.type == LINKS else value
    citations = _citations(repo, kind.name, record)
    out["sources"] = [{"source": c["source"], "quote": c["quote"], "source_id": c["source_id"]}
                      for c in citations]
    if kind.deadline is not None:
        out["overdue"] = kind.is_overdue(record, today)
    return out


def record_text(repo: Repository, kind_name: str, record: dict, *,
                for_mail: bool = False) -> str:
    """A record as text, in the interface language: every field under its label, links by title,
    the sources with their quotes.

    The default is the CLI's ``show`` (aligned columns, ids, stamps). ``for_mail`` is what an
    official pastes into a message or a note: only the fields that have a value, "Label: value",
    dates written out ("9 June 2017"), links and sources without ids."""
    kind = get_kind(kind_name)
    rows: list[tuple[str, str, str]] = []  # (field, label, text)
    for f in kind.fields:
        value = record.get(f.name)
        if f.type in (LINK, LINKS):
            ids = value if isinstance(value, list) else ([] if value is None else [value])
            titles = repo.titles(f.target, list(ids))
            text = "; ".join(titles.get(i, "?") if for_mail else f"{titles.get(i, '?')} [{i}]"
                             for i in ids)
        elif for_mail and f.type == DATE:
            text = format_date(value)
        else:
            text = display_value(kind, f.name, value)
        if for_mail and not text.strip():
            continue
        rows.append((f.name, _(f.label), text))
    citations = _citations(repo, kind.name, record)
    lines: list[str] = []
    if for_mail:
        lines.append(f"{_(kind.label)}: {record.get('title') or ''}")
        lines += [f"{label}: {text}" for name, label, text in rows if name != "title"]
        if kind.is_overdue(record):
            lines.append(_("Overdue: the due date has passed"))
        if citations:
            lines.append(_("Sources:"))
            lines += [f"– “{' '.join(c['quote'].split())}” ({c['source']})" for c in citations]
        return "\n".join(lines)
    width = max(len(_(f.label)) for f in kind.fields)
    lines.append(f"{_(kind.label)} {record['id']}  (uid {record['uid']}, "
                 f"{_('version')} {record['version']})")
    if record.get("deleted_at"):
        lines.append(_("In the trash since {when}").format(when=record["deleted_at"]))
    for _name, label, text in rows:
        parts = text.splitlines() or [""]
        lines.append(f"{label.ljust(width)}  {parts[0]}")
        lines += [f"{'':{width}}  {part}" for part in parts[1:]]
    if kind.is_overdue(record):
        lines.append(_("Overdue: the due date has passed"))
    lines.append(_("Created {when} by {who}; updated {uwhen} by {uwho}").format(
        when=record["created_at"], who=record["created_by"], uwhen=record["updated_at"],
        uwho=record["updated_by"]))
    for c in citations:
        lines.append(_("Source [{id}] {title}: “{quote}”").format(
            id=c["source_id"], title=c["source"], quote=" ".join(c["quote"].split())))
    return "\n".join(lines)


class _UidMap:
    """Cached id -> uid (and back) per kind."""

    def __init__(self, repo: Repository):
        self.repo = repo
        self._by_id: dict[str, dict[int, str]] = {}

    def _load(self, kind: str) -> None:
        if kind not in self._by_id:
            self._by_id[kind] = self.repo.uids(kind)

    def uid(self, kind: str, record_id: int | None) -> str | None:
        if record_id is None:
            return None
        self._load(kind)
        return self._by_id[kind].get(record_id)


def portable_record(repo: Repository, kind_name: str, record: dict,
                    uids: _UidMap | None = None, today: _dt.date | None = None) -> dict[str, Any]:
    """A record as exported: links by ``uid`` so the file imports into any database."""
    kind = get_kind(kind_name)
    uids = uids or _UidMap(repo)
    out = record_json(repo, kind.name, record, today)
    for f in kind.fields:
        if f.type == LINK:
            out[f.name] = uids.uid(f.target, record.get(f.name))
        elif f.type == LINKS:
            out[f.name] = [u for u in (uids.uid(f.target, i) for i in record.get(f.name) or [])
                           if u]
    out["sources"] = [{"source_uid": uids.uid(SOURCE_KIND.name, c["source_id"]),
                       "source": c["source"], "quote": c["quote"]}
                      for c in record.get("citations") or []]
    return out


def export_data(repo: Repository, kinds: list[str] | None = None,
                today: _dt.date | None = None) -> dict[str, list[dict]]:
    """Every record of the given kinds (default: all, in reading order), the trash included."""
    uids = _UidMap(repo)
    data: dict[str, list[dict]] = {}
    for name in kinds or KIND_ORDER:
        kind = get_kind(name)
        rows = repo.list(kind.name, sort="id", with_links=True)
        rows += repo.list(kind.name, sort="id", with_links=True, trash=True)
        rows.sort(key=lambda r: r["id"])
        data[kind.name] = [portable_record(repo, kind.name, r, uids, today) for r in rows]
    return data


# --- writing files --------------------------------------------------------------------------------

def neutralise(text: str) -> str:
    """Make a CSV cell safe to open in a spreadsheet: a cell that would start a formula gets a
    leading ``'``. Reversible: a cell already made of apostrophes before a formula character gets
    one more, and :func:`unneutralise` takes exactly one away."""
    stripped = text.lstrip("'")
    if stripped[:1] and stripped[0] in FORMULA_START:
        return "'" + text
    return text


def unneutralise(text: str) -> str:
    stripped = text.lstrip("'")
    if text.startswith("'") and stripped[:1] and stripped[0] in FORMULA_START:
        return text[1:]
    return text


def csv_header(kind: Kind) -> list[str]:
    """The columns of a kind's CSV file: system fields, declared fields, then sources."""
    names = [n for n in SYSTEM_FIELDS if n != "id"]
    names += [f.name for f in kind.fields]
    names.append("sources")
    if kind.deadline is not None:
        names.append("overdue")
    return names


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return json.dumps(value, ensure_ascii=False)
        return "; ".join(str(v) for v in value)
    return str(value)


def csv_text(kind_name: str, records: list[dict]) -> str:
    """One kind's records (in the export shape) as CSV text, formulas neutralised."""
    kind = get_kind(kind_name)
    header = csv_header(kind)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    for record in records:
        writer.writerow([neutralise(_csv_cell(record.get(name))) for name in header])
    return buf.getvalue()


def list_csv(repo: Repository, kind_name: str, *, search: str | None = None,
             status: str | None = None, sort: str | None = None, descending: bool = False,
             trash: bool = False, columns: list[str] | None = None,
             lineterminator: str = "\r\n") -> tuple[str, int]:
    """The list a page or ``list`` shows, as people read it, for a spreadsheet: the same filter
    and order, the table's columns under their labels (``columns``: the page's shown ones, in
    its order), choices by their labels (in the current language), road-map items marked
    overdue; formulas neutralised. Returns (CSV text, rows). ``lineterminator`` "\n" for a text
    stream that translates line ends itself (stdout)."""
    kind = get_kind(kind_name)
    fields = list(kind.columns)
    if columns is not None:
        by_name = {f.name: f for f in fields}
        fields = [by_name[name] for name in columns if name in by_name]
    query = ["id", *(f.name for f in fields)]
    roadmap = kind.deadline is not None  # rows say whether they are overdue
    if roadmap:
        query += [c for c in ("status", kind.deadline.field) if c not in query]

    overdue_word = _("overdue")
    today = _dt.date.today()
    header = ["#", *(_(f.label) for f in fields)] + ([_("Overdue")] if roadmap else [])
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=lineterminator)
    writer.writerow([neutralise(h) for h in header])
    n = 0
    for r in repo.list(kind.name, search=search, status=status, sort=sort,
                       descending=descending, trash=trash, columns=query):
        line = [str(r["id"]), *(display_value(kind, f.name, r.get(f.name)) for f in fields)]
        if roadmap:
            line.append(overdue_word if kind.is_overdue(r, today) else "")
        writer.writerow([neutralise(cell) for cell in line])
        n += 1
    return buf.getvalue(), n


def write_list_csv(path: str | os.PathLike, text: str) -> Path:
    """A list's CSV (``list_csv``) to ``path``, with the byte-order mark spreadsheets look for
    to read UTF-8 (Cyrillic); temp-then-rename."""
    path = Path(path)
    _write_atomic(path, ("\ufeff" + text).encode("utf-8"))
    return path


def _write_atomic(path: Path, data: bytes) -> None:
    """``data`` to ``path`` through a private temp file beside it, renamed over it at the end
    (``tracker.outputs.replacing``: a symlink is written through, a device or FIFO refused)."""
    from tracker.outputs import replacing

    with replacing(path, error=FileProblem) as tmp, open(tmp, "wb") as fh:
        fh.write(data)


def json_text(data: dict[str, list[dict]]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write_json(path: str | os.PathLike, data: dict[str, list[dict]]) -> Path:
    path = Path(path)
    _write_atomic(path, json_text(data).encode("utf-8"))
    return path


def write_csv(path: str | os.PathLike, data: dict[str, list[dict]]) -> Path:
    """A zip of one CSV per kind if ``path`` ends in ``.zip``, else a folder of them."""
    path = Path(path)
    texts = {name: csv_text(name, records) for name, records in data.items()}
    if path.suffix.lower() == ".zip":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, text in texts.items():
                zf.writestr(f"{name}.csv", ("\ufeff" + text).encode("utf-8"))
        _write_atomic(path, buf.getvalue())
        return path
    if path.exists() and not path.is_dir():
        raise FileProblem(_("{path} exists and is not a folder").format(path=path))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    for name, text in texts.items():
        _write_atomic(path / f"{name}.csv", ("\ufeff" + text).encode("utf-8"))
    return path


# --- reading files --------------------------------------------------------------------------------

def read_file(path: str | os.PathLike) -> dict[str, list]:
    """Read an export: a JSON file, a zip of CSV files or a folder of them."""
    path = Path(path)
    if not path.exists():
        raise FileProblem(_("{path}: no such file").format(path=path))
    from tracker.outputs import is_open_database

    if is_open_database(path):  # reading it here would drop SQLite's locks on it
        raise FileProblem(_("{path} is the database itself; give another file name").format(
            path=path))
    if path.is_dir():
        files = {p.stem: p for p in sorted(path.glob("*.csv"))}
        if not files:
            raise FileProblem(_("{path} is a folder with no CSV files to import").format(
                path=path))
        return {name: _read_csv(name, p.read_bytes()) for name, p in files.items()}
    if path.stat().st_size > MAX_IMPORT_BYTES:
        raise FileProblem(_("{path} is too large to import").format(path=path))
    raw = path.read_bytes()
    if zipfile.is_zipfile(path):
        out: dict[str, list] = {}
        try:
            with zipfile.ZipFile(path) as zf:
                for info in zf.infolist():
                    name = Path(info.filename).name
                    if info.is_dir() or not name.lower().endswith(".csv"):
                        continue
                    if info.file_size > MAX_IMPORT_BYTES:
                        raise FileProblem(_("{path}: {name} is too large to import").format(
                            path=path, name=name))
                    out[Path(name).stem] = _read_csv(Path(name).stem, zf.read(info))
        except (zipfile.BadZipFile, EOFError) as exc:
            raise FileProblem(_("{path} is a damaged zip file ({error})").format(
                path=path, error=exc)) from None
        if not out:
            raise FileProblem(_("{path} holds no CSV files to import").format(path=path))
        return out
    return parse_json(raw, str(path))


def parse_json(raw: bytes | str, where: str = "input") -> dict[str, list]:
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FileProblem(_("{path} is not a JSON export (not UTF-8 text)").format(
                path=where)) from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise FileProblem(_("{path} is not valid JSON (line {line}, column {col}: {error})")
                          .format(path=where, line=exc.lineno, col=exc.colno, error=exc.msg)
                          ) from None
    except RecursionError:
        raise FileProblem(_("{path} is nested too deeply to be an export").format(
            path=where)) from None
    if not isinstance(data, dict):
        raise FileProblem(_("{path} is not an export: expected an object keyed by kind "
                            "({kinds})").format(path=where, kinds=", ".join(KIND_ORDER)))
    return data


def _read_csv(name: str, raw: bytes) -> list[dict]:
    if name not in KINDS:
        raise FileProblem(_("{name}.csv: unknown kind {name!r}; choose one of: {kinds}").format(
            name=name, kinds=", ".join(KIND_ORDER)))
    kind = KINDS[name]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem(_("{name}.csv is not UTF-8 text").format(name=name)) from None
    if csv.field_size_limit() < CSV_FIELD_LIMIT:  # the default (128 KiB) is below MAX_MULTILINE
        csv.field_size_limit(CSV_FIELD_LIMIT)
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise FileProblem(_("{name}.csv is not a readable CSV file ({error})").format(
            name=name, error=exc)) from None
    if not rows:
        return []
    header = [h.strip() for h in rows[0]]
    records = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise FileProblem(_("{name}.csv line {line}: more cells than columns").format(
                name=name, line=number))
        record: dict[str, Any] = {}
        for column, raw_cell in zip(header, row):
            if column in ("overdue", "id"):  # derived, or this database's own number
                continue
            cell = unneutralise(raw_cell)
            if column == SOURCES_KEY:
                record[column] = _csv_sources(name, number, cell)
            elif column in kind.field_names and kind.field(column).type == LINKS:
                record[column] = [p.strip() for p in cell.replace(",", ";").split(";")
                                  if p.strip()]
            else:  # an unknown column is reported as "no such field" when checked
                record[column] = cell if cell != "" else None
        records.append(record)
    return records


def _csv_sources(name: str, line: int, cell: str) -> list:
    if not cell.strip():
        return []
    try:
        value = json.loads(cell)
    except json.JSONDecodeError:
        raise FileProblem(_("{name}.csv line {line}: sources: expected a JSON list of "
                            "{{source_uid, source, quote}}").format(name=name, line=line)
                          ) from None
    return value


# --- importing ------------------------------------------------------------------------------------

@dataclass
class _Planned:
    kind: Kind
    index: int  # position in the file's list for this kind (1-based)
    uid: str | None
    values: dict  # user fields, link fields still as given
    stamps: dict
    deleted_at: Any  # ... = leave as is
    sources: list | None  # None: leave citations as they are
    existing_id: int | None = None
    record_id: int | None = None
    before: dict | None = None
    name: str = ""
    links: dict = field(default_factory=dict)
    rewritten: bool = False


@dataclass
class ImportResult:
    created: dict[str, int]
    updated: dict[str, int]
    unchanged: dict[str, int]
    change: Change | None

    @property
    def total(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())


def _kind_order() -> list[str]:
    """Kinds so that link targets come before the records linking to them (sources first: every
    kind cites them)."""
    order: list[str] = []
    pending = [SOURCE_KIND.name, *[k for k in KIND_ORDER if k != SOURCE_KIND.name],
               *[k for k in KINDS if k not in KIND_ORDER]]
    while pending:
        for name in pending:
            targets = {f.target for f in KINDS[name].fields if f.target and f.target != name}
            if targets <= set(order):
                order.append(name)
                pending.remove(name)
                break
        else:  # a cycle between kinds: fall back to reading order
            order.extend(pending)
            break
    return order


def _label(record: Any, index: int, uid: str | None) -> str:
    title = record.get("title") if isinstance(record, dict) else None
    if isinstance(title, str) and title.strip():
        short = " ".join(title.split())
        short = short if len(short) <= 60 else short[:59] + "…"
        return _("#{n} {title!r}").format(n=index, title=short)
    if uid:
        return _("#{n} (uid {uid})").format(n=index, uid=uid)
    return _("#{n}").format(n=index)


def _as_uid(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


class _DryRun(Exception):
    def __init__(self, result: ImportResult):
        super().__init__("dry run")
        self.result = result


def import_data(repo: Repository, data: Any, *, label: str | None = None,
                dry_run: bool = False) -> ImportResult:
    """Apply an export (``{kind: [records]}``) to ``repo``: all of it, or nothing.

    ``dry_run``: do everything in the write transaction, then roll it back: the counts are
    exactly what the import would do, and nothing is written."""
    if not isinstance(data, dict):
        raise FileProblem(_("not an export: expected an object keyed by kind ({kinds})").format(
            kinds=", ".join(KIND_ORDER)))
    problems: list[tuple[str, str, str, str]] = []
    for key, value in data.items():
        if key not in KINDS:
            if key.startswith("_"):  # room for metadata such as "_format"
                continue
            raise FileProblem(_("unknown kind {name!r} in the file; choose one of: {kinds}")
                              .format(name=key, kinds=", ".join(KIND_ORDER)))
        if not isinstance(value, list):
            raise FileProblem(_("{kind}: expected a list of records").format(kind=key))

    # 1. Read every record and index the uids the file brings.
    planned: dict[str, list[_Planned]] = {}
    file_uids: dict[str, dict[str, _Planned]] = {k: {} for k in KINDS}
    existing: dict[str, dict[str, int]] = {}
    for name in KINDS:
        existing[name] = {uid: rid for rid, uid in repo.uids(name).items()}
    for name in _kind_order():
        kind = KINDS[name]
        items = data.get(name) or []
        planned[name] = []
        for index, raw in enumerate(items, start=1):
            if not isinstance(raw, dict):
                problems.append((name, _("#{n}").format(n=index), _("(record)"),
                                 _("expected an object with the record's fields")))
                continue
            uid_raw = raw.get("uid")
            uid = _as_uid(uid_raw)
            where = _label(raw, index, uid)
            if uid_raw not in (None, "") and (uid is None or len(uid) > 100):
                problems.append((name, where, "uid", _("expected an identifier of at most 100 "
                                                       "characters")))
                continue
            if uid and uid in file_uids[name]:
                problems.append((name, where, "uid", _("the file holds this uid twice")))
                continue
            values = {k: v for k, v in raw.items()
                      if k not in SYSTEM_FIELDS and k not in DERIVED_KEYS}
            stamps = {}
            for key in ("created_at", "created_by"):
                if isinstance(raw.get(key), str) and 0 < len(raw[key]) <= 100:
                    stamps[key] = raw[key]
            deleted = raw.get("deleted_at", ...)
            if deleted is not ... and deleted is not None and not (
                    isinstance(deleted, str) and 0 < len(deleted) <= 100):
                problems.append((name, where, "deleted_at", _("expected a date-time or null")))
                continue
            sources = raw.get("sources")
            if sources is not None and not isinstance(sources, list):
                problems.append((name, where, "sources", _("expected a list of "
                                                           "{{source_uid, source, quote}}")))
                continue
            item = _Planned(kind, index, uid, values, stamps, deleted, sources, name=where)
            if uid and uid in existing[name]:
                item.existing_id = existing[name][uid]
            planned[name].append(item)
            if uid:
                file_uids[name][uid] = item

    # 2. Resolve links (by uid: in the database or in the file; an integer is this database's
    #    id) and check every record as the repository would.
    source_titles: dict[str, list] = {}
    every_source = sorted(
        (r["id"], r["title"]) for trash in (False, True)
         for r in repo.list(SOURCE_KIND.name, columns=["title"], sort="id", trash=trash))
    for sid, title in every_source:
        source_titles.setdefault(" ".join(str(title).split()).casefold(), []).append(sid)
    for item in planned.get(SOURCE_KIND.name, []):
        title = item.values.get("title")
        if isinstance(title, str) and item.existing_id is None:
            source_titles.setdefault(" ".join(title.split()).casefold(), []).append(item)

    def resolve(target: str, ref: Any) -> tuple[Any, str | None]:
        """(id or _Planned, problem)"""
        if ref is None or (isinstance(ref, str) and not ref.strip()):
            return None, None
        if isinstance(ref, bool):
            return None, _("expected a record uid, got {value!r}").format(value=ref)
        if isinstance(ref, int):
            if abs(ref) < 2**63 and repo.exists(target, ref):
                return ref, None
            return None, _("no {kind} with id {id}").format(kind=target, id=ref)
        if isinstance(ref, str):
            ref = ref.strip()
            if ref in file_uids[target]:
                item = file_uids[target][ref]
                return (item.existing_id if item.existing_id is not None else item), None
            if ref in existing[target]:
                return existing[target][ref], None
            if ref.isdigit() and repo.exists(target, int(ref)):
                return int(ref), None
            short = ref if len(ref) <= 40 else ref[:39] + "…"
            return None, _("no {kind} with uid {uid} in the file or the database").format(
                kind=target, uid=short)
        return None, _("expected a record uid, got {value!r}").format(value=str(ref)[:40])

    for name in _kind_order():
        for item in planned[name]:
            kind = item.kind
            check_values = dict(item.values)
            for f in kind.fields:
                if f.name not in item.values or f.type not in (LINK, LINKS):
                    continue
                raw = item.values[f.name]
                if f.type == LINK:
                    target, problem = resolve(f.target, raw)
                    if problem:
                        problems.append((name, item.name, f.name, problem))
                        continue
                    item.links[f.name] = target
                    check_values[f.name] = target if isinstance(target, int) else None
                else:
                    refs = raw.replace(",", ";").split(";") if isinstance(raw, str) else raw
                    if refs is None:
                        refs = []
                    if not isinstance(refs, list):
                        problems.append((name, item.name, f.name,
                                         _("expected a list of record uids")))
                        continue
                    targets = []
                    for ref in refs:
                        target, problem = resolve(f.target, ref)
                        if problem:
                            problems.append((name, item.name, f.name, problem))
                            break
                        if target is not None:
                            targets.append(target)
                    else:
                        item.links[f.name] = targets
                    check_values[f.name] = [t for t in targets if isinstance(t, int)]
            try:
                record, found = repo.check(name, check_values, record_id=item.existing_id)
            except RecursionError:
                found = {"(record)": _("nested too deeply")}
            for fname, message in found.items():
                problems.append((name, item.name, fname, message))
            item.values = record if not found else item.values
            if item.sources is not None:
                for number, ref in enumerate(item.sources, start=1):
                    problem = _source_problem(ref, resolve, source_titles)
                    if problem:
                        problems.append((name, item.name, "sources",
                                         _("source {n}: {problem}").format(n=number,
                                                                           problem=problem)))
    if problems:
        raise ImportProblem(problems)

    # 3. Write, in one transaction: targets before the records linking to them.
    created: dict[str, int] = {}
    updated: dict[str, int] = {}
    unchanged: dict[str, int] = {}
    label = label or _("Import")
    touched: set[str] = set()

    def ident(target: Any) -> int | None:
        return target.record_id if isinstance(target, _Planned) else target

    try:
        with repo.batch() as batch:
            for name in _kind_order():
                kind = KINDS[name]
                written: list[_Planned] = []
                for item in planned[name]:
                    record = dict(item.values)
                    for fname, target in item.links.items():
                        if isinstance(target, list):
                            record[fname] = sorted({ident(t) for t in target})
                        else:
                            record[fname] = ident(target)
                    if item.existing_id is None:
                        stamps = dict(item.stamps)
                        if item.deleted_at not in (..., None):
                            stamps["deleted_at"] = item.deleted_at
                        item.record_id = batch.insert(kind, record, uid=item.uid,
                                                      stamps=stamps)
                        item.before = None
                        written.append(item)
                        continue
                    item.record_id = item.existing_id
                    before = repo.get(name, item.existing_id)
                    item.before = before
                    deleted = before["deleted_at"] if item.deleted_at is ... else item.deleted_at
                    same = all(record.get(f.name) == before.get(f.name) for f in kind.fields) and (
                        bool(deleted) == bool(before["deleted_at"]))
                    if same:
                        item.before = before
                        written.append(item)
                        continue
                    if bool(deleted) == bool(before["deleted_at"]):
                        deleted = before["deleted_at"]
                    batch.write_state(kind, item.existing_id, record, before,
                                      deleted_at=deleted)
                    item.rewritten = True
                    written.append(item)
                for item in written:  # citations, once every source the file brings exists
                    if item.sources is None:
                        continue
                    wanted = [{"source_id": ident(_resolve_source(ref, resolve, source_titles)),
                               "quote": _quote(ref)} for ref in item.sources]
                    current = [{"source_id": c["source_id"], "quote": c["quote"]}
                               for c in repo.citations(name, item.record_id)]
                    if wanted != current:
                        batch.set_citations(kind, item.record_id, wanted)
                        if item.before is not None and not item.rewritten:
                            batch.touch(kind, item.record_id)  # a new version all the same
                for item in written:
                    after = repo.get(name, item.record_id)
                    if item.before is not None and _same_state(kind, item.before, after):
                        unchanged[name] = unchanged.get(name, 0) + 1
                        continue
                    action_count = created if item.before is None else updated
                    action_count[name] = action_count.get(name, 0) + 1
                    batch.audit(name, item.record_id, after["uid"], "import", label,
                                item.before, after)
                    touched.add(name)
            if dry_run:  # every check and write done; none of it kept
                raise _DryRun(ImportResult(created, updated, unchanged, None))
    except _DryRun as done:
        return done.result
    change = Change("", None, "import", label, None, frozenset(touched)) if touched else None
    return ImportResult(created, updated, unchanged, change)


def _same_state(kind: Kind, before: dict, after: dict) -> bool:
    keys = [f.name for f in kind.fields] + ["deleted_at", "citations"]
    return all(before.get(k) == after.get(k) for k in keys)


def _quote(ref: Any) -> str:
    quote = ref.get("quote") if isinstance(ref, dict) else None
    return "" if quote is None else str(quote)


def _source_problem(ref: Any, resolve, titles: dict) -> str | None:
    if not isinstance(ref, dict):
        return _("expected {{source_uid, source, quote}}")
    quote = ref.get("quote")
    if quote is not None and not isinstance(quote, str):
        return _("quote: expected text")
    if isinstance(quote, str) and len(quote) > 100_000:
        return _("quote: too long ({n} characters; at most {limit})").format(
            n=len(quote), limit=100_000)
    uid = ref.get("source_uid")
    if uid not in (None, ""):
        _target, problem = resolve(SOURCE_KIND.name, uid)
        return problem
    title = ref.get("source")
    if not isinstance(title, str) or not title.strip():
        return _("name the source by source_uid or by its title (source)")
    matches = titles.get(" ".join(title.split()).casefold(), [])
    if not matches:
        return _("no source titled {title!r}").format(title=title[:60])
    if len(matches) > 1:
        return _("several sources are titled {title!r}; give source_uid").format(
            title=title[:60])
    return None


def _resolve_source(ref: dict, resolve, titles: dict) -> Any:
    uid = ref.get("source_uid")
    if uid not in (None, ""):
        return resolve(SOURCE_KIND.name, uid)[0]
    return titles[" ".join(ref["source"].split()).casefold()][0]


def import_file(repo: Repository, path: str | os.PathLike, *, dry_run: bool = False
                ) -> ImportResult:
    return import_data(repo, read_file(path), dry_run=dry_run)
