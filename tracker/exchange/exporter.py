"""Exports: every record in a portable shape, written as JSON or as CSV files (a zip or a folder),
and the CSV of a list.

``export_data(repo)`` gives every record of every kind (the trash included, with ``deleted_at``):
a link field holds the target's ``uid``, a link list a list of ``uid`` s, and a source reference
``{source_uid, source, quote}``. ``export_file(repo, path)`` writes the same as a stream: the
records are read a page at a time (``PAGE``) and written as they come, so memory does not grow
with the database, and ``progress(done, total)`` is told after each page; the attached files'
contents follow the records (``"_files"`` in JSON, ``attachments/<sha256>`` beside CSV), each
once, read a stored chunk at a time; the relationship's settings end it (``"_settings"`` in
JSON, ``_settings.txt`` beside CSV: :mod:`tracker.exchange.csv_format`). The writers save
through a temporary name and a rename (``tracker.outputs.replacing``), so a crash never leaves
half a file under the real name. The same data gives the same bytes however it is written.
"""

from __future__ import annotations

import base64
import datetime as _dt
import io
import itertools
import os
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from tracker.exchange.csv_format import SETTINGS_FILE, csv_lines, settings_lines
from tracker.exchange.errors import FileProblem
from tracker.exchange.files import FILES_FOLDER
from tracker.exchange.json_format import SETTINGS_KEY, json_chunks
from tracker.exchange.records import ATTACHMENTS_KEY, UidMap, portable_page
from tracker.i18n import _
from tracker.model import KIND_ORDER, KINDS, get_kind
from tracker.store.repository import Repository

PAGE = 2000  # records read (and converted) at a time
Progress = Callable[[int, int], None]
#: what an export is given: (kind, pages of records in the export shape), kind after kind
Pages = Iterable[tuple[str, Iterable[list[dict]]]]


def export_pages(repo: Repository, kinds: list[str] | None = None,
                 today: _dt.date | None = None, progress: Progress | None = None) -> Pages:
    """Every record of the given kinds (default: all, in reading order), the trash included, in
    id order: (kind, its pages of records in the export shape) kind after kind, read as they
    are asked for."""
    names = [get_kind(name).name for name in (kinds or KIND_ORDER)]
    today = today or _dt.date.today()
    uids = UidMap(repo)
    total = sum(repo.count(n) + repo.count(n, trash=True) for n in names) if progress else 0
    done = [0]

    def pages(name: str) -> Iterator[list[dict]]:
        kind = get_kind(name)
        after = 0
        while rows := repo.records_after(name, after, PAGE):
            after = rows[-1]["id"]
            yield portable_page(kind, rows, uids, today)
            done[0] += len(rows)
            if progress is not None:
                progress(done[0], max(total, done[0]))

    for name in names:
        yield name, pages(name)


def export_data(repo: Repository, kinds: list[str] | None = None,
                today: _dt.date | None = None) -> dict[str, list[dict]]:
    """Every record of the given kinds (default: all, in reading order), the trash included."""
    return {name: [r for page in pages for r in page]
            for name, pages in export_pages(repo, kinds, today)}


def _given(data: dict[str, list[dict]]) -> Pages:
    return ((name, [records]) for name, records in data.items())


def export_file(repo: Repository, path: str | os.PathLike, fmt: str = "json", *,
                kinds: list[str] | None = None, progress: Progress | None = None,
                with_history: bool = False) -> tuple[Path, int]:
    """Every record (``export_pages``) written to ``path`` as it is read: JSON (``fmt``
    "json"), or CSV ("csv": a zip if ``path`` ends in ``.zip``, else a folder). Returns (the
    file or folder written, records). ``with_history`` (JSON): the records' history after them
    (:mod:`tracker.exchange.history`), for an ``import --with-history`` elsewhere. An export
    ends with the relationship's settings (:mod:`tracker.exchange.relationship`; CSV:
    ``_settings.txt``)."""
    counted = [0]

    def counting(pages: Iterable[list[dict]]) -> Iterator[list[dict]]:
        for page in pages:
            counted[0] += len(page)
            yield page

    source: Iterable = ((name, counting(pages)) for name, pages in
                        export_pages(repo, kinds, progress=progress))
    if with_history and fmt == "json":
        from tracker.exchange.history import HISTORY_KEY, export_history

        source = itertools.chain(source, [(HISTORY_KEY, iter([export_history(repo)]))])
    # the relationship named, for the desk that imports the file
    from tracker.exchange.relationship import export_settings

    if settings := export_settings(repo):
        source = itertools.chain(source, [(SETTINGS_KEY, iter([settings]))])
    written = (write_json if fmt == "json" else write_csv)(path, source, repo=repo)
    return written, counted[0]


def _open_atomic(path: Path):
    """A private temp file beside ``path``, renamed over it at the end
    (``tracker.outputs.replacing``: a symlink is written through, a device or FIFO refused)."""
    from tracker.outputs import replacing

    return replacing(path, error=FileProblem)


