"""Exports: every record in a portable shape, written as JSON or as CSV files (a zip or a folder),
and the CSV of a list.

``export_data(repo)`` gives every record of every kind (the trash included, with ``deleted_at``):
a link field holds the target's ``uid``, a link list a list of ``uid`` s, and a source reference
``{source_uid, source, quote}``. The writers save through a temporary name and a rename
(``tracker.outputs.replacing``), so a crash never leaves half a file under the real name.
"""

from __future__ import annotations

import base64
import datetime as _dt
import os
import zipfile
from pathlib import Path

from tracker.exchange.csv_format import csv_text
from tracker.exchange.errors import FileProblem
from tracker.exchange.files import FILES_FOLDER
from tracker.exchange.json_format import json_text
from tracker.exchange.records import ATTACHMENTS_KEY, UidMap, portable_record
from tracker.i18n import _
from tracker.model import KIND_ORDER, get_kind
from tracker.store.repository import Repository


def export_data(repo: Repository, kinds: list[str] | None = None,
                today: _dt.date | None = None) -> dict[str, list[dict]]:
    """Every record of the given kinds (default: all, in reading order), the trash included."""
    uids = UidMap(repo)
    data: dict[str, list[dict]] = {}
    for name in kinds or KIND_ORDER:
        kind = get_kind(name)
        rows = repo.list(kind.name, sort="id", with_links=True)
        rows += repo.list(kind.name, sort="id", with_links=True, trash=True)
        rows.sort(key=lambda r: r["id"])
        data[kind.name] = [portable_record(repo, kind.name, r, uids, today) for r in rows]
    return data


def _write_atomic(path: Path, data: bytes) -> None:
    """``data`` to ``path`` through a private temp file beside it, renamed over it at the end
    (``tracker.outputs.replacing``: a symlink is written through, a device or FIFO refused)."""
    from tracker.outputs import replacing

    with replacing(path, error=FileProblem) as tmp, open(tmp, "wb") as fh:
        fh.write(data)


def attached_files(data: dict[str, list[dict]]) -> dict[str, dict]:
    """The contents the export's records name (sha256 -> one attachment naming it), each once."""
    found: dict[str, dict] = {}
    for records in data.values():
        for record in records:
            for a in record.get(ATTACHMENTS_KEY) or []:
                found.setdefault(a["sha256"], a)
    return found


def write_json(path: str | os.PathLike, data: dict[str, list[dict]], repo=None) -> Path:
    """An export (``export_data``) to ``path`` as JSON (``json_text``). With ``repo``, the
    attached files' contents follow the records under ``"_files"``: each once, as a list of
    base64 pieces (one per stored chunk), read from the database a chunk at a time."""
    path = Path(path)
    files = attached_files(data) if repo is not None else {}
    from tracker.outputs import replacing

    with replacing(path, error=FileProblem) as tmp, open(tmp, "w", encoding="utf-8") as fh:
        text = json_text(data)
        if not files:
            fh.write(text)
            return path
        head = text.rstrip().removesuffix("}").rstrip()
        fh.write(head + (",\n" if head != "{" else "\n") + '  "_files": [')
        for i, (sha, a) in enumerate(files.items()):
            fh.write(("," if i else "") + f'\n    {{"sha256": "{sha}", "size": {int(a["size"])}, '
                     '"base64": [')
            for j, chunk in enumerate(repo.blob_chunks(sha, a["size"], a["name"])):
                fh.write(("," if j else "") + '\n      "' + base64.b64encode(chunk).decode()
                         + '"')
            fh.write("\n    ]}")
        fh.write("\n  ]\n}\n")
    return path


def write_csv(path: str | os.PathLike, data: dict[str, list[dict]], repo=None) -> Path:
    """A zip of one CSV per kind if ``path`` ends in ``.zip``, else a folder of them; with
    ``repo``, the attached files' contents as ``attachments/<sha256>`` beside them (each once,
    streamed from the database)."""
    from tracker.outputs import replacing

    path = Path(path)
    texts = {name: csv_text(name, records) for name, records in data.items()}
    files = attached_files(data) if repo is not None else {}
    if path.suffix.lower() == ".zip":
        with replacing(path, error=FileProblem) as tmp, \
                zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, text in texts.items():
                zf.writestr(f"{name}.csv", ("\ufeff" + text).encode("utf-8"))
            for sha, a in files.items():
                with zf.open(f"{FILES_FOLDER}/{sha}", "w", force_zip64=True) as out:
                    for chunk in repo.blob_chunks(sha, a["size"], a["name"]):
                        out.write(chunk)
        return path
    if path.exists() and not path.is_dir():
        raise FileProblem(_("{path} exists and is not a folder").format(path=path))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    for name, text in texts.items():
        _write_atomic(path / f"{name}.csv", ("\ufeff" + text).encode("utf-8"))
    if files:
        (path / FILES_FOLDER).mkdir(exist_ok=True, mode=0o700)
    for sha, a in files.items():
        with replacing(path / FILES_FOLDER / sha, error=FileProblem) as tmp, \
                open(tmp, "wb") as out:
            for chunk in repo.blob_chunks(sha, a["size"], a["name"]):
                out.write(chunk)
    return path


def write_list_csv(path: str | os.PathLike, text: str) -> Path:
    """A list's CSV (``list_csv``) to ``path``, with the byte-order mark spreadsheets look for
    to read UTF-8 (Cyrillic); temp-then-rename."""
    path = Path(path)
    _write_atomic(path, ("\ufeff" + text).encode("utf-8"))
    return path

