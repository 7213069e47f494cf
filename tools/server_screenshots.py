"""Screenshots of a shared database: ``python -m tools.server_screenshots OUTDIR [--language]``.

Starts a throwaway PostgreSQL cluster (tests/pgcluster.py; the server's programs must be
installed), sets a database up with the article's records as ``init`` does, and grabs:

- ``two-desks.png``: two windows on the one database, side by side; the left desk has just saved
  a road-map item and the right one shows it (its listener heard the commit);
- ``server-banner.png``: a window while the server is stopped, a save refused with the edit kept
  in the form, and the banner above the pages;
- ``open-shared.png``: File › Open shared database… brought back with the server's refusal.

Runs offscreen when no display is set.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZE = (960, 640)


def _wait(app, done, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.005)
    for _i in range(5):
        app.processEvents()


def _window(app, repo, position: tuple[int, int] = (0, 0)):
    from ui.main_window import MainWindow

    window = MainWindow(repo, poll_ms=0)
    window.resize(*SIZE)
    window.move(*position)
    window.show()
    _wait(app, lambda: window.painted and window.link is not None)
    return window


def _type_title(app, page, text: str) -> None:
    edit = page.form.editors["title"].edit
    edit.setFocus()
    edit.selectAll()
    edit.insert(text)
    edit.editingFinished.emit()
    app.processEvents()


def _side_by_side(left, right, path: Path) -> None:
    from PySide6.QtGui import QColor, QPainter, QPixmap

    a, b = left.grab(), right.grab()
    gap = 16
    out = QPixmap(a.width() + gap + b.width(), max(a.height(), b.height()))
    out.fill(QColor("#5b6770"))
    painter = QPainter(out)
    painter.drawPixmap(0, 0, a)
    painter.drawPixmap(a.width() + gap, 0, b)
    painter.end()
    out.save(str(path))


def _on_localhost(cluster):
    """Addresses as a desk types them (``postgresql://LOGIN@localhost:PORT/DB``): the cluster
    listens on a free local TCP port too. Makes the database ``tracker`` (as a DBA would)."""
    import socket

    import psycopg

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with open(f"{cluster.data}/postgresql.conf", "a", encoding="utf-8") as fh:
        fh.write(f"listen_addresses = '127.0.0.1'\nport = {port}\n")
    cluster.pg_ctl("restart", "-m", "fast")
    with psycopg.connect(f"postgresql://postgres@localhost:{port}/postgres",
                         autocommit=True) as admin:
        admin.execute("CREATE DATABASE tracker")
    return lambda login: f"postgresql://{login}@localhost:{port}/tracker"


def take(outdir: Path, language: str = "en") -> list[Path]:
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT / "tests"))
    import tempfile

    import pgcluster
    from PySide6.QtCore import QSettings

    from tracker.session import grant_clearance, init_database, open_session
    from ui import messages
    from ui.app import make_application, setup_language

    outdir.mkdir(parents=True, exist_ok=True)
    suffix = "" if language == "en" else f"-{language}"
    conf = tempfile.mkdtemp(prefix="bt-server-shots-")
    app = make_application([sys.argv[0]])
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, conf)
    setup_language(app, language)
    messages.critical = lambda *args, **kwargs: None  # the refusal is the form's; not grabbed
    cluster = pgcluster.Cluster.start()
    saved: list[Path] = []
    try:
        url = _on_localhost(cluster)
        init_database(url("postgres"))
        grant_clearance(url("postgres"), "minsk_desk", "restricted")
        grant_clearance(url("postgres"), "astana_desk", "internal")
        mine = open_session(url("minsk_desk"))
        theirs = open_session(url("astana_desk"))
        left, right = _window(app, mine), _window(app, theirs, (SIZE[0] + 16, 0))
        for window in (left, right):
            window.go_to("roadmap")
            window.pages["roadmap"].select_record(2)
        page = left.pages["roadmap"]
        _type_title(app, page, "Architectural projects: joint exhibition in Astana, May 2026")
        left.save_record()
        other = right.pages["roadmap"]
        _wait(app, lambda: other.form.editors["title"].value().startswith("Architectural"))
        path = outdir / f"two-desks{suffix}.png"
        _side_by_side(left, right, path)
        saved.append(path)
        right.close()

        left.pages["roadmap"].select_record(3)
        cluster.pg_ctl("stop", "-m", "fast")
        _wait(app, lambda: left.link.down)
        _type_title(app, page, "Exhibition materials: catalogue agreed, to be printed")
        left.save_record()  # refused: the edit stays in the form
        _wait(app, lambda: False, 0.3)
        path = outdir / f"server-banner{suffix}.png"
        left.grab().save(str(path))
        saved.append(path)
        left.pages["roadmap"].form.set_dirty(False)
        left.close()
        mine.close()
        theirs.close()
    finally:
        cluster.stop()
    saved.append(_open_shared_dialog(app, outdir / f"open-shared{suffix}.png"))
    return saved


def _open_shared_dialog(app, path: Path) -> Path:
    """The dialog as a refused connection brings it back: the address kept, the reason shown."""
    from ui.dialogs.open_shared import OpenSharedDialog

    dialog = OpenSharedDialog(None, "postgresql://astana_desk@db.example.org:5433/tracker",
                              'connection to server at "db.example.org" failed: FATAL:  password '
                              'authentication failed for user "astana_desk"')
    dialog.show()
    _wait(app, lambda: False, 0.2)
    dialog.grab().save(str(path))
    dialog.close()
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--language", default="en", choices=("en", "ru"))
    args = parser.parse_args(argv)
    for path in take(args.outdir, args.language):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
