"""Helpers the exchange tests share."""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from pathlib import Path

from click.testing import CliRunner

from tracker.cli.main import main

LOCAL = {"id", "updated_at", "updated_by", "version"}


def comparable(data):
    return {kind: [{k: v for k, v in r.items() if k not in LOCAL} for r in records]
            for kind, records in data.items()}


def cli(db, *args):
    return CliRunner().invoke(main, ["--db", str(db), "--language", "en", *args])


def one_line_error(result) -> str:
    assert result.exit_code == 1, (result.stdout, result.stderr, result.exception)
    assert isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


def state(repo) -> tuple:
    """Everything an import could change, to prove nothing was."""
    tables = [r[0] for r in repo.backend.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'search%'")]
    return tuple(sorted(repo.backend.conn.execute(f"SELECT * FROM [{t}]").fetchall(), key=repr)
                 for t in tables)


def make_zip(path: Path, members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a duplicate name, on purpose
        with zipfile.ZipFile(path, "w", method) as zf:
            for name, data in members.items() if isinstance(members, dict) else members:
                zf.writestr(name, data)
    return path


# --- Russian Excel --------------------------------------------------------------------------------

RUSSIAN_ROWS = [["title", "position", "country", "notes"],
                ["Пётр Ёлкин", "Посол", "Беларусь", "Встреча; «Астана» — итоги"],
                ["Айгерим Сәтбаева", "Советник", "Казахстан", ""]]


def excel_csv(delimiter=";", encoding="cp1251", bom=False, rows=RUSSIAN_ROWS) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    data = buf.getvalue().encode(encoding, "replace")
    return (b"\xef\xbb\xbf" + data) if bom else data
