"""JSON exports read as a stream: records too large, too deep, or naming a field twice."""

from __future__ import annotations

import json

import pytest

from tracker import exchange as tio
from tracker.exchange import json_format


def test_json_records_too_large_or_too_deep_are_refused(empty_repo, tmp_path, monkeypatch):
    monkeypatch.setattr(json_format, "MAX_RECORD_CHARS", 1000)
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"people": [{"title": "A"}, {"title": "B", "notes": "x" * 2000}]}))
    with pytest.raises(tio.FileProblem, match="people record #2 is too large"):
        tio.import_file(empty_repo, big)
    deep = tmp_path / "deep.json"
    deep.write_text('{"people": [{"title": "A", "notes": ' + "[" * 200 + "]" * 200 + "}]}")
    with pytest.raises(tio.FileProblem, match="nested too deeply"):
        tio.import_file(empty_repo, deep)
    twice = tmp_path / "twice.json"
    twice.write_text('{"people": [{"title": "A"}], "people": [{"title": "B"}]}')
    with pytest.raises(tio.FileProblem, match="people is in the file twice"):
        tio.import_file(empty_repo, twice)
    field = tmp_path / "field.json"
    field.write_text('{"people": [{"title": "A", "title": "B"}]}')
    with pytest.raises(tio.FileProblem, match="people record #1 gives title twice"):
        tio.import_file(empty_repo, field)
    assert empty_repo.count("people") == 0