def _noting_files(pages: Pages, files: dict[str, dict]) -> Pages:
    """``pages`` handed on as they are read, the contents their records' attachments name noted
    in ``files`` (sha256 -> one attachment naming it), each once: what to write after them."""
    def noted(kind_pages: Iterable[list[dict]]) -> Iterator[list[dict]]:
        for page in kind_pages:
            for record in page:
                for a in record.get(ATTACHMENTS_KEY) or []:
                    files.setdefault(a["sha256"], a)
            yield page

    for name, kind_pages in pages:
        yield name, (noted(kind_pages) if name in KINDS else kind_pages)


def _json_files(files: dict[str, dict], repo) -> Iterator[str]:
    """The ``"_files"`` member: each content once, as a list of base64 pieces (one per stored
    chunk), read from the database a chunk at a time."""
    yield '  "_files": ['
    for i, (sha, a) in enumerate(files.items()):
        yield (("," if i else "") + f'\n    {{"sha256": "{sha}", "size": {int(a["size"])}, '
               '"base64": [')
        for j, chunk in enumerate(repo.blob_chunks(sha, a["size"], a["name"])):
            yield ("," if j else "") + '\n      "' + base64.b64encode(chunk).decode() + '"'
        yield "\n    ]}"
    yield "\n  ]\n}\n"


def write_json(path: str | os.PathLike, data: dict[str, list[dict]] | Pages, repo=None) -> Path:
    """An export (``export_data``, or ``export_pages``) to ``path`` as JSON (``json_chunks``).
    With ``repo``, the attached files' contents follow the records under ``"_files"``
    (``_json_files``)."""
    path = Path(path)
    pages = _given(data) if isinstance(data, dict) else data
    files: dict[str, dict] = {}
    if repo is not None:
        pages = _noting_files(pages, files)
    with _open_atomic(path) as tmp, open(tmp, "wb") as fh:
        ending = None  # the closing brace, held back while the files may follow
        for chunk in json_chunks(pages):
            if ending is not None:
                fh.write(ending.encode("utf-8"))
            ending = chunk
        if not files:
            fh.write((ending or "{}\n").encode("utf-8"))
            return path
        fh.write(("{\n" if ending == "{}\n" else ",\n").encode("utf-8"))
        for chunk in _json_files(files, repo):
            fh.write(chunk.encode("utf-8"))
    return path


def _zip_member(zf: zipfile.ZipFile, name: str) -> io.TextIOWrapper:
    """A member written as text (UTF-8 with the byte-order mark spreadsheets look for), stamped
    as ``ZipFile.writestr`` stamps one."""
    info = zipfile.ZipInfo(name, date_time=time.localtime(time.time())[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    text = io.TextIOWrapper(zf.open(info, "w"), encoding="utf-8", newline="")
    text.write("\ufeff")
    return text


def _member_name(name: str) -> str:
    return SETTINGS_FILE if name == SETTINGS_KEY else f"{name}.csv"


def _member_lines(name: str, pages: Iterable[list[dict]]) -> Iterator[str]:
    if name == SETTINGS_KEY:
        return iter([settings_lines([s for page in pages for s in page])])
    return csv_lines(name, pages)


def write_csv(path: str | os.PathLike, data: dict[str, list[dict]] | Pages, repo=None) -> Path:
    """A zip of one CSV per kind if ``path`` ends in ``.zip``, else a folder of them; with
    ``repo``, the attached files' contents as ``attachments/<sha256>`` beside them (each once,
    streamed from the database after the records); the relationship's settings (given as
    ``"_settings"``) as ``SETTINGS_FILE``."""
    path = Path(path)
    pages = _given(data) if isinstance(data, dict) else data
    files: dict[str, dict] = {}
    if repo is not None:
        pages = _noting_files(pages, files)
    if path.suffix.lower() == ".zip":
        with _open_atomic(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, kind_pages in pages:
                with _zip_member(zf, _member_name(name)) as text:
                    for lines in _member_lines(name, kind_pages):
                        text.write(lines)
            for sha, a in files.items():
                with zf.open(f"{FILES_FOLDER}/{sha}", "w", force_zip64=True) as out:
                    for chunk in repo.blob_chunks(sha, a["size"], a["name"]):
                        out.write(chunk)
        return path
    if path.exists() and not path.is_dir():
        raise FileProblem(_("{path} exists and is not a folder").format(path=path))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    for name, kind_pages in pages:
        with _open_atomic(path / _member_name(name)) as tmp, open(
                tmp, "w", encoding="utf-8", newline="") as text:
            text.write("\ufeff")
            for lines in _member_lines(name, kind_pages):
                text.write(lines)
    if files:
        (path / FILES_FOLDER).mkdir(exist_ok=True, mode=0o700)
    for sha, a in files.items():
        with _open_atomic(path / FILES_FOLDER / sha) as tmp, open(tmp, "wb") as out:
            for chunk in repo.blob_chunks(sha, a["size"], a["name"]):
                out.write(chunk)
    return path


def write_list_csv(path: str | os.PathLike, text: str) -> Path:
    """A list's CSV (``list_csv``) to ``path``, with the byte-order mark spreadsheets look for
    to read UTF-8 (Cyrillic); temp-then-rename."""
    path = Path(path)
    with _open_atomic(path) as tmp, open(tmp, "wb") as fh:
        fh.write(("\ufeff" + text).encode("utf-8"))
    return path
