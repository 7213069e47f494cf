"""JSON exports: the text written (one object keyed by kind) and a streaming reader of it.

The reader parses the file as a stream of events (ijson) and builds one record at a time, refusing
a record beyond the size and depth limits (:mod:`tracker.exchange.files`) and a file that names a
kind or a record's field twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from tracker.exchange.contents import JsonContent
from tracker.exchange.errors import FileProblem
from tracker.exchange.files import MAX_DEPTH, MAX_RECORD_CHARS, MAX_RECORD_VALUES, FileInfo
from tracker.i18n import _
from tracker.model import KIND_ORDER, KINDS

HISTORY_KEY = "_history"  # an export's history entries (tracker.exchange.history)
#: The key of an export that holds the contents of attached files (tracker.exchange.contents).
FILES_KEY = "_files"
SETTINGS_KEY = "_settings"  # the relationship's settings (tracker.exchange.relationship)
_OPENS, _CLOSES = frozenset(("start_map", "start_array")), frozenset(("end_map", "end_array"))


def json_text(data: dict[str, list[dict]]) -> str:
    """An export as JSON text: what ``write_json`` writes (``json_chunks``)."""
    return "".join(json_chunks((name, [records]) for name, records in data.items()))


def json_chunks(pages: Iterable[tuple[str, Iterable[list[dict]]]]) -> Iterator[str]:
    """An export given as (kind, pages of records) as JSON text, a page at a time: the text of
    ``json.dumps(data, ensure_ascii=False, indent=2)`` and a newline, where ``data`` holds every
    kind's records. A page is encoded in one call and indented two levels deeper (JSON text
    holds no line break inside a string: each one is the layout's)."""
    opened = False
    for name, kind_pages in pages:
        yield ("{\n  " if not opened else ",\n  ") + json.dumps(name, ensure_ascii=False) + ": ["
        opened = True
        first = True
        for page in kind_pages:
            if not page:
                continue
            text = json.dumps(page, ensure_ascii=False, indent=2)  # "[\n  {...},\n  {...}\n]"
            yield ("\n  " if first else ",\n  ") + text[2:-2].replace("\n", "\n  ")
            first = False
        yield "]" if first else "\n  ]"
    yield "\n}\n" if opened else "{}\n"


def _ijson():
    """ijson's C backend (yajl2_c), else its pure-Python one. Imported by name so that a frozen
    build (PyInstaller) bundles it: ijson otherwise picks its backend at run time."""
    try:
        from ijson.backends import yajl2_c as backend
    except ImportError:  # pragma: no cover - a platform without the compiled wheel
        from ijson.backends import python as backend
    return backend


def _json_problem(path: Path, exc: Exception) -> FileProblem:
    text = exc.args[0] if exc.args else ""
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    error = lines[0] if lines else type(exc).__name__
    if len(lines) > 1 and "right here" not in lines[1]:
        error += f": {lines[1][:60]}"
    return FileProblem(_("{path} is not valid JSON ({error})").format(path=path, error=error))


def json_records(path: Path, files: list[FileInfo], *, history: bool = False
                 ) -> Iterator[tuple[str, Any]]:
    """The records of a JSON export as (kind, record); ``history``: its history entries too, as
    (HISTORY_KEY, entry), each within a record's limits."""
    from ijson.common import JSONError

    info = FileInfo(path.name)
    files.append(info)
    with open(path, "rb") as fh:
        if fh.read(3) != b"\xef\xbb\xbf":
            fh.seek(0)
        events = _ijson().basic_parse(fh, use_float=True)
        try:
            yield from _json_export(iter(events), path, info, history)
        except JSONError as exc:
            raise _json_problem(path, exc) from None
        except UnicodeDecodeError:
            raise FileProblem(_("{path} is not a JSON export (not UTF-8 text)").format(
                path=path)) from None


def _json_export(events: Iterator, path: Path, info: FileInfo, history: bool = False
                 ) -> Iterator[tuple[str, Any]]:
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
        if key == FILES_KEY:
            yield from _json_files(events, start, path)
            continue
        if key not in KINDS:
            if history and key == HISTORY_KEY and start == "start_array":
                yield from _json_history(events, path)
                continue
            if key == SETTINGS_KEY and start == "start_array":  # the relationship's settings
                yield from _json_history(events, path, SETTINGS_KEY)
                continue
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


def _json_history(events: Iterator, path: Path, key: str = HISTORY_KEY
                  ) -> Iterator[tuple[str, Any]]:
    """The entries of the list ``key`` (the history's, or the settings'), as (key, entry)."""
    index = 0
    for event, value in events:
        if event == "end_array":
            return
        index += 1
        yield key, _json_value(events, event, value, path, key, index)


def _json_files(events: Iterator, start: str, path: Path) -> Iterator[tuple[str, Any]]:
    """``"_files"``: each entry handed on as a :class:`JsonContent` read from the events as the
    loader takes it (and skipped if it does not)."""
    if start == "null":
        return
    if start != "start_array":
        raise FileProblem(_("{path}: _files: expected a list of files").format(path=path))
    index = 0
    for event, _value in events:
        if event == "end_array":
            return
        index += 1
        if event != "start_map":
            raise FileProblem(_("{path}: _files #{n}: expected {{sha256, size, base64}}").format(
                path=path, n=index))
        content = JsonContent(events, path, index)
        yield FILES_KEY, content
        content.skip()


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
    parents: list[tuple[Any, Any]] = []  # (container, its key) of each enclosing value
    container, key, is_map = root, None, type(root) is dict
    chars = values = 0
    for event, value in events:
        if event == "map_key":
            if not parents and value in root:
                raise FileProblem(_("{path}: {kind} record #{n} gives {field} twice").format(
                    path=path, kind=kind, n=index, field=str(value)[:40]))
            key = value
            continue
        opens = event in _OPENS
        if opens:
            item = {} if event == "start_map" else []
            if len(parents) + 1 >= MAX_DEPTH:
                raise FileProblem(_("{path}: {kind} record #{n} is nested too deeply").format(
                    path=path, kind=kind, n=index))
        elif event in _CLOSES:
            if not parents:
                return root
            container, key = parents.pop()
            is_map = type(container) is dict
            continue
        else:  # a string, number, boolean or null
            item = value
            if type(value) is str:
                chars += len(value)
        values += 1
        if chars > MAX_RECORD_CHARS or values > MAX_RECORD_VALUES:
            raise FileProblem(_("{path}: {kind} record #{n} is too large to import").format(
                path=path, kind=kind, n=index))
        if is_map:
            container[key] = item
        else:
            container.append(item)
        if opens:
            parents.append((container, key))
            container, key, is_map = item, None, event == "start_map"
    raise FileProblem(_("{path} ends inside a record").format(path=path))  # pragma: no cover

