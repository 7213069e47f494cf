"""Reading an export within limits: zip bombs, members larger than declared, nested, doubled
or encrypted members, damaged zips, and memory that does not grow with the file."""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import textwrap
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from exchange_helpers import cli, make_zip, one_line_error, state

from tracker import exchange as tio
from tracker.errors import TrackerError
from tracker.exchange import reading
from tracker.store.repository import Repository
from tracker.store.sqlite.stage import Stage


@pytest.mark.parametrize("name, content", [
    ("garbage.zip", b"PK\x03\x04" + b"\x00" * 40),
    ("people.csv.zip", None),
])
def test_damaged_or_foreign_zips(other, tmp_path, name, content):
    path = tmp_path / name
    if content is None:
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("planets.csv", "title\nMars\n")
    else:
        path.write_bytes(content)
    with pytest.raises(TrackerError):
        tio.import_file(other, path)
    assert other.count("people") == 0

ROOT = Path(__file__).resolve().parents[2]


def patch_central(path: Path, offset: int, fmt: str, value: int) -> None:
    """Set a field of every central-directory entry (and its local header) of a zip."""
    data = bytearray(path.read_bytes())
    local = {8: 6, 10: 8, 24: 22}  # central field offset -> the same field, local header
    pos = 0
    while (pos := data.find(b"PK\x01\x02", pos)) >= 0:
        struct.pack_into(fmt, data, pos + offset, value)
        header = struct.unpack_from("<I", data, pos + 42)[0]
        struct.pack_into(fmt, data, header + local[offset], value)
        pos += 4
    path.write_bytes(bytes(data))


# --- bounded reading ------------------------------------------------------------------------------

def test_a_small_zip_that_expands_enormously_is_refused_before_it_is_read(empty_repo, tmp_path):
    body = b"title\n" + b"\n" * (30 * 1024 * 1024)  # 30 MB of nothing: ~30 KB compressed
    bomb = make_zip(tmp_path / "bomb.zip", {"people.csv": body})
    assert bomb.stat().st_size < 100_000
    before = state(empty_repo)
    with pytest.raises(tio.FileProblem) as info:
        tio.import_file(empty_repo, bomb)
    assert "people.csv" in str(info.value) and "expands" in str(info.value)
    assert state(empty_repo) == before


