"""The text of attached files, read in another process within bounds.

:func:`extract` runs the worker (:mod:`tracker.extract.worker`) on one file and waits at most
:attr:`Limits.seconds`; the worker itself runs under an address-space limit and a processor-time
limit set by the operating system, and stops at a number of pages and characters. A malformed,
encrypted or hostile file (a zip bomb inside a Word file, a PDF that loops, ten thousand pages)
ends in a status and a note code, never in an exception here, and nothing of this process is at
stake: the worker is killed when its time is up.

:func:`read_pending` reads the text of the files attached but not yet read (a copy of each,
private to this user, taken from the database) and stores it (:meth:`Repository.store_text`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from tracker.model.attachments import TEXT_TYPES

#: The bundled command-line program runs the worker when given this flag first.
WORKER_FLAG = "--extract-worker"


@dataclass(frozen=True)
class Limits:
    seconds: float = 120.0  # wall-clock time for one file
    memory_mb: int = 1024  # the worker's address space
    max_pages: int = 5000
    max_chars: int = 10_000_000


@dataclass
class Extraction:
    """What reading one file gave: its pages (page, text), a status (done, partial: some text,
    failed: none, none: a kind of file without text) and a note code saying why it stopped."""
    pages: list[tuple[int, str]] = field(default_factory=list)
    status: str = "done"
    note: str | None = None
    seconds: float = 0.0


def worker_command() -> list[str]:
    """How to start the worker: this Python with the module, or in the bundle the command-line
    program beside this one (packaging/launch_cli.py runs the worker for the flag)."""
    if getattr(sys, "frozen", False):
        exe = Path(sys.executable)
        cli = exe.with_name("bilateral-tracker-cli" + (".exe" if os.name == "nt" else ""))
        return [str(cli if cli.exists() else exe), WORKER_FLAG]
    return [sys.executable, "-m", "tracker.extract.worker"]


def extract(path: str | os.PathLike, media_type: str, limits: Limits | None = None
            ) -> Extraction:
    """The text of the file at ``path``, read by the worker within ``limits``."""
    limits = limits or Limits()
    if media_type not in TEXT_TYPES:
        return Extraction(status="none", note="no-text")
    started = time.monotonic()
    command = [*worker_command(), str(path), media_type, str(limits.max_pages),
               str(limits.max_chars), str(limits.memory_mb), str(int(limits.seconds) + 5)]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    try:
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, env=env,
                                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
    except OSError:
        return Extraction(status="failed", note="crashed")
    result = Extraction(status="", note=None)
    reader = threading.Thread(target=_read_lines, args=(proc, limits, result), daemon=True)
    reader.start()
    try:
        proc.wait(timeout=limits.seconds)
        stopped = None
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        stopped = "timeout"
    reader.join()
    proc.stdout.close()
    if stopped is None and not result.status:  # ended without its last line
        stopped = "memory" if proc.returncode in (3, -9, 137) else "crashed"
    if stopped is not None and result.note != "chars":
        result.status, result.note = "partial", stopped
    if result.status == "partial" and not result.pages:
        result.status = "failed"
    result.seconds = time.monotonic() - started
    return result


def _read_lines(proc: subprocess.Popen, limits: Limits, result: Extraction) -> None:
    """The worker's lines into ``result`` (pages kept up to the character limit: a worker that
    sends more is stopped)."""
    chars = 0
    for raw in proc.stdout:
        try:
            line = json.loads(raw)
        except ValueError:
            continue
        if "end" in line:
            result.status, result.note = str(line["end"]), line.get("note")
            continue
        text = str(line.get("t", ""))
        chars += len(text)
        if chars > limits.max_chars:
            proc.kill()
            result.status, result.note = "partial", "chars"
            return
        result.pages.append((int(line.get("p", len(result.pages) + 1)), text))


def read_pending(repo, *, limits: Limits | None = None, only: list[str] | None = None,
                 cancelled=None, folder: str | os.PathLike | None = None) -> list[Extraction]:
    """Read and store the text of attached files whose text is pending (``only``: of these
    contents); each from a private copy taken out of the database, deleted afterwards. Also
    indexes attachments whose text another desk read. Returns what each reading gave."""
    import shutil
    import tempfile

    results = []
    shas = only if only is not None else repo.pending_texts()
    for sha in shas:
        if cancelled is not None and cancelled():
            break
        blob = repo.backend.blob(sha)
        live = repo.backend.live_attachments_of_blob(sha)
        if blob is None or blob["text_status"] != "pending" or not live:
            continue
        kind = live[0]["media_type"]
        if kind not in TEXT_TYPES:
            repo.store_text(sha, [], "none", "no-text")
            results.append(Extraction(status="none", note="no-text"))
            continue
        private = Path(tempfile.mkdtemp(prefix="bilateral-tracker-text-", dir=folder))
        try:
            copy = repo.copy_attachment(live[0]["id"], private)
            result = extract(copy, kind, limits)
        finally:
            shutil.rmtree(private, ignore_errors=True)
        repo.store_text(sha, result.pages, result.status, result.note)
        results.append(result)
    repo.index_missing()
    return results
