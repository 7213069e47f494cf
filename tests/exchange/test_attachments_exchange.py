"""Export and import carry attached files: the contents in the JSON (base64) or in the zip of CSV
files (attachments/<sha256>), each once, hash-checked on import; a changed or missing content
is refused naming the record and the file, and nothing is imported."""

from __future__ import annotations

import json
import zipfile

import pytest
from attachment_files import pdf

from tracker import exchange as tio
from tracker.exchange.errors import ImportProblem
from tracker.extract import read_pending


@pytest.fixture
def with_files(repo, tmp_path):
    rid = repo.ids("agreements")[0]
    signed = pdf(tmp_path / "signed.pdf", ["Preamble", "The Zhetysu corridor"])
    repo.attach("agreements", rid, signed)
    (tmp_path / "scan.bin").write_bytes(bytes(range(256)) * 3000)  # 768 kB: several chunks
    repo.attach("agreements", rid, tmp_path / "scan.bin", name="Скан.bin")
    repo.attach("plants", repo.ids("plants")[0], signed)  # the same content twice
    return rid


@pytest.mark.parametrize("name", ["export.json", "export.zip"])
def test_files_go_out_and_come_back_whole_and_searchable(repo, other, tmp_path, with_files,
                                                         name):
    out = tmp_path / name
    data = tio.export_data(repo)
    (tio.write_json if name.endswith(".json") else tio.write_csv)(out, data, repo=repo)
    if name.endswith(".zip"):
        with zipfile.ZipFile(out) as zf:
            assert len([n for n in zf.namelist() if n.startswith("attachments/")]) == 2
    else:
        assert len(json.loads(out.read_text(encoding="utf-8"))["_files"]) == 2
    tio.import_file(other, out)
    [agreement] = [r for r in other.list("agreements") if r["title"] == repo.get(
        "agreements", with_files)["title"]]
    here = {a["name"]: a for a in repo.attachments("agreements", with_files)}
    there = {a["name"]: a for a in other.attachments("agreements", agreement["id"])}
    assert {n: (a["size"], a["sha256"]) for n, a in there.items()} == {
        n: (a["size"], a["sha256"]) for n, a in here.items()}
    copy = other.save_attachment(there["Скан.bin"]["id"], tmp_path / "back.bin")
    assert copy.read_bytes() == (tmp_path / "scan.bin").read_bytes()
    read_pending(other)
    assert {h.attachment for h in other.search("zhetysu")} == {"signed.pdf"}


def test_a_changed_content_is_refused_naming_the_record_and_file(repo, other, tmp_path,
                                                                 with_files):
    out = tio.write_csv(tmp_path / "export.zip", tio.export_data(repo), repo=repo)
    sha = repo.attachments("agreements", with_files)[1]["sha256"]
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(out) as src, zipfile.ZipFile(tampered, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == f"attachments/{sha}":
                data = data[:-1] + bytes([data[-1] ^ 1])
            dst.writestr(item, data)
    before = other.history_count()
    with pytest.raises(ImportProblem) as info:
        tio.import_file(other, tampered)
    message = str(info.value)
    assert "Скан.bin" in message and "SHA-256" in message
    assert repo.get("agreements", with_files)["title"][:30] in message
    assert other.history_count() == before and other.ids("agreements") == []


def test_a_content_neither_in_the_file_nor_here_is_refused(repo, other, tmp_path, with_files):
    data = tio.export_data(repo)
    out = tio.write_json(tmp_path / "records-only.json", data)  # no repo: no "_files"
    assert "_files" not in json.loads(out.read_text(encoding="utf-8"))
    with pytest.raises(ImportProblem, match="neither in the file nor in this database"):
        tio.import_file(other, out)
    assert other.ids("agreements") == []


def test_a_zip_counts_its_files_and_its_other_entries_apart(other, tmp_path, monkeypatch):
    from exchange_helpers import make_zip

    from tracker.exchange import reading

    monkeypatch.setattr(reading, "MAX_FILES", 2)
    contents = {f"attachments/{n:064x}": b"x" for n in range(3)}
    with pytest.raises(tio.FileProblem, match="more than 2 attached files"):
        tio.import_file(other, make_zip(tmp_path / "files.zip", contents))
    monkeypatch.setattr(reading, "MAX_FILES", 10)
    junk = {f"x{i}.txt": b"" for i in range(reading.MAX_ZIP_ENTRIES + 1)}  # files do not excuse
    with pytest.raises(tio.FileProblem, match=f"{reading.MAX_ZIP_ENTRIES + 1} entries"):
        tio.import_file(other, make_zip(tmp_path / "junk.zip", {**junk, **dict(
            list(contents.items())[:2])}))


@pytest.mark.parametrize("name", ["export.json", "export.zip", "folder"])
def test_the_streamed_export_carries_the_files_after_its_pages(repo, other, tmp_path,
                                                               with_files, name, monkeypatch):
    """export_file (what the CLI and the window write: a page of records at a time, with the
    history in JSON) carries each record's files, their contents once each after the records,
    noted across pages (one record a page here)."""
    from tracker.exchange import exporter

    monkeypatch.setattr(exporter, "PAGE", 1)
    fmt = "json" if name.endswith(".json") else "csv"
    path, n = tio.export_file(repo, tmp_path / name, fmt, with_history=fmt == "json")
    assert n == sum(repo.count(k) + repo.count(k, trash=True) for k in tio.export_data(repo))
    if name.endswith(".json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert len(data["_files"]) == 2 and data["_history"]
        assert list(data)[-1] == "_files"  # after the records and their history
    elif name.endswith(".zip"):
        with zipfile.ZipFile(path) as zf:
            assert len([m for m in zf.namelist() if m.startswith("attachments/")]) == 2
    else:
        assert len(list((path / "attachments").iterdir())) == 2
    tio.import_file(other, path)
    [agreement] = [r for r in other.list("agreements") if r["title"] == repo.get(
        "agreements", with_files)["title"]]
    there = {a["name"]: a["sha256"] for a in other.attachments("agreements", agreement["id"])}
    assert there == {a["name"]: a["sha256"] for a in repo.attachments("agreements", with_files)}
    [plant] = [r for r in other.list("plants")
               if r["title"] == repo.get("plants", repo.ids("plants")[0])["title"]]
    assert [a["name"] for a in other.attachments("plants", plant["id"])] == ["signed.pdf"]
