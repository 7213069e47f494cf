"""CSV: one file per kind in an export, the CSV of a list for a spreadsheet, and reading CSV files
as spreadsheets save them.

Cells a spreadsheet would run as formulas are neutralised with an apostrophe (``neutralise``;
``unneutralise`` undoes it when the file comes back). Reading finds the encoding (UTF-8, UTF-16
with a byte-order mark, Cyrillic Windows-1251) and the delimiter (comma, semicolon, tab) and
parses the file row by row, refusing stray quotes, duplicate columns and extra cells with the
file's name and line.

A CSV export (a zip or a folder) also names the relationship: ``_settings.txt`` beside the
kinds' files holds one ``key,value`` row per setting that is set (``settings_lines``; the keys of
:data:`tracker.store.settings.SETTING_KEYS`), CSV text like theirs (UTF-8 with a byte-order
mark, formulas neutralised). Its name does not end in ``.csv``: older versions of the program,
which refuse a ``.csv`` file that names no kind, skip it and read the records as before (as they
skip the JSON export's ``_settings``). An import reads it (``csv_settings``) and fills the
settings as a JSON export's ``_settings`` does (:mod:`tracker.exchange.relationship`).
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from tracker.exchange.errors import FileProblem
from tracker.exchange.files import BOM, CHUNK, CSV_FIELD_LIMIT, FileInfo, member_kind
from tracker.exchange.records import ATTACHMENTS_KEY, SOURCES_KEY
from tracker.i18n import _
from tracker.model import KINDS, LINKS, REPORTS_KEY, SYSTEM_FIELDS, Kind, display_value, get_kind
from tracker.store.repository import Repository

# Spreadsheet programs run a cell beginning with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# What a damaged zip member raises while it is read (a bad CRC, a cut-off stream, a bad method).
_MEMBER_ERRORS = (zipfile.BadZipFile, EOFError, OSError, RuntimeError, NotImplementedError,
                  ValueError)


# --- writing --------------------------------------------------------------------------------------

def is_formula(part: str) -> bool:
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
        return "'" + text if is_formula(text) else text
    return ";".join("'" + part if is_formula(part) else part for part in text.split(";"))


def unneutralise(text: str) -> str:
    if "'" not in text:
        return text
    return ";".join(part[1:] if part.startswith("'") and is_formula(part) else part
                    for part in text.split(";"))


def csv_header(kind: Kind) -> list[str]:
    """The columns of a kind's CSV file: system fields, declared fields, then sources."""
    names = [n for n in SYSTEM_FIELDS if n != "id"]
    names += [f.name for f in kind.fields]
    names.append(SOURCES_KEY)
    names.append(ATTACHMENTS_KEY)
    if kind.deadline is not None:
        names.append("overdue")
    if kind.reports is not None:
        names.append(REPORTS_KEY)  # a JSON list, as the sources are
    return names


def csv_cell(value: Any) -> str:
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
    return "".join(csv_lines(kind_name, [records]))


# a text cell needs a closer look (``neutralise``) only when it holds ";" or starts with one of
# these (a formula character, or an apostrophe or space a formula may hide behind)
_LOOK_CLOSER = frozenset(FORMULA_START) | {"'", " "}


def _safe_cell(value: Any) -> str:
    """``neutralise(csv_cell(value))``, the common cases first."""
    if type(value) is str:
        if value and (value[0] in _LOOK_CLOSER or ";" in value):
            return neutralise(value)
        return value
    if value is None:
        return ""
    if type(value) is int:
        return "'" + str(value) if value < 0 else str(value)  # "-5" would start a formula
    return neutralise(csv_cell(value))


def csv_lines(kind_name: str, pages: Iterable[list[dict]]) -> Iterator[str]:
    """One kind's records (in the export shape), given a page at a time, as CSV text (the header
    first, then a page of rows at a time), formulas neutralised."""
    kind = get_kind(kind_name)
    header = csv_header(kind)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    for page in pages:
        writer.writerows([[_safe_cell(record.get(name)) for name in header] for record in page])
        yield buf.getvalue()
        buf.seek(0)
        buf.truncate()
    yield buf.getvalue()


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



SETTINGS_FILE = "_settings.txt"  # the relationship's settings in a CSV export (see above)
SETTINGS_HEADER = ("key", "value")


