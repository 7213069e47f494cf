"""Files the user asks us to write (``export -o``, ``list --csv -o``, ``briefing -o`` and the GUI's
File › Export / Export this list / Briefing): a device, FIFO or the database itself is refused and
never replaced; a symbolic link is written through (its target replaced atomically, the link
kept); errors name the user's file, never our temp file; temp files a killed run left behind are
cleaned up on the next run, and only those.
"""

from __future__ import annotations

import fcntl
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from clirun import run_cli

from tracker import exchange as tio
from tracker import outputs
from tracker.briefing import BriefingError, BriefingOptions, build_briefing
from tracker.cli.main import error_message

ROOT = Path(__file__).resolve().parents[2]
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
SUMMARY = BriefingOptions(sections=("summary",))


def _write(how: str, repo, path: Path):
    if how == "export":
        return tio.write_json(path, tio.export_data(repo))
    if how == "list":
        return tio.write_list_csv(path, tio.list_csv(repo, "roadmap")[0])
    return build_briefing(repo, SUMMARY, path).path


def _special(tmp_path: Path, node: str) -> Path:
    path = tmp_path / f"out-{node}"
    if node == "fifo":
        os.mkfifo(path)
    else:
        if not IS_ROOT:
            pytest.skip("making a device node needs root")
        try:
            os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # as /dev/null
        except PermissionError:
            pytest.skip("no device nodes here")
    return path


@pytest.mark.parametrize("node", ["fifo", "device"])
@pytest.mark.parametrize("how", ["export", "list", "briefing"])
def test_a_device_or_fifo_as_output_is_refused_never_replaced(repo, tmp_path, how, node):
    path = _special(tmp_path, node)
    kind = stat.S_IFMT(path.stat().st_mode)
    with pytest.raises((tio.FileProblem, BriefingError)) as info:
        _write(how, repo, path)
    assert str(path) in str(info.value) and "not a regular file" in str(info.value)
    assert stat.S_IFMT(path.lstat().st_mode) == kind  # still the FIFO / the device
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "tracker.db"
                  and not p.name.startswith("tracker.db-")) == [path.name]  # no temp left


def test_the_cli_refuses_a_fifo_output_in_one_line(repo, tmp_path):
    path = _special(tmp_path, "fifo")
    result = run_cli("--db", str(repo.path), "export", "-o", str(path))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and str(path) in result.stderr
    assert stat.S_ISFIFO(path.lstat().st_mode)


