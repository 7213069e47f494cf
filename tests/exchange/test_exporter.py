"""Exports written privately and atomically, as JSON, a zip or a folder of CSV files."""

from __future__ import annotations

import json
import os

import pytest
from exchange_helpers import comparable

from tracker import exchange as tio
from tracker.session import open_session


def test_csv_round_trip_through_zip_and_folder(repo, tmp_path):
    repo.create("roadmap", {"title": "=HYPERLINK(\"http://x\")", "notes": "-2+3\nsecond line",
                            "due_date": "2027-01-31", "progress": 10})
    data = tio.export_data(repo)
    for target in (tmp_path / "all.zip", tmp_path / "folder"):
        tio.write_csv(target, data)
        with open_session(tmp_path / f"{target.stem}.db", seed=False) as fresh:
            tio.import_file(fresh, target)
            assert comparable(tio.export_data(fresh)) == comparable(data)


# --- files ----------------------------------------------------------------------------------------

def test_files_are_written_privately_and_atomically(repo, tmp_path, monkeypatch):
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "out.json"
    target.write_text("previous export")
    data = tio.export_data(repo)

    def disk_full(_fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)  # fails after the bytes went to the temp file
    with pytest.raises(OSError):
        tio.write_json(target, data)
    monkeypatch.undo()
    assert target.read_text() == "previous export"
    assert [p.name for p in folder.iterdir()] == ["out.json"]  # no temporary left behind
    tio.write_json(target, data)
    assert json.loads(target.read_text(encoding="utf-8"))["people"]
    assert target.stat().st_mode & 0o077 == 0
    assert [p.name for p in folder.iterdir()] == ["out.json"]