def settings_lines(settings: list[dict]) -> str:
    """The relationship's settings (``[{"key", "value"}]``, as a JSON export's ``_settings``)
    as the CSV text of ``SETTINGS_FILE``, formulas neutralised."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(SETTINGS_HEADER)
    writer.writerows([_safe_cell(s["key"]), _safe_cell(s["value"])] for s in settings)
    return buf.getvalue()


# --- reading --------------------------------------------------------------------------------------

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
        while chunk := fh.read(CHUNK):
            if len(head) < CHUNK:
                head += chunk[:CHUNK - len(head)]
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
        while chunk := fh.read(CHUNK):
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
        names = [c.strip().lstrip(BOM) for c in cells]
        score = (sum(n in known for n in names), len(names))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _member_problem(exc: Exception, where: Path, name: str, label: str) -> FileProblem:
    """A file of an export that cannot be read as text: what to tell the user."""
    if isinstance(exc, UnicodeDecodeError):
        return FileProblem(_("{name}: not {encoding} text").format(
            name=label, encoding=ENCODINGS.get(exc.encoding, exc.encoding)))
    return FileProblem(_("{path}: {name} cannot be read ({error})").format(
        path=where, name=name, error=exc))


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


def csv_records(where: Path, name: str, opener, files: list[FileInfo]
                ) -> Iterator[tuple[str, Any]]:
    """The records of the CSV file ``name`` in the zip or folder ``where``, one at a time, as
    (kind, record as given). ``opener(first)`` opens the file's bytes (``first``: the first of
    the two reads, which counts towards the zip's or folder's size); ``files`` receives what was
    understood of it (encoding, delimiter, records)."""
    kind_name = member_kind(name)
    kind = KINDS[kind_name]
    label = name if where.is_dir() else f"{where.name}: {name}"
    try:
        encoding, head = _sniff(label, opener)
        info = FileInfo(name, ENCODINGS[encoding])
        files.append(info)
        first_line = head.decode(encoding, "replace").lstrip(BOM).splitlines()[:1]
        delimiter = info.delimiter = _delimiter(kind, first_line[0] if first_line else "")
        if csv.field_size_limit() < CSV_FIELD_LIMIT:  # the default (128 KiB) is too small
            csv.field_size_limit(CSV_FIELD_LIMIT)
        with io.TextIOWrapper(io.BufferedReader(opener(False), CHUNK), encoding=encoding,
                              newline="") as text:
            reader = csv.reader(text, delimiter=delimiter, strict=True)
            yield from _csv_rows(label, kind, reader, delimiter, info)
    except _MEMBER_ERRORS as exc:
        raise _member_problem(exc, where, name, label) from None


def _csv_rows(label: str, kind: Kind, reader, delimiter: str, info: FileInfo
              ) -> Iterator[tuple[str, Any]]:
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise _csv_error(label, exc, 1, reader.line_num) from None
    if header is None:
        return
    header = [h.strip().lstrip(BOM) for h in header]
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
            if column in (SOURCES_KEY, ATTACHMENTS_KEY):
                record[column] = _csv_sources(label, start, cell, column)
            elif column == REPORTS_KEY and kind.reports is not None:
                record[column] = _csv_json_list(label, start, cell, REPORTS_KEY)
            elif column in kind.field_names and kind.field(column).type == LINKS:
                record[column] = [p.strip() for p in cell.replace(",", ";").split(";")
                                  if p.strip()]
            else:  # an unknown column is reported as "no such field" when checked
                record[column] = cell if cell != "" else None
        info.records += 1
        yield kind.name, record


def _csv_json_list(name: str, line: int, cell: str, column: str) -> list:
    if not cell.strip():
        return []
    try:
        value = json.loads(cell)
    except (json.JSONDecodeError, RecursionError):
        raise FileProblem(_("{name} line {line}: {column}: expected a JSON list").format(
            name=name, line=line, column=column)) from None
    return value


def _csv_sources(name: str, line: int, cell: str, column: str = SOURCES_KEY) -> list:
    """A JSON list cell: the sources with their quotes, or the attached files."""
    if not cell.strip():
        return []
    try:
        value = json.loads(cell)
    except (json.JSONDecodeError, RecursionError):
        if column == ATTACHMENTS_KEY:
            raise FileProblem(_("{name} line {line}: attachments: expected a JSON list of "
                                "{{name, size, sha256}}").format(name=name, line=line)
                              ) from None
        raise FileProblem(_("{name} line {line}: sources: expected a JSON list of "
                            "{{source_uid, source, quote}}").format(name=name, line=line)
                          ) from None
    return value



def csv_settings(where: Path, name: str, opener) -> Iterator[dict]:
    """The settings of ``SETTINGS_FILE`` (``name`` in the zip or folder ``where``), one row at a
    time as ``{"key", "value"}`` (checked by the import, as a JSON export's ``_settings``
    entries are); a file that is not ``key,value`` rows raises FileProblem naming its line."""
    label = name if where.is_dir() else f"{where.name}: {name}"
    try:
        encoding, head = _sniff(label, opener)
        first = head.decode(encoding, "replace").lstrip(BOM).splitlines()[:1]
        delimiter = max((",", ";", "\t"), key=lambda d: first[0].count(d) if first else 0)
        with io.TextIOWrapper(io.BufferedReader(opener(False), CHUNK), encoding=encoding,
                              newline="") as text:
            reader = csv.reader(text, delimiter=delimiter, strict=True)
            line = 0
            try:
                for row in reader:
                    line += 1
                    cells = [unneutralise(c) for c in row]
                    if line == 1:
                        if [c.strip().lstrip(BOM).lower() for c in cells] != list(
                                SETTINGS_HEADER):
                            raise FileProblem(_("{name} line 1: expected the columns key and "
                                                "value").format(name=label))
                        continue
                    if not any(c.strip() for c in cells):
                        continue
                    if len(cells) != 2 and any(c.strip() for c in cells[2:]) or len(cells) < 2:
                        raise FileProblem(_("{name} line {line}: expected a key and its value")
                                          .format(name=label, line=reader.line_num))
                    yield {"key": cells[0].strip(), "value": cells[1]}
            except csv.Error as exc:
                raise _csv_error(label, exc, line + 1, reader.line_num) from None
    except _MEMBER_ERRORS as exc:
        raise _member_problem(exc, where, name, label) from None
