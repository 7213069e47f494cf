"""Exports: every record in a portable shape, written as JSON or as CSV files (a zip or a folder),
and the CSV of a list.

``export_data(repo)`` gives every record of every kind (the trash included, with ``deleted_at``):
a link field holds the target's ``uid``, a link list a list of ``uid`` s, and a source reference
``{source_uid, source, quote}``. The writers save through a temporary name and a rename
(``tracker.outputs.replacing``), so a crash never leaves half a file under the real name.
"""

from __future__ import annotations

import datetime as _dt
import io
import os
import zipfile
from pathlib import Path

from tracker.exchange.csv_format import csv_text
from tracker.exchange.errors import FileProblem
from tracker.exchange.json_format import json_text
from tracker.exchange.records import UidMap, portable_record
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


def write_json(path: str | os.PathLike, data: dict[str, list[dict]]) -> Path:
    """An export (``export_data``) to ``path`` as JSON (``json_text``)."""
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


def write_list_csv(path: str | os.PathLike, text: str) -> Path:
    """A list's CSV (``list_csv``) to ``path``, with the byte-order mark spreadsheets look for
    to read UTF-8 (Cyrillic); temp-then-rename."""
    path = Path(path)
    _write_atomic(path, ("\ufeff" + text).encode("utf-8"))
    return path

