"""export and import through the CLI."""

from __future__ import annotations

import json

import pytest
from cli_helpers import audit_count, cli, fails, ok

from tracker.model import KIND_ORDER
from tracker.seed.article import RECORDS

SEEDED = len(RECORDS) + 1  # the article's records and the article itself


def _comparable(data):
    local = {"id", "updated_at", "updated_by", "version"}
    return {kind: [{k: v for k, v in r.items() if k not in local} for r in records]
            for kind, records in data.items()}


# --- export / import through the CLI --------------------------------------------------------------

def test_export_import_round_trip_through_the_cli(seeded, tmp_path):
    out = tmp_path / "all.json"
    assert ok(cli(seeded, "export", "-o", str(out))).stdout.strip() == str(out)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert list(data) == [*KIND_ORDER, "_settings"]  # the records, then the relationship
    fresh = tmp_path / "fresh.db"
    ok(cli(fresh, "init", "--empty"))
    preview = ok(cli(fresh, "import", "--dry-run", str(out)))
    assert "22 created" in preview.stdout and "nothing was written" in preview.stdout
    assert "0 created, 0 updated, 22 unchanged" not in preview.stdout
    assert ok(cli(fresh, "list", "agreements", "--json")).stdout.strip() == "[]"
    result = ok(cli(fresh, "import", str(out)))
    assert "22 created" in result.stdout
    assert "22 unchanged" in ok(cli(fresh, "import", "--dry-run", str(out))).stdout
    again = tmp_path / "again.json"
    ok(cli(fresh, "export", "-o", str(again)))
    assert _comparable(json.loads(again.read_text(encoding="utf-8"))) == _comparable(data)


def test_export_csv_zip_and_folder(seeded, tmp_path):
    import zipfile

    ok(cli(seeded, "export", "--format", "csv", "-o", str(tmp_path / "all.zip")))
    # one file per kind, and the relationship's settings (tracker.exchange.csv_format)
    files = sorted([f"{k}.csv" for k in KIND_ORDER] + ["_settings.txt"])
    with zipfile.ZipFile(tmp_path / "all.zip") as zf:
        assert sorted(zf.namelist()) == files
    ok(cli(seeded, "export", "--format", "csv", "-o", str(tmp_path / "folder")))
    assert sorted(p.name for p in (tmp_path / "folder").iterdir()) == files
    fresh = tmp_path / "fresh.db"
    ok(cli(fresh, "init", "--empty"))
    ok(cli(fresh, "import", str(tmp_path / "folder")))
    assert len(json.loads(ok(cli(fresh, "list", "roadmap", "--json")).stdout)) == 5


def test_export_to_a_folder_as_json_is_refused(seeded, tmp_path):
    assert "folder" in fails(cli(seeded, "export", "-o", str(tmp_path)))


@pytest.mark.parametrize("content", [
    b"\x00\xff\xfe garbage \x89PNG",
    b'{"agreements": [{"title": "cut off',
    b"",
    b"[1, 2, 3]",
    b'{"agreements": {"title": "not a list"}}',
    b'{"treaties": []}',
    b'{"agreements": ["just a string"]}',
    b"[" * 100_000,
    "{\"people\": [{\"title\": \"\u0416\"}]}".encode("cp1251"),
])
def test_import_of_unreadable_files_is_a_clean_error(seeded, tmp_path, content):
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    before = audit_count(seeded)
    fails(cli(seeded, "import", str(bad)))
    assert audit_count(seeded) == before


def test_import_of_a_folder_or_a_missing_file(seeded, tmp_path):
    assert "no CSV" in fails(cli(seeded, "import", str(tmp_path)))
    assert "no such file" in fails(cli(seeded, "import", str(tmp_path / "missing.json")))


def test_import_error_names_kind_record_and_field(seeded, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"roadmap": [{"title": "Fine"},
                                           {"title": "Broken", "progress": "lots"}]}))
    message = fails(cli(seeded, "import", str(bad)))
    assert "roadmap" in message and "#2 'Broken'" in message and "progress" in message
    assert "nothing was imported" in message
    titles = [r["title"] for r in json.loads(ok(cli(seeded, "list", "roadmap", "--json")).stdout)]
    assert "Fine" not in titles


def test_export_and_import_show_their_progress_when_asked(seeded, tmp_path):
    """--progress: each stage on stderr up to all the records (a terminal gets it by default,
    on one line rewritten in place); stdout keeps only the result."""
    out = tmp_path / "all.json"
    exported = ok(cli(seeded, "export", "--progress", "-o", str(out)))
    assert exported.stdout.strip() == str(out)
    assert f"exporting: {SEEDED} of {SEEDED} records (100%)" in exported.stderr
    fresh = tmp_path / "fresh.db"
    ok(cli(fresh, "init", "--empty"))
    imported = ok(cli(fresh, "import", "--progress", str(out)))
    lines = imported.stderr.splitlines()
    assert f"reading the file: {SEEDED} of {SEEDED} records (100%)" in lines
    assert f"checking: {SEEDED} of {SEEDED} records (100%)" in lines
    assert lines[-1] == f"writing: {SEEDED} of {SEEDED} records (100%)"
    assert f"{SEEDED} created" in imported.stdout
    quiet = ok(cli(fresh, "import", "--dry-run", str(out)))
    assert "records (" not in quiet.stderr  # not a terminal: no progress unless asked