@pytest.mark.parametrize("how", ["export", "list", "briefing"])
def test_a_symlinked_output_is_written_through_and_the_link_kept(repo, tmp_path, how):
    real = tmp_path / "shared" / "latest.out"
    real.parent.mkdir()
    real.write_bytes(b"the previous version")
    link = tmp_path / "latest-link.out"
    link.symlink_to(real)
    _write(how, repo, link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() != b"the previous version" and real.stat().st_size > 100
    dangling = tmp_path / "to-be-made.out"
    dangling.symlink_to(tmp_path / "shared" / "new.out")
    _write(how, repo, dangling)
    assert dangling.is_symlink() and (tmp_path / "shared" / "new.out").stat().st_size > 100
    assert not [p for p in tmp_path.rglob("*.tmp")]


@pytest.mark.parametrize("name", ["tracker.db", "tracker.db-wal"])
def test_the_database_itself_is_never_an_output(repo, tmp_path, name):
    target = repo.path.with_name(name)
    before = repo.path.read_bytes()
    with pytest.raises(tio.FileProblem, match="the database itself"):
        tio.write_json(target, tio.export_data(repo))
    assert repo.path.read_bytes() == before
    result = run_cli("--db", str(repo.path), "export", "-o", str(repo.path))
    assert result.returncode == 1 and "the database itself" in result.stderr
    assert repo.count("roadmap") > 0 and repo.path.read_bytes()[:16] == b"SQLite format 3\0"


@pytest.mark.parametrize("how", ["export", "list", "briefing"])
def test_an_error_names_the_users_file_not_our_temp_file(repo, tmp_path, how, monkeypatch):
    """A folder we may not write in: creating the temp file beside the output fails."""
    out = tmp_path / "out.file"
    real_open = os.open

    def refused(file, flags, *args, **kwargs):
        if str(file).endswith(".tmp"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refused)
    with pytest.raises((OSError, BriefingError)) as info:
        _write(how, repo, out)
    monkeypatch.undo()
    for text in (str(info.value), error_message(info.value)):
        assert str(out) in text and "Permission denied" in text
        assert ".tmp" not in text
    assert not out.exists()


def _leftover(folder: Path, name: str, *, age: float = 3600) -> Path:
    """A temp file as ``tempfile.mkstemp`` makes them, untouched for ``age`` seconds."""
    import tempfile

    fd, made = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    os.write(fd, b"%PDF-1.4 half written")
    os.close(fd)
    then = time.time() - age
    os.utime(made, (then, then))
    return Path(made)


def test_only_our_own_stale_temp_files_are_cleaned_up(repo, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    stale = _leftover(folder, "records.json")
    fresh = _leftover(folder, "records.json", age=0)  # maybe another run writing right now
    held = _leftover(folder, "records.json")
    holder = os.open(held, os.O_RDONLY)
    fcntl.flock(holder, fcntl.LOCK_EX)  # a writer is alive: its lock says so
    other_output = _leftover(folder, "other.json")
    not_ours = folder / ".records.json.mine.tmp"
    not_ours.write_text("a user's file")
    link = folder / ".records.json.abcdefgh.tmp"
    link.symlink_to(other_output)
    os.utime(not_ours, (0, 0))
    try:
        tio.write_json(folder / "records.json", tio.export_data(repo))
        left = {p.name for p in folder.iterdir()}
    finally:
        os.close(holder)
    assert stale.name not in left
    assert {fresh.name, held.name, other_output.name, not_ours.name, link.name,
            "records.json"} == left


BRIEFING_KILLED = r"""
import os, signal, sys
sys.path.insert(0, {root!r})
from tracker.store.repository import Repository
from tracker.briefing import BriefingOptions, build_briefing
repo = Repository({db!r}, read_only=True)
def progress(done, total):
    if any(n.endswith(".tmp") for n in os.listdir({folder!r})):
        os.kill(os.getpid(), signal.SIGKILL)  # killed while the PDF is being written
build_briefing(repo, BriefingOptions(), {out!r}, progress=progress)
"""


def test_a_killed_briefing_leaves_a_temp_file_the_next_run_removes(repo, tmp_path):
    folder = tmp_path / "briefings"
    folder.mkdir()
    out = folder / "briefing.pdf"
    code = BRIEFING_KILLED.format(root=str(ROOT), db=str(repo.path), folder=str(folder),
                                  out=str(out))
    killed = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    left = [p for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert len(left) == 1 and left[0].name.startswith(".briefing.pdf.") and not out.exists()
    build_briefing(repo, SUMMARY, out)  # at once: the left-over may still be being written
    assert left[0].exists()
    then = time.time() - 2 * outputs.STALE_TEMP_SECONDS
    os.utime(left[0], (then, then))
    build_briefing(repo, SUMMARY, out)  # later: nobody holds it any more, it goes
    assert sorted(p.name for p in folder.iterdir()) == ["briefing.pdf"]


def test_a_temp_file_being_written_is_never_taken_for_a_stale_one(repo, tmp_path):
    out = tmp_path / "briefing.pdf"
    seen = []

    def progress(done, total):
        for p in tmp_path.glob(".briefing.pdf.*.tmp"):
            os.utime(p, (0, 0))  # looks ancient, but the build holds its lock
            seen.append(p)
            assert outputs.remove_stale_temps(out) == []

    build_briefing(repo, SUMMARY, out, progress=progress)
    assert seen and out.stat().st_size > 1000
