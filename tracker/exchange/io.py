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
  A record the file holds in an older version than the database (changed here since the export)
  refuses the import (:class:`ImportConflict`) unless ``skip_older`` leaves it alone.
* ``import_file(repo, path)`` — the same from a JSON file, a zip of CSV files or a folder of them,
  read as a stream within limits (see "reading files"); ``result.files`` says how each file was
  read (encoding, delimiter), ``result.conflicts`` lists the older records.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import os
import pickle
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.i18n import _, format_date, ngettext
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
from tracker.model.text import quote_key, quote_problem
from tracker.store.errors import StorageError
from tracker.store.repository import (
    Change,
    ConflictError,
    ReadOnlyError,
    Repository,
    TrackerError,
)

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

    def __init__(self, problems: list[tuple[str, str, str, str]], count: int | None = None):
        self.problems = problems
        self.count = len(problems) if count is None else count  # all of them (some not listed)
        first = problems[0]
        message = _("{kind} {record}: {field}: {message}").format(
            kind=first[0], record=first[1], field=first[2], message=first[3])
        if self.count > 1:
            message += " " + _("(and {n} more problems; nothing was imported)").format(
                n=self.count - 1)
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

def _formula(part: str) -> bool:
    """True when a spreadsheet would run ``part`` (apostrophes and spaces before it aside) as a
    formula."""
    stripped = part.lstrip("' ")
    return bool(stripped) and stripped[0] in FORMULA_START


def neutralise(text: str) -> str:
    """Make a CSV cell safe to open in a spreadsheet: a cell that would start a formula gets a
    leading ``'``, and so does every part of it after a ``;`` (a spreadsheet whose list separator
    is ``;``, as Russian Excel's is, splits a comma-separated file's cells there: ``x;=1+1``
    would become a formula cell). Reversible: a part already made of apostrophes before a formula
    character gets one more, and :func:`unneutralise` takes exactly one away."""
    if ";" not in text:
        return "'" + text if _formula(text) else text
    return ";".join("'" + part if _formula(part) else part for part in text.split(";"))


def unneutralise(text: str) -> str:
    if "'" not in text:
        return text
    return ";".join(part[1:] if part.startswith("'") and _formula(part) else part
                    for part in text.split(";"))


def csv_header(kind: Kind) -> list[str]:
    """The columns of a kind's CSV file: system fields, declared fields, then sources."""
    names = [n for n in SYSTEM_FIELDS if n != "id"]
    names += [f.name for f in kind.fields]
    names.append(SOURCES_KEY)
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
#
# Reading never holds a whole file: JSON is parsed as a stream of events (ijson) and built one
# record at a time; a CSV file is decoded and parsed row by row from its file or zip member. What
# is read is bounded: the file's size; each zip member's and the zip's total expanded size (counted
# as it is read, whatever the zip declares), the expansion ratio and the number of entries; the
# size and nesting of one JSON record.

MAX_IMPORT_BYTES = 2 * 1024**3  # a file to import (a 1,000,000-record JSON export is ~1.1 GB)
MAX_MEMBER_BYTES = 1024**3  # one CSV file as read (expanded, for a zip member)
MAX_TOTAL_BYTES = 2 * 1024**3  # every CSV file of one zip or folder together, as read
MAX_RATIO = 100  # expanded / compressed size of a zip member (exports: 4 to 10)
RATIO_FREE_BYTES = 1024**2  # the ratio is checked beyond a member's first MiB
MAX_ZIP_ENTRIES = 1000
MAX_RECORD_CHARS = 16 * 1024**2  # characters in one JSON record (a source's text: 5,000,000)
MAX_RECORD_VALUES = 1_000_000  # values in one JSON record (a list of links)
MAX_DEPTH = 32  # nesting inside one JSON record
MAX_PROBLEMS = 1000  # problems kept for the message (the rest are counted)
MAX_LISTED = 1000  # older-than-ours records kept for the list (the rest are counted)
TEXT_CACHE = 8 * 1024**2  # characters of sources' folded texts kept while quotes are checked
CSV_FIELD_LIMIT = 8 * 1024 * 1024  # characters: above the longest field (a source's text)
_CHUNK = 1 << 16
_BOM = "\ufeff"


def _ijson():
    """ijson's C backend (yajl2_c), else its pure-Python one. Imported by name so that a frozen
    build (PyInstaller) bundles it: ijson otherwise picks its backend at run time."""
    try:
        from ijson.backends import yajl2_c as backend
    except ImportError:  # pragma: no cover - a platform without the compiled wheel
        from ijson.backends import python as backend
    return backend


@dataclass
class FileInfo:
    """What an import understood of one file (the dry run shows it)."""
    name: str
    encoding: str = "UTF-8"
    delimiter: str | None = None  # None: JSON
    records: int = 0

    def describe(self) -> str:
        records = ngettext("{n} record", "{n} records", self.records).format(n=self.records)
        if self.delimiter is None:
            return _("{name}: JSON, {records}").format(name=self.name, records=records)
        delimiter = {",": _("comma"), ";": _("semicolon"), "\t": _("tab")}[self.delimiter]
        return _("{name}: {encoding}, {delimiter}-separated, {records}").format(
            name=self.name, encoding=self.encoding, delimiter=delimiter, records=records)


