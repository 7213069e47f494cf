"""Reading an export: a JSON file, a zip of CSV files or a folder of them, as a stream of records
within the limits of :mod:`tracker.exchange.files` (a zip's members are counted as they are read,
whatever the zip declares)."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tracker.exchange.contents import SHA_RE, StreamContent
from tracker.exchange.csv_format import SETTINGS_FILE, csv_records, csv_settings
from tracker.exchange.errors import FileProblem
from tracker.exchange.files import (
    FILES_FOLDER,
    MAX_FILES,
    MAX_IMPORT_BYTES,
    MAX_MEMBER_BYTES,
    MAX_RATIO,
    MAX_TOTAL_BYTES,
    MAX_ZIP_ENTRIES,
    RATIO_FREE_BYTES,
    FileInfo,
    member_kind,
)
from tracker.exchange.json_format import FILES_KEY, SETTINGS_KEY, json_records
from tracker.i18n import _


def read_records(path: str | os.PathLike, files: list[FileInfo] | None = None, *,
                 history: bool = False) -> Iterator[tuple[str, Any]]:
    """The records of an export, one at a time, as (kind, record as given): a JSON file, a zip of
    CSV files or a folder of them. ``files`` receives what was understood of each file. A file
    that cannot be read raises :class:`FileProblem` naming the file (and the line, for CSV).
    ``history``: a JSON export's history entries come too, as ``("_history", entry)``
    (:mod:`tracker.exchange.history`). The relationship's settings come as
    ``("_settings", {"key", "value"})`` (from a CSV export's ``_settings.txt`` too)."""
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
        yield from json_records(path, files, history=history)


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


def _zip_entries(path: Path) -> int | None:
    """The number of entries the zip's end record declares (read before building the whole
    directory: a zip of a million empty entries is refused without reading them)."""
    try:
        with open(path, "rb") as fh:
            end = zipfile._EndRecData(fh)  # noqa: SLF001 - the stdlib's own reader of that record
    except (OSError, AttributeError, zipfile.BadZipFile, ValueError):
        return None
    return None if not end else end[zipfile._ECD_ENTRIES_TOTAL]  # noqa: SLF001


def _zip_records(path: Path, files: list[FileInfo]) -> Iterator[tuple[str, Any]]:
    entries = _zip_entries(path)
    if entries is not None and entries > MAX_ZIP_ENTRIES + MAX_FILES:
        raise FileProblem(_("{path} holds {n} entries; an export holds a few (at most {limit})")
                          .format(path=path, n=entries, limit=MAX_ZIP_ENTRIES))
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise FileProblem(_("{path} is a damaged zip file ({error})").format(
            path=path, error=exc)) from None
    with zf:
        infos = zf.infolist()
        contents = [info for info in infos if _content_name(info.filename) is not None
                    and not info.is_dir()]
        if len(contents) > MAX_FILES:
            raise FileProblem(_("{path} holds more than {limit} attached files").format(
                path=path, limit=MAX_FILES))
        others = len(infos) - len(contents)  # the CSV files and anything else: a few
        if others > MAX_ZIP_ENTRIES:
            raise FileProblem(_("{path} holds {n} entries; an export holds a few (at most "
                                "{limit})").format(path=path, n=others, limit=MAX_ZIP_ENTRIES))
        chosen: dict[str, zipfile.ZipInfo] = {}
        settings: zipfile.ZipInfo | None = None
        for info in infos:
            name = info.filename.replace("\\", "/").rsplit("/", 1)[-1]
            if not info.is_dir() and name.lower() == SETTINGS_FILE and settings is None:
                settings = info
                _readable(path, info)
            if info.is_dir() or not name.lower().endswith(".csv"):
                continue  # nested zips and other files are not read, let alone expanded
            if name in chosen:
                raise FileProblem(_("{path}: {name} is in the zip twice ({first} and {second}); "
                                    "keep one").format(path=path, name=name,
                                                       first=chosen[name].filename,
                                                       second=info.filename))
            member_kind(name)
            _readable(path, info)
            chosen[name] = info
        if not chosen and settings is None:
            raise FileProblem(_("{path} holds no CSV files to import").format(path=path))
        meter = _Meter(path)
        for name, info in chosen.items():
            def opener(first: bool, info=info, name=name):
                return _Counted(zf.open(info), meter, name, info.compress_size, first)
            yield from csv_records(path, name, opener, files)
        if settings is not None:
            def settings_opener(first: bool, info=settings):
                return _Counted(zf.open(info), meter, SETTINGS_FILE, info.compress_size, first)
            yield from ((SETTINGS_KEY, raw) for raw in csv_settings(
                path, settings.filename, settings_opener))
        for info in contents:
            if info.flag_bits & 0x1 or info.compress_type not in _ZIP_METHODS:
                raise FileProblem(_("{path}: {name} is encrypted or compressed in a way this "
                                    "program cannot read; make the zip again").format(
                                        path=path, name=info.filename))
            yield FILES_KEY, StreamContent(lambda info=info: zf.open(info),
                                           _content_name(info.filename),
                                           f"{path.name}: {info.filename}")


def _readable(path: Path, info: zipfile.ZipInfo) -> None:
    """A CSV member this program can read (not encrypted, compressed by a known method, within
    the size limits), else FileProblem naming it."""
    name = info.filename.replace("\\", "/").rsplit("/", 1)[-1]
    if info.flag_bits & 0x1:
        raise FileProblem(_("{path}: {name} is encrypted; make the zip again without a "
                            "password").format(path=path, name=name))
    if info.compress_type not in _ZIP_METHODS:
        raise FileProblem(_("{path}: {name} is compressed in a way this program cannot "
                            "read (method {method}); make the zip again with ordinary "
                            "(deflate) compression").format(
                                path=path, name=name, method=info.compress_type))
    _Meter(path).check(name, info.file_size, info.compress_size)


def _content_name(member: str) -> str | None:
    """The SHA-256 an ``attachments/<sha256>`` member (or file) holds the content of; None for
    any other name."""
    folder, _sep, name = member.replace("\\", "/").rpartition("/")
    if folder.rsplit("/", 1)[-1] != FILES_FOLDER or not SHA_RE.match(name.lower()):
        return None
    return name.lower()


def _folder_records(path: Path, files: list[FileInfo]) -> Iterator[tuple[str, Any]]:
    members = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv" and p.is_file())
    settings = next((p for p in sorted(path.iterdir())
                     if p.name.lower() == SETTINGS_FILE and p.is_file()), None)
    if not members and settings is None:
        raise FileProblem(_("{path} is a folder with no CSV files to import").format(path=path))
    for p in members:
        member_kind(p.name)
    meter = _Meter(path)
    for p in members:
        meter.check(p.name, p.stat().st_size, None)

        def opener(first: bool, p=p):
            return _Counted(open(p, "rb"), meter, p.name, None, first)
        yield from csv_records(path, p.name, opener, files)
    if settings is not None:
        meter.check(settings.name, settings.stat().st_size, None)
        yield from ((SETTINGS_KEY, raw) for raw in csv_settings(
            path, settings.name, lambda first: _Counted(open(settings, "rb"), meter,
                                                        settings.name, None, first)))
    folder = path / FILES_FOLDER
    if folder.is_dir():
        found = sorted(p for p in folder.iterdir()
                       if p.is_file() and _content_name(f"{FILES_FOLDER}/{p.name}"))
        if len(found) > MAX_FILES:
            raise FileProblem(_("{path} holds more than {limit} attached files").format(
                path=folder, limit=MAX_FILES))
        for p in found:
            yield FILES_KEY, StreamContent(lambda p=p: open(p, "rb"), p.name.lower(),
                                           f"{FILES_FOLDER}/{p.name}")
