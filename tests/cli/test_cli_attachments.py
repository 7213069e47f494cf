"""The commands over attached files, as a desk officer runs them: attach (the text read at
once), list, save (hash-checked), make a source, detach, read-texts; each help's example runs;
bad input is one clear line and writes nothing."""

from __future__ import annotations

import json
import shlex

from attachment_files import docx, encrypted_pdf, pdf
from cli_helpers import audit_count, cli, fails, ok
from test_cli_docs import examples

from tracker.cli.main import main

COMMANDS = ("attach", "attachments", "save-attachment", "attachment-source", "detach",
            "read-texts")


def test_attach_list_save_source_detach(seeded, tmp_path):
    signed = pdf(tmp_path / "signed.pdf", ["Preamble", "Article 2: the Zhetysu corridor"])
    out = ok(cli(seeded, "attach", "agreements", "1", str(signed))).stdout
    assert "Attached signed.pdf" in out and "SHA-256" in out and "2 pages" in out
    rows = json.loads(ok(cli(seeded, "attachments", "agreements", "1", "--json")).stdout)
    [row] = rows
    assert (row["name"], row["text_status"]) == ("signed.pdf", "done")
    hits = json.loads(ok(cli(seeded, "search", "zhetysu", "--json")).stdout)
    assert [(h["kind"], h["id"], h["file"], h["page"]) for h in hits] == [
        ("agreements", 1, "signed.pdf", 2)]
    ok(cli(seeded, "save-attachment", str(row["id"]), str(tmp_path / "copy.pdf")))
    assert (tmp_path / "copy.pdf").read_bytes() == signed.read_bytes()
    out = ok(cli(seeded, "attachment-source", "agreements", "1", str(row["id"]))).stdout
    assert "Created source" in out
    ok(cli(seeded, "detach", "agreements", "1", str(row["id"])))
    assert "No files." in ok(cli(seeded, "attachments", "agreements", "1")).stdout
    assert "signed.pdf" in ok(cli(seeded, "attachments", "agreements", "1", "--removed")).stdout
    hits = json.loads(ok(cli(seeded, "search", "zhetysu", "--json")).stdout)
    assert [h["kind"] for h in hits] == ["sources"]  # the source made of it still holds it


def test_read_texts_reads_what_attach_no_text_left(seeded, tmp_path):
    ok(cli(seeded, "attach", "plants", "1", str(docx(tmp_path / "m.docx", ["Протокол"])),
           "--no-text"))
    ok(cli(seeded, "attach", "plants", "1", str(encrypted_pdf(tmp_path / "e.pdf", "x")),
           "--no-text"))
    assert json.loads(ok(cli(seeded, "search", "протокол", "--json")).stdout) == []
    assert "2 files" in ok(cli(seeded, "read-texts", "--seconds", "30")).stdout
    assert [h["file"] for h in json.loads(ok(cli(seeded, "search", "протокол",
                                                  "--json")).stdout)] == ["m.docx"]
    listed = ok(cli(seeded, "attachments", "plants", "1")).stdout
    assert "encrypted" in listed.lower()


def test_bad_input_is_one_clear_line_and_writes_nothing(seeded, tmp_path):
    before = audit_count(seeded)
    assert "nothing.pdf" in fails(cli(seeded, "attach", "agreements", "1",
                                      str(tmp_path / "nothing.pdf")))
    (tmp_path / "big.bin").write_bytes(b"\0" * (2 * 1024 * 1024 + 1))
    assert "attachment_limit_mb" in fails(cli(seeded, "settings", "attachment_limit_mb=lots"))
    assert json.loads(ok(cli(seeded, "settings", "--json")).stdout)["attachment_limit_mb"] == "100"
    ok(cli(seeded, "settings", "attachment_limit_mb=2"))
    before = audit_count(seeded)
    message = fails(cli(seeded, "attach", "agreements", "1", str(tmp_path / "big.bin")))
    assert "big.bin" in message and "2" in message
    assert fails(cli(seeded, "attach", "agreements", "999999", str(signed_txt(tmp_path))))
    assert fails(cli(seeded, "save-attachment", "424242", str(tmp_path / "o.bin")))
    assert fails(cli(seeded, "detach", "agreements", "1", "424242"))
    assert audit_count(seeded) == before


def signed_txt(tmp_path):
    (tmp_path / "s.txt").write_text("text")
    return tmp_path / "s.txt"


def test_the_examples_run(tmp_path, monkeypatch):
    """Every example of these commands, in order, on a seeded database and files named as in
    the examples (record 3 holds file 1, as `attach` gives it; the examples name file 12)."""
    from click.testing import CliRunner

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "desk.db"))
    runner = CliRunner()
    assert runner.invoke(main, ["init"]).exit_code == 0
    pdf(tmp_path / "signed-agreement.pdf", ["Signed text"])
    ran, file_id = 0, None
    for name in COMMANDS:
        for line in examples(main.commands[name]):
            args = [file_id if a == "12" and file_id else a for a in shlex.split(line)[1:]]
            args = [str(tmp_path / "agreement.pdf") if a == "~/agreement.pdf" else a
                    for a in args]
            result = runner.invoke(main, args)
            assert result.exit_code == 0, (line, result.stdout, result.stderr)
            ran += 1
            if name == "attach":
                listed = runner.invoke(main, ["attachments", "agreements", "3", "--json"])
                file_id = str(json.loads(listed.stdout)[0]["id"])
    assert ran >= len(COMMANDS)
    assert (tmp_path / "agreement.pdf").read_bytes() == \
        (tmp_path / "signed-agreement.pdf").read_bytes()
