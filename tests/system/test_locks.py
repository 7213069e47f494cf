"""While the app has the database open, nothing else it does may drop SQLite's locks on the file.

POSIX advisory locks belong to the process and the file: closing *any* descriptor of the
database (an ``open()`` to read its header, say) silently releases every lock SQLite holds on it.
Another program then believes it is the last user, checkpoints and deletes ``-wal``/``-shm``,
and the app goes on writing into the deleted copies: saves acknowledged to the user vanish.

Each test below keeps a :class:`Repository` open (the app's window), runs one piece of the
app's own work in the same process, and then asks *other processes* whether the file is still
held and whether a save made afterwards is seen by them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.store.repository import Repository
from tracker.store.sqlite import backup
from tracker.store.sqlite import connect as dbmod
from tracker.store.sqlite import restore as restoring

ROOT = Path(__file__).resolve().parents[2]

CHILD = r"""
import json, sqlite3, sys
sys.path.insert(0, {root!r})
from pathlib import Path
from tracker.store.sqlite.files import in_use_elsewhere
path = {path!r}
held = in_use_elsewhere(path)
# a program that opens, reads and closes the file (as `bilateral-tracker-cli show` does): the
# last user of a WAL file checkpoints and deletes -wal/-shm when it closes
try:
    conn = sqlite3.connect(path, isolation_level=None)
    titles = [r[0] for r in conn.execute("SELECT title FROM roadmap")]
    conn.close()
except sqlite3.Error as exc:  # what the user saw: "disk I/O error", "malformed"
    titles = [f"error: {{exc}}"]
print(json.dumps({{"held": held, "titles": titles,
                   "wal": Path(path + "-wal").exists(), "shm": Path(path + "-shm").exists()}}))
"""


def _child(path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT), path=str(path))],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def _auto_backup(path: Path, repo: Repository) -> None:
    backup.create_backup(path)  # ui.app.start_auto_backup: the daily backup, by path


def _backup_of_the_session(path: Path, repo: Repository) -> None:
    backup.create_backup(repo)  # File > Backups..., the import's backup, backup on exit


def _export_worker(path: Path, repo: Repository) -> None:
    from tracker.exchange import export_data

    with Repository(path, create=False, read_only=True) as other:  # ui.exchange.ExportWorker
        export_data(other)


def _import_worker(path: Path, repo: Repository) -> None:
    with Repository(path, create=False, user="importer") as other:  # ui.exchange.ImportWorker
        other.create("people", {"title": "Imported colleague"})


def _importing_the_database_by_mistake(path: Path, repo: Repository) -> None:
    from tracker.exchange import FileProblem, import_file

    with pytest.raises(FileProblem, match="the database itself"):  # File > Import, wrong file
        import_file(repo, path, dry_run=True)


def _briefing_worker(path: Path, repo: Repository) -> None:
    from tracker.briefing import BriefingOptions, build_briefing

    other = Repository(path, read_only=True)  # ui.dialogs.briefing.BriefingWorker
    try:
        build_briefing(other, BriefingOptions(sections=("summary",)), path.parent / "b.pdf")
    finally:
        other.close()


def _check(path: Path, repo: Repository) -> None:
    assert backup.check(path).ok  # bilateral-tracker-cli check, the integrity watch


def _background_check(path: Path, repo: Repository) -> None:
    other = Repository(path, background_check=True)  # a second window opening the file
    other.verify()
    other.close()
    dbmod.check_file(path)


def _restore_refused(path: Path, repo: Repository) -> None:
    made = backup.create_backup(repo)
    with pytest.raises(backup.BackupError, match="open in another window"):
        restoring.restore(path, made)


WORK = {
    "daily backup": _auto_backup,
    "backup through the session": _backup_of_the_session,
    "export worker": _export_worker,
    "import worker": _import_worker,
    "importing the database by mistake": _importing_the_database_by_mistake,
    "briefing worker": _briefing_worker,
    "integrity check": _check,
    "second window": _background_check,
    "a refused restore": _restore_refused,
}


@pytest.mark.parametrize("work", list(WORK))
def test_the_apps_own_work_keeps_its_locks_on_the_file(tmp_path, work):
    path = tmp_path / "tracker.db"
    repo = Repository(path, user="app")  # the window's session, open all along
    try:
        repo.create("roadmap", {"title": "Saved before"})
        assert _child(path)["held"] is True

        WORK[work](path, repo)

        seen = _child(path)
        assert seen["held"] is True, f"after the {work}, another program thinks it is alone"
        assert seen["wal"] and seen["shm"], f"after the {work}, -wal/-shm were deleted"
        # a save acknowledged now must reach the file other programs read
        repo.create("roadmap", {"title": "Saved after"})
        assert {"Saved before", "Saved after"} <= set(_child(path)["titles"])
    finally:
        repo.close()
    with Repository(path, read_only=True) as reader:
        titles = {r["title"] for r in reader.list("roadmap", columns=["title"])}
    assert {"Saved before", "Saved after"} <= titles
