"""Attached files at scale (``bench/run.py --only attachments``).

  search_attachments   repo.search(one word) over a database of 10,000 synthetic records each
                       holding one attached file's text (one page; the word, in no record's own
                       text, in about 3 % of the files) vs the same FTS5 query in raw sqlite3 on
                       the same file: ratio <= 2
  attach_50mb_stall    the longest the GUI thread's event loop stalls while the form's files panel
                       attaches a 50 MB PDF and reads its text (in a probe process, offscreen; a
                       5 ms timer's largest gap), floor: its largest gap over the same window idle
                       just before: <= 100 ms
  attach_50mb          the time from the drop to the text searchable (context)

``python bench/attachments.py stall DB PDF`` is the GUI probe (prints one JSON line).
"""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / "tests"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from attachment_files import write_pdf  # noqa: E402 - the tests' PDF writer, once

FILES = 10_000
#: A word only the files hold (in about 3 % of them; Cyrillic: the folding path).
FILE_WORD = "капшагайском"
VOCABULARY = ("соглашение протокол заседание комиссии поставка завод сборка ферма молоко "
              "дорожная карта выставка agreement minutes session plant assembly corridor "
              "trade turnover investment").split()


def files_db(path: Path, word: str, files: int = FILES, seed: int = 1) -> Path:
    """A database of synthetic records, ``files`` of them holding one attached text file each,
    its text stored (as the extraction worker would store it; the worker's own cost is not this
    figure's)."""
    if path.exists():
        return path
    from tracker.seed.synthetic import generate
    from tracker.session import open_session

    rng = random.Random(seed)
    repo = open_session(path, seed=True, user="bench")
    folder = Path(tempfile.mkdtemp(prefix="bench-files-"))
    try:
        kinds = ("agreements", "plants", "farms", "roadmap", "meetings", "people")
        generate(repo, files // len(kinds) + 1, seed=seed)
        targets = [(kind, rid) for kind in kinds for rid in repo.ids(kind)]
        for n in range(files):
            words = [rng.choice(VOCABULARY) for _i in range(150)]
            if rng.random() < 0.03:
                words[rng.randrange(len(words))] = word
            text = f"Document {n}. " + " ".join(words)
            file = folder / f"document-{n}.txt"
            file.write_text(text, encoding="utf-8")
            kind, rid = targets[n % len(targets)]
            repo.attach(kind, rid, file)
            repo.store_text(hashlib.sha256(text.encode()).hexdigest(), [(1, text)], "done")
            file.unlink()
    finally:
        repo.close()
        folder.rmdir()
    return path


def measure_search(figs, db: Path, word: str, median_time) -> None:
    from tracker.session import open_session
    from tracker.store.sqlite.search import match_expression

    repo = open_session(db, user="bench")
    raw = sqlite3.connect(db)
    expr = match_expression(word)
    def bare():
        return raw.execute("SELECT kind, record_id FROM search WHERE search MATCH ? "
                           "ORDER BY rank LIMIT 50", (expr,)).fetchall()

    runs, ours, floors = 21, [], []
    try:
        hits = repo.search(word)  # warm: the pages read are cached for both
        bare()
        in_files = sum(1 for h in hits if h.attachment)
        for i in range(runs):  # interleaved, ABBA (as bench/run.py's search figure), CPU time
            for fn, out in ((lambda: repo.search(word), ours), (bare, floors))[::1 - 2 * (i % 2)]:
                t = time.thread_time()
                fn()
                out.append(time.thread_time() - t)
    finally:
        repo.close()
        raw.close()
    value, floor = statistics.median(ours), statistics.median(floors)
    figs.add("search_attachments", value * 1000, "ms", floor * 1000, target="ratio <= 2",
             ok=value <= 2 * floor, runs=runs,
             note=f"CPU time, warm; {FILES} files; {len(hits)} hits for {word!r}, "
                  f"{in_files} in files")


def big_pdf(path: Path, megabytes: int = 50, pages: int = 200) -> Path:
    """A PDF of ``pages`` pages of text and ``megabytes`` MB of incompressible image data (as a
    scanned document's), written by hand."""
    rng = random.Random(2)
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b"",
                            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for n in range(pages):
        stream = f"BT /F1 12 Tf 72 720 Td (Page {n + 1} of the signed agreement) Tj ET".encode()
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                       b"/Resources << /Font << /F1 3 0 R >> >> >>" % (len(objects)))
        kids.append(len(objects))
    for _i in range(megabytes):
        data = rng.randbytes(1024 * 1024)
        objects.append(b"<< /Type /XObject /Subtype /Image /Width 1024 /Height 1024 "
                       b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Length %d >>\nstream\n"
                       % len(data) + data + b"\nendstream")
    objects[1] = (f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] "
                  f"/Count {pages} >>").encode()
    return write_pdf(path, objects)