def read_records(path: str | os.PathLike, files: list[FileInfo] | None = None
                 ) -> Iterator[tuple[str, Any]]:
    """The records of an export, one at a time, as (kind, record as given): a JSON file, a zip of
    CSV files or a folder of them. ``files`` receives what was understood of each file. A file
    that cannot be read raises :class:`FileProblem` naming the file (and the line, for CSV)."""
    path = Path(path)
    files = [] if files is None else files
    if not path.exists():
        raise FileProblem(_("{path}: no such file").format(path=path))
    from tracker.outputs import is_open_database

    if is_open_database(path):  # reading it here would drop SQLite's locks on it
        raise FileProblem(_("{path} is the database itself; give another file name").format(
            path=path))
    if path.is_dir():
        yield from _folder_records(path, files)
        return
    size = path.stat().st_size
    if size > MAX_IMPORT_BYTES:
        raise FileProblem(_("{path} is too large to import ({size} MB; at most {limit} MB)").format(
            path=path, size=size // 1024**2, limit=MAX_IMPORT_BYTES // 1024**2))
    if zipfile.is_zipfile(path):
        yield from _zip_records(path, files)
    else:
        yield from _json_records(path, files)


# -- JSON --

def _json_problem(path: Path, exc: Exception) -> FileProblem:
    text = exc.args[0] if exc.args else ""
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    error = lines[0] if lines else type(exc).__name__
    if len(lines) > 1 and "right here" not in lines[1]:
        error += f": {lines[1][:60]}"
    return FileProblem(_("{path} is not valid JSON ({error})").format(path=path, error=error))


def _json_records(path: Path, files: list[FileInfo]) -> Iterator[tuple[str, Any]]:
    from ijson.common import JSONError

    info = FileInfo(path.name)
    files.append(info)
    with open(path, "rb") as fh:
        if fh.read(3) != b"\xef\xbb\xbf":
            fh.seek(0)
        events = _ijson().basic_parse(fh, use_float=True)
        try:
            yield from _json_export(iter(events), path, info)
        except JSONError as exc:
            raise _json_problem(path, exc) from None
        except UnicodeDecodeError:
            raise FileProblem(_("{path} is not a JSON export (not UTF-8 text)").format(
                path=path)) from None


def _json_export(events: Iterator, path: Path, info: FileInfo) -> Iterator[tuple[str, Any]]:
    first = next(events, None)
    if first is None or first[0] != "start_map":
        raise FileProblem(_("{path} is not an export: expected an object keyed by kind "
                            "({kinds})").format(path=path, kinds=", ".join(KIND_ORDER)))
    seen: set[str] = set()
    for key_event, key in events:
        if key_event == "end_map":
            break
        start, start_value = next(events)
        if key in seen:
            raise FileProblem(_("{path}: {kind} is in the file twice; keep one list").format(
                path=path, kind=key))
        seen.add(key)
        if key not in KINDS:
            if key.startswith("_"):  # room for metadata such as "_format"
                _json_value(events, start, start_value, path, key, 0)
                continue
            raise FileProblem(_("unknown kind {name!r} in the file; choose one of: {kinds}")
                              .format(name=key, kinds=", ".join(KIND_ORDER)))
        if start == "null":
            continue
        if start != "start_array":
            raise FileProblem(_("{kind}: expected a list of records").format(kind=key))
        index = 0
        for event, value in events:
            if event == "end_array":
                break
            index += 1
            record = _json_value(events, event, value, path, key, index)
            info.records += 1
            yield key, record
    for _rest in events:  # the parser reports anything after the export
        pass


def _json_value(events: Iterator, first: str, first_value: Any, path: Path, kind: str,
                index: int) -> Any:
    """One value (a record) built from its events, refused beyond the size and depth limits
    and when it names a field twice."""
    if first == "start_map":
        root: Any = {}
    elif first == "start_array":
        root = []
    else:
        return first_value
    stack: list = [root]
    keys: list = [None]
    chars = values = 0
    top = root
    for event, value in events:
        if event == "map_key":
            if len(stack) == 1 and value in top:
                raise FileProblem(_("{path}: {kind} record #{n} gives {field} twice").format(
                    path=path, kind=kind, n=index, field=str(value)[:40]))
            keys[-1] = value
            continue
        if event in ("end_map", "end_array"):
            stack.pop()
            keys.pop()
            if not stack:
                return root
            continue
        if event in ("start_map", "start_array"):
            item: Any = {} if event == "start_map" else []
            if len(stack) >= MAX_DEPTH:
                raise FileProblem(_("{path}: {kind} record #{n} is nested too deeply").format(
                    path=path, kind=kind, n=index))
        else:
            item = value
            if type(value) is str:
                chars += len(value)
        values += 1
        if chars > MAX_RECORD_CHARS or values > MAX_RECORD_VALUES:
            raise FileProblem(_("{path}: {kind} record #{n} is too large to import").format(
                path=path, kind=kind, n=index))
        container = stack[-1]
        if type(container) is dict:
            container[keys[-1]] = item
        else:
            container.append(item)
        if event in ("start_map", "start_array"):
            stack.append(item)
            keys.append(None)
    raise FileProblem(_("{path} ends inside a record").format(path=path))  # pragma: no cover


# -- CSV: zips, folders, encodings, delimiters --

class _Meter:
    """What is read from one zip or folder: refused beyond the limits, whatever it declares."""

    def __init__(self, where: Path):
        self.where = where
        self.total = 0

    def too_large(self, name: str) -> FileProblem:
        return FileProblem(_("{path}: {name} is too large to import (more than {limit} MB)")
                           .format(path=self.where, name=name, limit=MAX_MEMBER_BYTES // 1024**2))

    def bomb(self, name: str) -> FileProblem:
        return FileProblem(_("{path}: {name} expands more than {ratio} times; it is not an "
                             "export (a zip bomb?)").format(path=self.where, name=name,
                                                            ratio=MAX_RATIO))

    def check(self, name: str, size: int, compressed: int | None) -> None:
        if size > MAX_MEMBER_BYTES:
            raise self.too_large(name)
        if compressed is not None and size > RATIO_FREE_BYTES and size > compressed * MAX_RATIO:
            raise self.bomb(name)

    def add(self, n: int) -> None:
        self.total += n
        if self.total > MAX_TOTAL_BYTES:
            raise FileProblem(_("{path} is too large to import (more than {limit} MB of CSV)")
                              .format(path=self.where, limit=MAX_TOTAL_BYTES // 1024**2))


class _Counted(io.RawIOBase):
    """A member's bytes, counted as they are read: refused beyond the meter's limits."""

    def __init__(self, raw, meter: _Meter, name: str, compressed: int | None, first: bool):
        super().__init__()
        self.raw, self.meter, self.name = raw, meter, name
        self.compressed, self.first, self.count = compressed, first, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self.raw.readinto(buffer)
        if n:
            self.count += n
            self.meter.check(self.name, self.count, self.compressed)
            if self.first:
                self.meter.add(n)
        return n

    def close(self) -> None:
        try:
            self.raw.close()
        finally:
            super().close()


_ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
# What a damaged member raises while it is read (a bad CRC, a cut-off stream, a bad method).
_MEMBER_ERRORS = (zipfile.BadZipFile, EOFError, OSError, RuntimeError, NotImplementedError,
                  ValueError)


def _zip_entries(path: Path) -> int | None:
    """The number of entries the zip's end record declares (read before building the whole
    directory: a zip of a million empty entries is refused without reading them)."""
    try:
        with open(path, "rb") as fh:
            end = zipfile._EndRecData(fh)  # noqa: SLF001 - the stdlib's own reader of that record
    except (OSError, AttributeError, zipfile.BadZipFile, ValueError):
        return None
    return None if not end else end[zipfile._ECD_ENTRIES_TOTAL]  # noqa: SLF001


def _member_kind(where: Path, name: str) -> str:
    stem = name[:-4]
    if stem not in KINDS:
        raise FileProblem(_("{name}: unknown kind {kind!r}; choose one of: {kinds}").format(
            name=name, kind=stem, kinds=", ".join(KIND_ORDER)))
    return stem


def _zip_records(path: Path, files: list[FileInfo]) -> Iterator[tuple[str, Any]]:
    entries = _zip_entries(path)
    if entries is not None and entries > MAX_ZIP_ENTRIES:
        raise FileProblem(_("{path} holds {n} entries; an export holds a few (at most {limit})")
                          .format(path=path, n=entries, limit=MAX_ZIP_ENTRIES))
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise FileProblem(_("{path} is a damaged zip file ({error})").format(
            path=path, error=exc)) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            raise FileProblem(_("{path} holds {n} entries; an export holds a few (at most "
                                "{limit})").format(path=path, n=len(infos),
                                                   limit=MAX_ZIP_ENTRIES))
        chosen: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.filename.replace("\\", "/").rsplit("/", 1)[-1]
            if info.is_dir() or not name.lower().endswith(".csv"):
                continue  # nested zips and other files are not read, let alone expanded
            if name in chosen:
                raise FileProblem(_("{path}: {name} is in the zip twice ({first} and {second}); "
                                    "keep one").format(path=path, name=name,
                                                       first=chosen[name].filename,
                                                       second=info.filename))
            _member_kind(path, name)
            if info.flag_bits & 0x1:
                raise FileProblem(_("{path}: {name} is encrypted; make the zip again without a "
                                    "password").format(path=path, name=name))
            if info.compress_type not in _ZIP_METHODS:
                raise FileProblem(_("{path}: {name} is compressed in a way this program cannot "
                                    "read (method {method}); make the zip again with ordinary "
                                    "(deflate) compression").format(
                                        path=path, name=name, method=info.compress_type))
            meter = _Meter(path)
            meter.check(name, info.file_size, info.compress_size)
            chosen[name] = info
        if not chosen:
            raise FileProblem(_("{path} holds no CSV files to import").format(path=path))
        meter = _Meter(path)
        for name, info in chosen.items():
            def opener(first: bool, info=info, name=name):
                return _Counted(zf.open(info), meter, name, info.compress_size, first)
            yield from _csv_records(path, name, opener, files)


def _folder_records(path: Path, files: list[FileInfo]) -> Iterator[tuple[str, Any]]:
    members = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv" and p.is_file())
    if not members:
        raise FileProblem(_("{path} is a folder with no CSV files to import").format(path=path))
    for p in members:
        _member_kind(path, p.name)
    meter = _Meter(path)
    for p in members:
        meter.check(p.name, p.stat().st_size, None)

        def opener(first: bool, p=p):
            return _Counted(open(p, "rb"), meter, p.name, None, first)
        yield from _csv_records(path, p.name, opener, files)


# Windows-1251 bytes that are Cyrillic letters (А..я, Ё ё, Ђ..џ, Ў ў, І і, Ґ ґ, Є є, Ї ї, Ј ј,
# Ѕ ѕ); Russian Excel saves "CSV" in this encoding.
_CP1251_LETTERS = bytes(range(0xC0, 0x100)) + bytes(
    [0x80, 0x81, 0x83, 0x8A, 0x8C, 0x8D, 0x8E, 0x8F, 0x90, 0x9A, 0x9C, 0x9D, 0x9E, 0x9F,
     0xA1, 0xA2, 0xA3, 0xA5, 0xA8, 0xAA, 0xAF, 0xB2, 0xB3, 0xB4, 0xB8, 0xBA, 0xBC, 0xBE, 0xBF])
_HIGH = bytes(range(0x80, 0x100))
_CONTROLS = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_MIXED_SCRIPT = re.compile(rb"[A-Za-z][\xc0-\xff]|[\xc0-\xff][A-Za-z]")
ENCODINGS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16": "UTF-16",
             "cp1251": "Windows-1251"}


def _sniff(name: str, opener) -> tuple[str, bytes]:
    """Read a CSV file once: its encoding (UTF-8, with or without a byte-order mark; UTF-16 with
    one; else Windows-1251 when its bytes read as Cyrillic text) and its first 64 KiB."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    head = bytearray()
    utf8, bad_line, lines = True, 0, 0
    with opener(True) as fh:
        while chunk := fh.read(_CHUNK):
            if len(head) < _CHUNK:
                head += chunk[:_CHUNK - len(head)]
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    utf8, bad_line = False, lines + chunk.count(b"\n", 0, exc.start) + 1
            lines += chunk.count(b"\n")
        if utf8:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8, bad_line = False, lines + 1
    head = bytes(head)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", head
    if utf8:
        return ("utf-8-sig" if head.startswith(b"\xef\xbb\xbf") else "utf-8"), head
    if not head.startswith(b"\xef\xbb\xbf") and _cyrillic_1251(opener):
        return "cp1251", head
    raise FileProblem(_("{name} line {line}: not UTF-8 text, nor Cyrillic Windows-1251 text; "
                        "save it as \"CSV UTF-8\"").format(name=name, line=bad_line))


def _cyrillic_1251(opener) -> bool:
    """True when the file's bytes read as Cyrillic text in Windows-1251: no control characters
    and no byte 0x98 (undefined there), and most bytes above ASCII are Cyrillic letters in words
    of their own (accented Latin letters, cp1252's, sit between ASCII letters)."""
    high = letters = mixed = 0
    with opener(False) as fh:
        while chunk := fh.read(_CHUNK):
            if b"\x98" in chunk or len(chunk.translate(None, _CONTROLS)) != len(chunk):
                return False
            n = len(chunk)
            high += n - len(chunk.translate(None, _HIGH))
            letters += n - len(chunk.translate(None, _CP1251_LETTERS))
            mixed += len(_MIXED_SCRIPT.findall(chunk))
    return bool(high) and letters >= 0.7 * high and mixed <= 0.1 * letters


def _delimiter(kind: Kind, header: str) -> str:
    """The delimiter under which the header line names the most columns of the kind (ties: the
    most cells; then comma, semicolon, tab)."""
    known = {*csv_header(kind), "id"}
    best, best_score = ",", (-1, -1)
    for delimiter in (",", ";", "\t"):
        try:
            cells = next(csv.reader([header], delimiter=delimiter), [])
        except csv.Error:
            continue
        names = [c.strip().lstrip(_BOM) for c in cells]
        score = (sum(n in known for n in names), len(names))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_error(name: str, exc: csv.Error, start: int, line: int) -> FileProblem:
    text = str(exc)
    if "unexpected end of data" in text:
        return FileProblem(_("{name} line {line}: a quoted cell begins here and never ends (a "
                             "stray \" ?)").format(name=name, line=start))
    if "expected after" in text:
        return FileProblem(_("{name} line {line}: a quoted cell ends before its cell does (a "
                             "stray \" ?)").format(name=name, line=line))
    if "field larger than field limit" in text:
        return FileProblem(_("{name} line {line}: a cell is longer than {n} characters").format(
            name=name, line=start, n=CSV_FIELD_LIMIT))
    return FileProblem(_("{name} line {line}: not a readable CSV row ({error})").format(
        name=name, line=line, error=text))


def _runs_over_rows(cell: str, delimiter: str, columns: int) -> bool:
    """True when a quoted cell spanning lines holds lines that are rows of this file of their own
    (a stray quote opened it and a later quote closed it)."""
    if columns < 2:
        return False
    lines = [line for line in cell.splitlines()[1:] if line.strip()]
    fits = [len(next(csv.reader([line], delimiter=delimiter), [])) == columns for line in lines]
    if columns >= 3:
        return any(fits)
    return len(fits) >= 2 and all(fits)


def _csv_records(where: Path, name: str, opener, files: list[FileInfo]
                 ) -> Iterator[tuple[str, Any]]:
    kind_name = _member_kind(where, name)
    kind = KINDS[kind_name]
    label = name if where.is_dir() else f"{where.name}: {name}"
    try:
        encoding, head = _sniff(label, opener)
        info = FileInfo(name, ENCODINGS[encoding])
        files.append(info)
        first_line = head.decode(encoding, "replace").lstrip(_BOM).splitlines()[:1]
        delimiter = info.delimiter = _delimiter(kind, first_line[0] if first_line else "")
        if csv.field_size_limit() < CSV_FIELD_LIMIT:  # the default (128 KiB) is too small
            csv.field_size_limit(CSV_FIELD_LIMIT)
        with io.TextIOWrapper(io.BufferedReader(opener(False), _CHUNK), encoding=encoding,
                              newline="") as text:
            reader = csv.reader(text, delimiter=delimiter, strict=True)
            yield from _csv_rows(label, kind, reader, delimiter, info)
    except _MEMBER_ERRORS as exc:
        if isinstance(exc, UnicodeDecodeError):
            raise FileProblem(_("{name}: not {encoding} text").format(
                name=label, encoding=ENCODINGS.get(exc.encoding, exc.encoding))) from None
        raise FileProblem(_("{path}: {name} cannot be read ({error})").format(
            path=where, name=name, error=exc)) from None


def _csv_rows(label: str, kind: Kind, reader, delimiter: str, info: FileInfo
              ) -> Iterator[tuple[str, Any]]:
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise _csv_error(label, exc, 1, reader.line_num) from None
    if header is None:
        return
    header = [h.strip().lstrip(_BOM) for h in header]
    seen: set[str] = set()
    for column in header:
        if column and column in seen:
            raise FileProblem(_("{name} line 1: the column {column} is there twice; keep one")
                              .format(name=label, column=column[:40]))
        seen.add(column)
    previous = reader.line_num
    while True:
        start = previous + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _csv_error(label, exc, start, reader.line_num) from None
        previous = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header) and any(c.strip() for c in row[len(header):]):
            raise FileProblem(_("{name} line {line}: more cells than columns").format(
                name=label, line=start))
        if previous > start and any(
                "\n" in cell and _runs_over_rows(cell, delimiter, len(header)) for cell in row):
            raise FileProblem(_("{name} line {line}: a quoted cell runs on to line {end} over "
                                "what look like rows of their own (a stray \" ?)").format(
                                    name=label, line=start, end=previous))
        record: dict[str, Any] = {}
        for column, raw_cell in zip(header, row):
            if column in ("overdue", "id"):  # derived, or this database's own number
                continue
            if not column and not raw_cell.strip():  # a trailing separator
                continue
            cell = unneutralise(raw_cell)
            if column == SOURCES_KEY:
                record[column] = _csv_sources(label, start, cell)
            elif column in kind.field_names and kind.field(column).type == LINKS:
                record[column] = [p.strip() for p in cell.replace(",", ";").split(";")
                                  if p.strip()]
            else:  # an unknown column is reported as "no such field" when checked
                record[column] = cell if cell != "" else None
        info.records += 1
        yield kind.name, record


def _csv_sources(name: str, line: int, cell: str) -> list:
    if not cell.strip():
        return []
    try:
        value = json.loads(cell)
    except (json.JSONDecodeError, RecursionError):
        raise FileProblem(_("{name} line {line}: sources: expected a JSON list of "
                            "{{source_uid, source, quote}}").format(name=name, line=line)
                          ) from None
    return value


# --- importing ------------------------------------------------------------------------------------
#
# Three phases, so that the write lock is held only while writing and memory does not grow with
# the file:
#  1. read: every record of the file goes, as read, into a private temporary SQLite database
#     (the stage, beside the database file), with its shape, uid and system fields checked;
#  2. plan: a batch at a time, each record is checked as the repository would (links resolved by
#     uid in the file or the database, quotes found in their sources' text) and what it would do
#     is decided: create, update, nothing, or "older than ours" (the database's copy has a higher
#     version: edited, deleted or restored since the export). Nothing is written; a dry run
#     stops here. Any problem refuses the whole file;
#  3. write: one transaction (all or nothing). If another program wrote in between, the plan is
#     made again inside it.

class ImportConflict(TrackerError):
    """Records in the file are older than the database's copies (changed here since the export):
    refused unless they are skipped (``skip_older``); ``conflicts`` lists them."""

    def __init__(self, conflicts: list[Conflict], count: int):
        self.conflicts, self.count = conflicts, count
        listed = "; ".join(c.describe() for c in conflicts[:3])
        if count > 3:
            listed += "; …"
        super().__init__(ngettext(
            "{n} record in the file is older than this database's copy (changed here since the "
            "file was exported): {list}; nothing was imported",
            "{n} records in the file are older than this database's copies (changed here since "
            "the file was exported): {list}; nothing was imported", count).format(
                n=count, list=listed))


@dataclass
class Conflict:
    """A record the file holds in an older version than the database (changed here since)."""
    kind: str
    record: str  # as problems name it: "#3 'Title'"
    record_id: int
    file_version: int
    version: int
    updated_at: str | None = None
    updated_by: str | None = None
    in_trash: bool = False

    def describe(self) -> str:
        text = _("{kind} {id} {record}: version {file} in the file, {ours} here (changed {when} "
                 "by {who})").format(kind=self.kind, id=self.record_id, record=self.record,
                                     file=self.file_version, ours=self.version,
                                     when=self.updated_at or "?", who=self.updated_by or "?")
        if self.in_trash:
            text += " " + _("(in the trash here)")
        return text


@dataclass
class ImportResult:
    created: dict[str, int]
    updated: dict[str, int]
    unchanged: dict[str, int]
    change: Change | None
    older: dict[str, int] = field(default_factory=dict)  # older than ours: skipped, or refused
    conflicts: list[Conflict] = field(default_factory=list)  # the first MAX_LISTED of them
    files: list[FileInfo] = field(default_factory=list)  # what was understood of each file

    @property
    def total(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())

    @property
    def older_total(self) -> int:
        return sum(self.older.values())


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


_STAMP_RE = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?"
                       r"(Z|[+-]\d{2}:?\d{2})?)?")
_NAME_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _stamp(value: Any) -> str | None:
    """A date-time as the app writes it (YYYY-MM-DDTHH:MM:SSZ, UTC), from ISO 8601 text (an
    offset is converted, none means UTC, a date alone is midnight); None if it is not one."""
    if not isinstance(value, str) or not _STAMP_RE.fullmatch(value.strip()):
        return None
    try:
        when = _dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.UTC)
    try:
        when = when.astimezone(_dt.UTC)
    except OverflowError:
        return None
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _system_values(raw: dict) -> tuple[dict, dict[str, str]]:
    """The system fields a file may carry, checked like any field: ISO date-times, a creator's
    name (kept when it is one line of 1 to 100 characters without control characters: the file's
    office knows who created the record; the audit names who imported it), a version of at least
    1. Returns (values, problems per field); ``deleted_at`` only when given."""
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for key in ("created_at", "updated_at", "deleted_at"):
        value = raw.get(key)
        if key not in raw or value is None:
            if key == "deleted_at" and key in raw:
                values[key] = None
            continue
        stamp = _stamp(value)
        if stamp is None:
            problems[key] = _("expected a date-time such as 2026-01-31T09:30:00Z, got {value!r}"
                              ).format(value=str(value)[:40])
        else:
            values[key] = stamp
    for key in ("created_by", "updated_by"):
        value = raw.get(key)
        if value is None:
            continue
        if (not isinstance(value, str) or not value.strip() or len(value) > 100
                or _NAME_CONTROLS.search(value)):
            problems[key] = _("expected a name of 1 to 100 characters on one line")
        else:
            values[key] = " ".join(value.split())
    version = raw.get("version")
    if version is not None:
        if isinstance(version, str) and version.strip().isdigit() and len(version.strip()) < 12:
            version = int(version.strip())
        if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version < 2**62:
            problems["version"] = _("expected a whole number of at least 1")
        else:
            values["version"] = version
    return values, problems


class _Problems:
    def __init__(self):
        self.items: list[tuple[str, str, str, str]] = []
        self.count = 0

    def add(self, kind: str, record: str, field_name: str, message: str) -> None:
        self.count += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append((kind, record, field_name, message))

    def raise_any(self) -> None:
        if self.count:
            raise ImportProblem(self.items, self.count)


_DUMP = pickle.HIGHEST_PROTOCOL


class _Stage:
    """The file's records in a private temporary SQLite database, deleted when closed: read once
    from the file, then checked and written from here a batch at a time. Memory holds only a
    batch, a cache of sources' folded texts, and 8 bytes per record (the ids written)."""

    BATCH = 500

    def __init__(self, near: Path):
        import shutil
        from array import array

        self._rmtree = shutil.rmtree
        try:  # beside the database: its disk takes the records anyway (/tmp may be in memory)
            self.folder = Path(tempfile.mkdtemp(prefix=".import-", dir=near))
        except OSError:
            self.folder = Path(tempfile.mkdtemp(prefix="bilateral-tracker-import-"))
        self.ids = array("q")  # by seq: the record's id once written (0: not yet)
        try:
            self.db = sqlite3.connect(self.folder / "stage.db", isolation_level=None)
            for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -16384",
                           "temp_store = FILE"):
                self.db.execute(f"PRAGMA {pragma}")
            self.db.executescript("""
                CREATE TABLE r (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, name TEXT,
                                uid TEXT, existing_id INTEGER, raw BLOB);
                CREATE INDEX r_kind ON r(kind, seq);
                CREATE INDEX r_source ON r(existing_id) WHERE kind = 'sources';
                CREATE TABLE u (kind TEXT, uid TEXT, seq INTEGER, existing_id INTEGER,
                                PRIMARY KEY (kind, uid)) WITHOUT ROWID;
                CREATE TABLE t (title_key TEXT, seq INTEGER);
                CREATE INDEX t_key ON t(title_key);
                CREATE TABLE p (seq INTEGER PRIMARY KEY, kind TEXT, action TEXT, uid TEXT,
                                existing_id INTEGER, plan BLOB);
                CREATE INDEX p_kind ON p(kind, seq);
                CREATE TABLE b (seq INTEGER PRIMARY KEY, before BLOB);
            """)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        db = getattr(self, "db", None)
        if db is not None:
            db.close()
        self._rmtree(self.folder, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def rows(self, table: str, kind: str, columns: str, where: str = "") -> Iterator[tuple]:
        """A table's rows of one kind in file order, a batch at a time (other tables may be
        written between batches)."""
        last = 0
        while True:
            batch = self.db.execute(
                f"SELECT seq, {columns} FROM {table} WHERE kind = ? AND seq > ? {where} "
                f"ORDER BY seq LIMIT {self.BATCH}", (kind, last)).fetchall()
            if not batch:
                return
            yield from batch
            last = batch[-1][0]

    def by_uid(self, kind: str, uid: str) -> tuple | None:
        return self.db.execute("SELECT seq, existing_id FROM u WHERE kind = ? AND uid = ?",
                               (kind, uid)).fetchone()

    def record_id(self, seq: int) -> int | None:
        return (self.ids[seq] or None) if seq < len(self.ids) else None


def _load(repo: Repository, stage: _Stage, records: Iterator[tuple[str, Any]],
          problems: _Problems) -> None:
    """Phase 1: the file's records into the stage, their shapes and system fields checked."""
    counters = dict.fromkeys(KINDS, 0)
    db = stage.db
    db.execute("BEGIN")
    try:
        for name, raw in records:
            counters[name] += 1
            index = counters[name]
            if not isinstance(raw, dict):
                problems.add(name, _("#{n}").format(n=index), _("(record)"),
                             _("expected an object with the record's fields"))
                continue
            uid_raw = raw.get("uid")
            uid = _as_uid(uid_raw)
            where = _label(raw, index, uid)
            if uid_raw not in (None, "") and (uid is None or len(uid) > 100):
                problems.add(name, where, "uid",
                             _("expected an identifier of at most 100 characters"))
                continue
            system, found = _system_values(raw)
            for key, message in found.items():
                problems.add(name, where, key, message)
            sources = raw.get("sources")
            if sources is not None and not isinstance(sources, list):
                problems.add(name, where, "sources",
                             _("expected a list of {{source_uid, source, quote}}"))
                continue
            if found:
                continue
            try:
                existing = None
                if uid:
                    existing = repo.id_of_uid(name, uid)
                    if db.execute("SELECT 1 FROM u WHERE kind = ? AND uid = ?",
                                  (name, uid)).fetchone():
                        problems.add(name, where, "uid", _("the file holds this uid twice"))
                        continue
            except (ValueError, UnicodeEncodeError, StorageError):  # no database holds it
                problems.add(name, where, "uid",
                             _("expected an identifier of at most 100 characters"))
                continue
            try:
                blob = pickle.dumps((raw, system), _DUMP)
            except RecursionError:
                problems.add(name, where, _("(record)"), _("nested too deeply"))
                continue
            except (pickle.PicklingError, TypeError, ValueError, AttributeError):
                problems.add(name, where, _("(record)"), _("not a record"))
                continue
            if problems.count:  # the file is refused: only count the rest of its problems
                continue
            seq = db.execute("INSERT INTO r (kind, name, uid, existing_id, raw) "
                             "VALUES (?, ?, ?, ?, ?)", (name, where, uid, existing, blob)).lastrowid
            if uid:
                db.execute("INSERT INTO u (kind, uid, seq, existing_id) VALUES (?, ?, ?, ?)",
                           (name, uid, seq, existing))
            title = raw.get("title")
            if name == SOURCE_KIND.name and existing is None and isinstance(title, str):
                try:
                    db.execute("INSERT INTO t (title_key, seq) VALUES (?, ?)",
                               (" ".join(title.split()).casefold(), seq))
                except (ValueError, UnicodeEncodeError):
                    pass  # such a title is refused when the record is checked
    finally:
        db.execute("COMMIT")


def _refresh_existing(repo: Repository, stage: _Stage) -> None:
    """Look the file's uids up in the database again (another program may have created some
    since they were read)."""
    db = stage.db
    db.execute("BEGIN")
    try:
        for name in KINDS:
            for seq, uid, existing in stage.rows("r", name, "uid, existing_id",
                                                 "AND uid IS NOT NULL"):
                now = repo.id_of_uid(name, uid)
                if now != existing:
                    db.execute("UPDATE u SET existing_id = ? WHERE kind = ? AND uid = ?",
                               (now, name, uid))
                    db.execute("UPDATE r SET existing_id = ? WHERE seq = ?", (now, seq))
                    if now is not None:
                        db.execute("DELETE FROM t WHERE seq = ?", (seq,))
    finally:
        db.execute("COMMIT")


@dataclass
class _Plan:
    """What one record of the file would do (pickled into the stage)."""
    values: dict  # the whole record as it would be stored; links still to resolve
    links: dict  # field -> target or [targets]: an id, or ("@", seq) for a record of the file
    citations: list | None  # [(target, quote)], None: leave the record's as they are
    system: dict  # created_at, created_by, deleted_at, version (as given, checked)
    rewrite: bool = False  # fields or trash state change (else only citations do)
    cite: bool = False  # the citations change
    before_version: int | None = None


class _Planner:
    """Phase 2: check every staged record and decide what it does; writes nothing."""

    def __init__(self, repo: Repository, stage: _Stage, problems: _Problems):
        self.repo, self.stage, self.problems = repo, stage, problems
        self.source_titles: dict[str, list] | None = None
        self._text_keys: dict[Any, str | None] = {}
        self._text_chars = 0
        self.created: dict[str, int] = {}
        self.updated: dict[str, int] = {}
        self.unchanged: dict[str, int] = {}
        self.older: dict[str, int] = {}
        self.conflicts: list[Conflict] = []

    # -- references --

    def exists(self, kind: str, record_id: int) -> bool:
        return -(2**63) <= record_id < 2**63 and self.repo.exists(kind, record_id)

    def resolve(self, target: str, ref: Any) -> tuple[Any, str | None]:
        """(id, or ("@", seq) for a new record of the file; problem)"""
        if ref is None or (isinstance(ref, str) and not ref.strip()):
            return None, None
        if isinstance(ref, bool):
            return None, _("expected a record uid, got {value!r}").format(value=ref)
        if isinstance(ref, int):
            if self.exists(target, ref):
                return ref, None
            return None, _("no {kind} with id {id}").format(kind=target, id=ref)
        if isinstance(ref, str):
            ref = ref.strip()
            try:
                staged = self.stage.by_uid(target, ref)
            except (ValueError, UnicodeEncodeError):
                staged = None
            if staged is not None:
                seq, existing_id = staged
                return (existing_id if existing_id is not None else ("@", seq)), None
            try:
                found = self.repo.id_of_uid(target, ref)
            except (ValueError, UnicodeEncodeError, StorageError):
                found = None
            if found is not None:
                return found, None
            if ref.isdigit() and len(ref) < 19 and self.exists(target, int(ref)):
                return int(ref), None
            short = ref if len(ref) <= 40 else ref[:39] + "…"
            return None, _("no {kind} with uid {uid} in the file or the database").format(
                kind=target, uid=short)
        return None, _("expected a record uid, got {value!r}").format(value=str(ref)[:40])

    def titles(self) -> dict[str, list]:
        """Sources by folded title (the database's, then the file's new ones): only built for a
        file that names a source by its title instead of its uid."""
        if self.source_titles is None:
            titles: dict[str, list] = {}
            every_source = sorted(
                (r["id"], r["title"]) for trash in (False, True)
                 for r in self.repo.list(SOURCE_KIND.name, columns=["title"], sort="id",
                                         trash=trash))
            for sid, title in every_source:
                titles.setdefault(" ".join(str(title).split()).casefold(), []).append(sid)
            for seq, key in self.stage.db.execute("SELECT seq, title_key FROM t ORDER BY seq"):
                titles.setdefault(key, []).append(("@", seq))
            self.source_titles = titles
        return self.source_titles

    def source_ref(self, ref: Any) -> tuple[Any, str | None]:
        """A citation's source: (id or ("@", seq), problem)."""
        if not isinstance(ref, dict):
            return None, _("expected {{source_uid, source, quote}}")
        quote = ref.get("quote")
        if quote is not None and not isinstance(quote, str):
            return None, _("quote: expected text")
        if isinstance(quote, str) and len(quote) > 100_000:
            return None, _("quote: too long ({n} characters; at most {limit})").format(
                n=len(quote), limit=100_000)
        uid = ref.get("source_uid")
        if uid not in (None, ""):
            target, problem = self.resolve(SOURCE_KIND.name, uid)
            if target is None and problem is None:
                problem = _("name the source by source_uid or by its title (source)")
            return target, problem
        title = ref.get("source")
        if not isinstance(title, str) or not title.strip():
            return None, _("name the source by source_uid or by its title (source)")
        matches = self.titles().get(" ".join(title.split()).casefold(), [])
        if not matches:
            return None, _("no source titled {title!r}").format(title=title[:60])
        if len(matches) > 1:
            return None, _("several sources are titled {title!r}; give source_uid").format(
                title=title[:60])
        return matches[0], None

    def text_key(self, target: Any) -> str | None:
        """The folded text a quote of source ``target`` is looked for in: the file's text when the
        file brings that source (new, or updated and not older than ours), else the database's.
        Cached up to TEXT_CACHE characters."""
        if target in self._text_keys:
            return self._text_keys[target]
        db = self.stage.db
        seq = target[1] if isinstance(target, tuple) else None
        if seq is None:
            row = db.execute("SELECT seq FROM r WHERE kind = 'sources' AND existing_id = ?",
                             (target,)).fetchone()
            seq = row[0] if row else None
        text, known = None, False
        if seq is not None:
            planned = db.execute("SELECT action, plan FROM p WHERE seq = ?", (seq,)).fetchone()
            if planned is not None and planned[0] != "older":
                text, known = pickle.loads(planned[1]).values.get("text"), True
            elif planned is None:  # not planned yet (a source citing a later one), or refused
                raw = pickle.loads(db.execute("SELECT raw FROM r WHERE seq = ?",
                                              (seq,)).fetchone()[0])[0]
                if "text" in raw or isinstance(target, tuple):
                    text, known = raw.get("text"), True
        if not known and not isinstance(target, tuple):
            found = self.repo.stored(SOURCE_KIND.name, target, ["text"])
            text = found["text"] if found else None
        key = quote_key(text) if isinstance(text, str) and text.strip() else None
        self._text_chars += len(key or "")
        if self._text_chars > TEXT_CACHE:
            self._text_keys.clear()
            self._text_chars = len(key or "")
        self._text_keys[target] = key
        return key

    # -- one record --

    def plan(self, name: str, label: str, raw: dict, system: dict, existing_id: int | None
             ) -> tuple[str, _Plan] | None:
        kind = KINDS[name]
        problems = self.problems
        before_problems = problems.count
        values = {k: v for k, v in raw.items() if k not in SYSTEM_FIELDS
                  and k not in DERIVED_KEYS}
        check_values = dict(values)
        links: dict[str, Any] = {}
        for f in kind.fields:
            if f.name not in values or f.type not in (LINK, LINKS):
                continue
            given = values[f.name]
            if f.type == LINK:
                target, problem = self.resolve(f.target, given)
                if problem:
                    problems.add(name, label, f.name, problem)
                    continue
                links[f.name] = target
                check_values[f.name] = target if isinstance(target, int) else None
                continue
            refs = given.replace(",", ";").split(";") if isinstance(given, str) else given
            if refs is None:
                refs = []
            if not isinstance(refs, list):
                problems.add(name, label, f.name, _("expected a list of record uids"))
                continue
            targets = []
            for ref in refs:
                target, problem = self.resolve(f.target, ref)
                if problem:
                    problems.add(name, label, f.name, problem)
                    break
                if target is not None:
                    targets.append(target)
            else:
                links[f.name] = targets
            check_values[f.name] = [t for t in targets if isinstance(t, int)]
        try:
            record, found = self.repo.check(name, check_values, record_id=existing_id)
        except RecursionError:
            record, found = {}, {"(record)": _("nested too deeply")}
        for fname, message in found.items():
            problems.add(name, label, fname, message)
        before = self.repo.get(name, existing_id) if existing_id is not None else None
        citations = None
        sources = raw.get("sources")
        if sources is not None:
            citations = []
            current = {(c["source_id"], c["quote"]) for c in (before or {}).get("citations", [])}
            for number, ref in enumerate(sources, start=1):
                target, problem = self.source_ref(ref)
                if problem is None:
                    quote = _quote(ref)
                    if (target, quote) not in current:
                        problem = quote_problem(None, quote, text_key=self.text_key(target))
                    citations.append((target, quote))
                if problem:
                    problems.add(name, label, "sources", _("source {n}: {problem}").format(
                        n=number, problem=problem))
        if problems.count > before_problems:
            return None
        plan = _Plan(record, links, citations, system)
        if before is None:
            plan.cite = bool(citations)
            return "create", plan
        final = dict(record)
        for fname, target in links.items():
            if isinstance(target, list):
                final[fname] = (sorted(set(target)) if all(isinstance(t, int) for t in target)
                                else target)
            else:
                final[fname] = target
        deleted = system["deleted_at"] if "deleted_at" in system else before["deleted_at"]
        same_fields = all(final.get(f.name) == before.get(f.name) for f in kind.fields)
        plan.rewrite = not same_fields or bool(deleted) != bool(before["deleted_at"])
        plan.cite = citations is not None and citations != [
            (c["source_id"], c["quote"]) for c in before["citations"]]
        plan.before_version = before["version"]
        if not plan.rewrite and not plan.cite:
            return "same", plan
        file_version = system.get("version")
        if file_version is not None and before["version"] > file_version:
            self.older[name] = self.older.get(name, 0) + 1
            if len(self.conflicts) < MAX_LISTED:
                self.conflicts.append(Conflict(
                    name, label, existing_id, file_version, before["version"],
                    before["updated_at"], before["updated_by"], bool(before["deleted_at"])))
            return "older", plan
        return "update", plan

    def run(self) -> None:
        db = self.stage.db
        db.execute("DELETE FROM p")
        counts = {"create": self.created, "update": self.updated, "same": self.unchanged}
        db.execute("BEGIN")
        try:
            for name in _kind_order():
                for seq, label, blob, existing_id in self.stage.rows(
                        "r", name, "name, raw, existing_id"):
                    raw, system = pickle.loads(blob)
                    planned = self.plan(name, label, raw, system, existing_id)
                    if planned is None or self.problems.count:
                        continue  # refused: the rest is only checked
                    action, plan = planned
                    if action in counts:
                        counts[action][name] = counts[action].get(name, 0) + 1
                    db.execute("INSERT INTO p (seq, kind, action, uid, existing_id, plan) "
                               "VALUES (?, ?, ?, ?, ?, ?)",
                               (seq, name, action, _as_uid(raw.get("uid")), existing_id,
                                pickle.dumps(plan, _DUMP)))
        finally:
            db.execute("COMMIT")


def _write(repo: Repository, stage: _Stage, batch, label: str) -> set[str]:
    """Phase 3, inside the write transaction: targets before the records linking to them."""
    touched: set[str] = set()
    actions = "AND action IN ('create', 'update')"
    ids = stage.ids
    top = stage.db.execute("SELECT max(seq) FROM r").fetchone()[0] or 0
    ids.extend([0] * (top + 1 - len(ids)))

    def ident(target: Any) -> int | None:
        return (ids[target[1]] or None) if isinstance(target, tuple) else target

    for name in _kind_order():
        kind = KINDS[name]
        befores: list[tuple] = []
        for seq, uid, action, blob, existing_id in stage.rows(
                "p", name, "uid, action, plan, existing_id", actions):
            plan: _Plan = pickle.loads(blob)
            record = dict(plan.values)
            for fname, target in plan.links.items():
                if isinstance(target, list):
                    record[fname] = sorted({i for i in map(ident, target) if i is not None})
                else:
                    record[fname] = ident(target)
            if action == "create":
                stamps = {k: plan.system[k] for k in ("created_at", "created_by", "deleted_at")
                          if plan.system.get(k) is not None}
                ids[seq] = batch.insert(kind, record, uid=uid, stamps=stamps)
                continue
            ids[seq] = existing_id
            before = repo.get(name, existing_id)
            if before["version"] != plan.before_version:  # the plan was made on this state
                raise ConflictError(name, existing_id, plan.before_version, before)
            if plan.rewrite:
                deleted = plan.system.get("deleted_at", before["deleted_at"])
                if bool(deleted) == bool(before["deleted_at"]):
                    deleted = before["deleted_at"]
                batch.write_state(kind, existing_id, record, before, deleted_at=deleted)
            befores.append((seq, pickle.dumps(before, _DUMP)))
            if len(befores) >= stage.BATCH:
                stage.db.executemany("INSERT INTO b (seq, before) VALUES (?, ?)", befores)
                befores.clear()
        stage.db.executemany("INSERT INTO b (seq, before) VALUES (?, ?)", befores)
        # citations, once every record of the kind (and every source) exists; then the audit
        for seq, action, blob in stage.rows("p", name, "action, plan", actions):
            plan = pickle.loads(blob)
            rid = ids[seq]
            before = None
            if action == "update":
                before = pickle.loads(stage.db.execute("SELECT before FROM b WHERE seq = ?",
                                                       (seq,)).fetchone()[0])
            if plan.cite:
                wanted = [{"source_id": ident(target), "quote": quote}
                          for target, quote in plan.citations]
                batch.set_citations(kind, rid, wanted)
                if before is not None and not plan.rewrite:  # a new version all the same
                    batch.touch(kind, rid)
            after = repo.get(name, rid)
            batch.audit(name, rid, after["uid"], "import", label, before, after)
            touched.add(name)
    return touched


def import_data(repo: Repository, data: Any, *, label: str | None = None,
                dry_run: bool = False, skip_older: bool = False) -> ImportResult:
    """Apply an export (``{kind: [records]}``) to ``repo``: all of it, or nothing.

    ``dry_run``: check everything and count what the import would do; nothing is written and
    no write lock is taken. Records older than the database's copies (``version`` lower than
    ours: changed here since the export) refuse the import (:class:`ImportConflict`) unless
    ``skip_older``, which leaves them as they are; a dry run lists them in ``conflicts``."""
    if not isinstance(data, dict):
        raise FileProblem(_("not an export: expected an object keyed by kind ({kinds})").format(
            kinds=", ".join(KIND_ORDER)))
    for key, value in data.items():
        if key not in KINDS:
            if isinstance(key, str) and key.startswith("_"):  # room for metadata ("_format")
                continue
            raise FileProblem(_("unknown kind {name!r} in the file; choose one of: {kinds}")
                              .format(name=key, kinds=", ".join(KIND_ORDER)))
        if value is not None and not isinstance(value, list):
            raise FileProblem(_("{kind}: expected a list of records").format(kind=key))
    records = ((name, raw) for name, items in data.items() if name in KINDS
               for raw in items or [])
    return _import(repo, records, [], label=label, dry_run=dry_run, skip_older=skip_older,
                   what=_("the data"))


def import_file(repo: Repository, path: str | os.PathLike, *, dry_run: bool = False,
                skip_older: bool = False, label: str | None = None) -> ImportResult:
    """Import a JSON export, a zip of CSV files or a folder of them (see :func:`import_data`),
    read as a stream."""
    files: list[FileInfo] = []
    return _import(repo, read_records(path, files), files, label=label, dry_run=dry_run,
                   skip_older=skip_older, what=Path(path).name)


def _import(repo: Repository, records: Iterator[tuple[str, Any]], files: list[FileInfo], *,
            label: str | None, dry_run: bool, skip_older: bool, what: str) -> ImportResult:
    if not dry_run and repo.read_only:
        raise ReadOnlyError(repo.path)
    label = label or _("Import")
    with _Stage(repo.path.parent) as stage:
        problems = _Problems()
        seen = repo.data_version()  # before the first look at the database
        try:
            _load(repo, stage, records, problems)
        except MemoryError:
            raise FileProblem(_("{name} is too large to import").format(name=what)) from None
        problems.raise_any()
        planner = _Planner(repo, stage, problems)
        planner.run()
        problems.raise_any()

        def result(change: Change | None = None) -> ImportResult:
            return ImportResult(planner.created, planner.updated, planner.unchanged, change,
                                planner.older, planner.conflicts, files)

        if planner.older and not skip_older and not dry_run:
            raise ImportConflict(planner.conflicts, sum(planner.older.values()))
        if dry_run or not (planner.created or planner.updated):
            return result()
        n = sum(info.records for info in files) or sum(planner.created.values()) + sum(
            planner.updated.values())
        activity = ngettext("importing {name} ({n} record)", "importing {name} ({n} records)",
                            n).format(name=what, n=n)
        with repo.batch(activity=activity) as batch:
            if repo.data_version() != seen:  # another program wrote since: plan again
                _refresh_existing(repo, stage)
                planner = _Planner(repo, stage, problems)
                planner.run()
                problems.raise_any()
                if planner.older and not skip_older:
                    raise ImportConflict(planner.conflicts, sum(planner.older.values()))
            touched = _write(repo, stage, batch, label)
        change = Change("", None, "import", label, None, frozenset(touched)) if touched else None
        return result(change)


def _quote(ref: Any) -> str:
    quote = ref.get("quote") if isinstance(ref, dict) else None
    return "" if quote is None else str(quote)