def test_a_zip_bomb_under_a_memory_cap_is_a_clean_error_not_a_memory_error(tmp_path):
    """The issue's case: a small zip whose member expands to 100 MB of rows, imported by a
    process with a memory cap, gave a MemoryError traceback."""
    db = tmp_path / "t.db"
    assert cli(db, "init", "--empty").exit_code == 0
    row = b"Person,Ambassador,notes notes notes notes\n"
    bomb = make_zip(tmp_path / "bomb.zip",
                    {"people.csv": b"title,position,notes\n" + row * (100_000_000 // len(row))})
    assert bomb.stat().st_size < 1_000_000
    script = textwrap.dedent(f"""
        import resource, sys
        sys.path.insert(0, {str(ROOT)!r})
        resource.setrlimit(resource.RLIMIT_AS, (700 * 1024**2, 700 * 1024**2))
        from tracker.cli.main import main
        main(["--db", {str(db)!r}, "import", {str(bomb)!r}], prog_name="cli")
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr and "MemoryError" not in proc.stderr
    assert "people.csv" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_a_member_larger_than_it_declares_is_refused(empty_repo, tmp_path):
    path = make_zip(tmp_path / "liar.zip", {"people.csv": b"title\n" + b"Envoy\n" * 50_000})
    patch_central(path, 24, "<I", 10)  # the uncompressed size: 10 bytes, it says
    with pytest.raises(tio.FileProblem) as info:
        tio.import_file(empty_repo, path)
    assert "people.csv" in str(info.value)
    assert empty_repo.count("people") == 0


def test_limits_on_members_total_and_entries(empty_repo, tmp_path, monkeypatch):
    many = make_zip(tmp_path / "many.zip", {f"x{i}.txt": b"" for i in range(2000)})
    with pytest.raises(tio.FileProblem, match="2000 entries"):
        tio.import_file(empty_repo, many)
    monkeypatch.setattr(reading, "MAX_TOTAL_BYTES", 300_000)
    rows = b"title\n" + b"Someone\n" * 25_000  # 200 KB each: one fits, two do not
    two = make_zip(tmp_path / "two.zip", {"people.csv": rows, "sources.csv": rows},
                   zipfile.ZIP_STORED)
    with pytest.raises(tio.FileProblem, match="too large"):
        tio.import_file(empty_repo, two)
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "people.csv").write_bytes(rows)
    monkeypatch.setattr(reading, "MAX_MEMBER_BYTES", 100_000)
    with pytest.raises(tio.FileProblem, match="people.csv is too large"):
        tio.import_file(empty_repo, folder)
    assert empty_repo.count("people") == 0 and empty_repo.count("sources") == 0


def test_a_nested_zip_is_not_expanded(empty_repo, tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("people.csv", b"title\n" + b"\n" * 20_000_000)
    outer = make_zip(tmp_path / "outer.zip", {"inner.zip": inner.getvalue()})
    with pytest.raises(tio.FileProblem, match="no CSV files"):
        tio.import_file(empty_repo, outer)


def _people_json(path: Path, n: int) -> Path:
    records = [{"uid": f"p-{i}", "title": f"Person {i}", "position": "Envoy",
                "notes": "Met at the talks in Astana. " * 40} for i in range(n)]
    path.write_text(json.dumps({"people": records}), encoding="utf-8")
    return path


def _peak(repo, path: Path, **kwargs) -> int:
    tracemalloc.start()
    try:
        tio.import_file(repo, path, **kwargs)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_json_import_memory_does_not_grow_with_the_file(tmp_path, monkeypatch):
    """Python's peak memory for importing 4 times as many records stays about the same (it grew
    44x the file size when the whole file and all its records were held)."""
    monkeypatch.setattr(Stage, "BATCH", 50)  # what is held at once: a batch of records
    small, large = _people_json(tmp_path / "s.json", 300), _people_json(tmp_path / "l.json", 1200)
    with Repository(tmp_path / "a.db") as a, Repository(tmp_path / "b.db") as b:
        peak_small, peak_large = _peak(a, small, dry_run=True), _peak(b, large, dry_run=True)
        assert peak_large < 1.5 * peak_small + 512 * 1024, (peak_small, peak_large)
        assert peak_large < large.stat().st_size  # never the whole file
        written = _peak(b, large)
        assert written < large.stat().st_size and b.count("people") == 1200


def test_a_zip_holding_a_file_twice_is_refused(empty_repo, tmp_path):
    path = make_zip(tmp_path / "twice.zip", [("people.csv", b"title\nA\n"),
                                             ("old/people.csv", b"title\nB\n")])
    with pytest.raises(tio.FileProblem) as info:
        tio.import_file(empty_repo, path)
    assert "people.csv is in the zip twice" in str(info.value)
    assert "old/people.csv" in str(info.value)
    path = make_zip(tmp_path / "same.zip", [("people.csv", b"title\nA\n"),
                                            ("people.csv", b"title\nB\n")])
    with pytest.raises(tio.FileProblem, match="twice"):
        tio.import_file(empty_repo, path)
    assert empty_repo.count("people") == 0


def test_encrypted_and_unsupported_members_are_refused_cleanly(tmp_path):
    db = tmp_path / "t.db"
    assert cli(db, "init", "--empty").exit_code == 0
    encrypted = make_zip(tmp_path / "secret.zip", {"people.csv": b"title\nA\n"})
    patch_central(encrypted, 8, "<H", 0x1)  # "encrypted", as `zip -e` marks it
    message = one_line_error(cli(db, "import", str(encrypted)))
    assert "people.csv is encrypted" in message
    deflate64 = make_zip(tmp_path / "d64.zip", {"people.csv": b"title\nA\n"})
    patch_central(deflate64, 10, "<H", 9)  # Deflate64, which Python cannot read
    message = one_line_error(cli(db, "import", str(deflate64)))
    assert "people.csv is compressed in a way" in message and "method 9" in message


def test_encrypted_with_the_zip_tool(tmp_path):
    import shutil

    if not shutil.which("zip"):
        pytest.skip("no zip tool")
    (tmp_path / "people.csv").write_text("title\nA\n")
    subprocess.run(["zip", "-q", "-P", "secret", "secret.zip", "people.csv"], cwd=tmp_path,
                   check=True)
    with Repository(tmp_path / "t.db") as repo:
        with pytest.raises(tio.FileProblem, match="encrypted"):
            tio.import_file(repo, tmp_path / "secret.zip")