def measure_stall(figs, work: Path, probe_env: dict) -> None:
    import subprocess

    from tracker.session import open_session

    db = work / "stall.db"  # made afresh: the same file twice on one record is refused
    for old in work.glob("stall.db*"):
        old.unlink()
    open_session(db, seed=True, user="bench").close()
    pdf = big_pdf(work / "signed-50mb.pdf")
    result = subprocess.run([sys.executable, __file__, "stall", str(db), str(pdf)],
                            capture_output=True, text=True, env=probe_env, timeout=600,
                            cwd=ROOT)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        raise RuntimeError(f"stall probe failed ({result.returncode}): "
                           f"{result.stderr.strip()[-2000:]}")
    got = json.loads(lines[-1])
    size = pdf.stat().st_size / 2**20
    figs.add("attach_50mb_stall", got["stall_ms"], "ms", got["idle_ms"], target="<= 100 ms",
             ok=got["stall_ms"] <= 100, note=f"{size:.0f} MB PDF, text {got['status']}, "
                                             f"{got['pages']} pages")
    figs.add("attach_50mb", got["seconds"], "s", None, target=None, ok=None,
             note="drop to text searchable")


def stall_probe(db: str, pdf: str) -> None:
    """The main window on ``db``, an agreement open; a 5 ms timer's largest gap while idle for
    as long as the attaching takes (the floor), then while the panel attaches ``pdf`` and reads
    its text."""
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from tracker.session import open_session
    from ui.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    repo = open_session(db, user="bench")
    window = MainWindow(repo, poll_ms=0)
    window.resize(1280, 800)
    window.show()
    window.go_to("agreements")
    page = window.pages["agreements"]
    rid = repo.ids("agreements")[0]
    page.select_record(rid)
    clock, gaps = QElapsedTimer(), []
    clock.start()
    last = [clock.elapsed()]

    def tick():
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)

    def run_for(seconds: float, until=None) -> float:
        gaps.clear()
        last[0] = clock.elapsed()
        started = time.monotonic()
        timer.start()
        while time.monotonic() - started < seconds if until is None else not until():
            app.processEvents()
            time.sleep(0.001)
            if time.monotonic() - started > 300:
                break
        timer.stop()
        return time.monotonic() - started

    files = page.files
    run_for(0.5)  # settle
    started = time.monotonic()
    files.attach_paths([pdf])

    def finished() -> bool:
        return not files.busy and bool(files.rows) and \
            files.rows[0]["text_status"] != "pending" and len(files.tasks) == 0

    seconds = run_for(0, finished)
    seconds = time.monotonic() - started
    stall = max(gaps) if gaps else 0
    status, pages = files.rows[0]["text_status"], len(repo.attachment_pages(files.rows[0]["id"]))
    run_for(seconds)
    idle = max(gaps) if gaps else 0
    print(json.dumps({"stall_ms": stall, "idle_ms": idle, "seconds": seconds,
                      "status": status, "pages": pages}), flush=True)
    window.close()
    repo.close()


if __name__ == "__main__":
    if sys.argv[1] == "stall":
        stall_probe(*sys.argv[2:4])
