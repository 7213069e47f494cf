"""Export and import at scale: the export written as it is read, a page at a time, with the same
bytes as the whole export written at once; progress told through the phases of an import."""

from __future__ import annotations

import datetime as _dt
import json
import zipfile

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker import exchange as tio
from tracker.exchange import exporter
from tracker.exchange.json_format import json_chunks
from tracker.exchange.relationship import export_settings
from tracker.seed.synthetic import generate
from tracker.session import open_session

TODAY = _dt.date(2026, 3, 1)

VALUES = st.one_of(st.none(), st.booleans(), st.integers(-2**40, 2**40), st.text(max_size=30))
RECORDS = st.lists(st.dictionaries(st.text(max_size=8), st.one_of(
    VALUES, st.lists(VALUES, max_size=3),
    st.lists(st.dictionaries(st.text(max_size=5), VALUES, max_size=3), max_size=2)),
    max_size=5), max_size=6)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["people", "sources", "roadmap"]), RECORDS),
       st.integers(1, 4))
def test_json_written_a_page_at_a_time_is_the_json_of_the_whole(data, page):
    """Any records (markup, quotes, control characters, Cyrillic, empty lists), cut into pages
    of any size: the text is json.dumps(data, ensure_ascii=False, indent=2) and a newline."""
    pages = ((name, [records[i:i + page] for i in range(0, len(records), page)] or [[]])
             for name, records in data.items())
    assert "".join(json_chunks(pages)) == json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _database(tmp_path):
    repo = open_session(tmp_path / "big.db", seed=True, user="t")
    generate(repo, 40, seed=2)
    return repo


def test_export_file_writes_the_bytes_of_the_whole_export_a_page_at_a_time(
        tmp_path, monkeypatch):
    repo = _database(tmp_path)
    real_pages = exporter.export_pages
    monkeypatch.setattr(exporter, "export_pages", lambda r, kinds=None, today=None,
                        progress=None: real_pages(r, kinds, TODAY, progress))
    monkeypatch.setattr(exporter, "PAGE", 7)  # many pages, links and sources across them
    reports = []
    try:
        whole = tio.export_data(repo, today=TODAY)
        # an export ends with the relationship's settings (tracker.exchange.relationship)
        tio.write_json(tmp_path / "whole.json", {**whole, "_settings": export_settings(repo)})
        tio.write_csv(tmp_path / "whole.zip", {**whole, "_settings": export_settings(repo)})
        path, n = tio.export_file(repo, tmp_path / "paged.json",
                                  progress=lambda done, total: reports.append((done, total)))
        tio.export_file(repo, tmp_path / "paged.zip", "csv")
    finally:
        repo.close()
    assert n == sum(map(len, whole.values())) == reports[-1][0] == reports[-1][1]
    assert path.read_bytes() == (tmp_path / "whole.json").read_bytes()
    with zipfile.ZipFile(tmp_path / "whole.zip") as a, zipfile.ZipFile(tmp_path / "paged.zip") as b:
        assert a.namelist() == b.namelist()
        assert all(a.read(name) == b.read(name) for name in a.namelist())


def test_an_import_tells_its_progress_reading_checking_writing(tmp_path):
    repo = _database(tmp_path)
    try:
        path, n = tio.export_file(repo, tmp_path / "all.json")
    finally:
        repo.close()
    reports = []
    with open_session(tmp_path / "fresh.db", user="t") as fresh:
        tio.import_file(fresh, path, dry_run=True,
                        progress=lambda *report: reports.append(report))
        assert {stage for _d, _t, stage in reports} == {"reading", "checking"}
        reports.clear()
        result = tio.import_file(fresh, path, progress=lambda *report: reports.append(report))
    stages = [stage for _d, _t, stage in reports]
    assert stages == sorted(stages, key=["reading", "checking", "writing"].index)
    assert reports[-1] == (n, n, "writing") and result.total == n
    assert all(done <= total for done, total, stage in reports if stage != "reading")
