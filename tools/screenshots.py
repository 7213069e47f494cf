"""Screenshots of the main pages: ``python -m tools.screenshots OUTDIR [--language en|ru]
[--scale 1.5] [--only pages|commitments|everyday]``.

Opens the main window on a fresh seeded database in a temporary folder (settings isolated too),
at 1280x800, and saves ``QWidget.grab()`` PNGs of the main pages; one more at 1024x768.
Runs offscreen when no display is set. ``--scale 1.5`` shows what a user at 150 % display scaling
on a 1920x1080 screen gets: Qt scales by QT_SCALE_FACTOR, the offscreen screen is 1920x1080
(1280x720 logical pixels), the window takes the size the app gives it there
(ui.window_size) and the pictures are in device pixels, named ``*-150.png``. Each PNG is
stored with at most 256 colours (Pillow), which keeps them small.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from tracker.session import open_session

SIZE = (1280, 800)
SMALL = (1024, 768)
#: the screen a scaled picture is taken on (device pixels)
SCREEN = (1920, 1080)
GROUPS = ("pages", "commitments", "everyday")


def _settle(app, rounds: int = 5) -> None:
    for _i in range(rounds):
        app.processEvents()


def start(language: str, scale: float = 1.0):
    """The application (settings in a temporary folder) and a seeded database there."""
    tmp = Path(tempfile.mkdtemp(prefix="bt-shots-"))
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        # a 1920x1080 screen, as the user has (the offscreen one is 800x800, and windows and
        # dialogs are fitted to their screen)
        screens = tmp / "screens.json"
        screens.write_text(json.dumps({"screens": [{
            "name": "screen", "x": 0, "y": 0, "width": SCREEN[0], "height": SCREEN[1],
            "logicalDpi": 96, "dpr": 1}]}))
        os.environ.setdefault("QT_QPA_PLATFORM", f"offscreen:configfile={screens}")
    if scale != 1.0:
        os.environ["QT_SCALE_FACTOR"] = f"{scale:g}"
    os.environ["TRACKER_DB"] = str(tmp / "tracker.db")

    from PySide6.QtCore import QSettings

    from ui.app import make_application, setup_language

    app = make_application([sys.argv[0]])
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "conf"))
    setup_language(app, language)
    return app, open_session(tmp / "tracker.db", seed=True, user="official")


def show_window(app, repo, scale: float = 1.0):
    """The main window at 1280x800 (scaled: the size the app gives it on the screen), once its
    start page is built (after the first frame)."""
    from ui.main_window import MainWindow

    window = MainWindow(repo, poll_ms=0)
    if scale == 1.0:
        window.resize(*SIZE)
    window.show()
    for _i in range(200):
        if window.painted:
            break
        app.processEvents()
        time.sleep(0.005)
    _settle(app)
    return window


def save_small(pixmap, path: Path) -> None:
    """The picture as a PNG of at most 256 colours (a screen's flat colours and text survive;
    a third of the size or less)."""
    from PIL import Image

    pixmap.save(str(path))
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT,
                                              dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def shooter(app, outdir: Path, language: str, scale: float, saved: list[Path]):
    """``shot(widget, name)``: the widget's grab saved as NAME[-ru][-150].png."""
    suffix = ("" if language == "en" else f"-{language}") + \
        ("" if scale == 1.0 else f"-{round(scale * 100)}")

    def shot(widget, name: str) -> None:
        _settle(app)
        path = outdir / f"{name}{suffix}.png"
        save_small(widget.grab(), path)
        saved.append(path)

    return shot


def take(outdir: Path, language: str = "en", scale: float = 1.0) -> list[Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    app, repo = start(language, scale)
    saved: list[Path] = []
    shot = shooter(app, outdir, language, scale, saved)
    window = show_window(app, repo, scale)

    window.go_to("dashboard")
    shot(window, "dashboard")

    window.go_to("roadmap")
    page = window.pages["roadmap"]
    page.select_record(page.model.id_at(0))
    shot(window, "roadmap")

    window.go_to("meetings")
    meetings = window.pages["meetings"]
    held = next((r["id"] for r in repo.list("meetings", status="held", columns=["id"])), None)
    if held is not None:
        meetings.select_record(held)
    shot(window, "meetings")

    # Sources: the provenance of a road-map item, its quote highlighted in the source text
    window.go_to("roadmap")
    cited = page.form.record or {}
    citations = cited.get("citations") or []
    if citations:
        from ui.widgets.provenance import SourceViewer

        viewer = SourceViewer(repo, citations[-1]["source_id"], citations[-1]["quote"], window)
        viewer.resize(900, 620)
        viewer.show()
        shot(viewer, "source-quote")
        viewer.close()
    window.go_to("sources")
    shot(window, "sources")

    # History: an edit made through the repository, then the log filtered to that record
    window.go_to("roadmap")
    rid = page.form.record_id
    rec = repo.get("roadmap", rid)
    change = repo.update("roadmap", rid, {"status": "in_progress", "progress": 25},
                         expected_version=rec["version"])
    window.apply_change(change)
    window.go_to("history")
    window.pages["history"].set_filter(None, None)
    shot(window, "history")

    window.find_action.trigger()
    dialog = window.search_dialog
    dialog.edit.setText("exhibition")
    dialog.run_search()
    shot(dialog, "search")
    dialog.reject()

    if scale == 1.0:
        window.go_to("roadmap")
        window.resize(*SMALL)
        _settle(app, 10)
        shot(window, "roadmap-1024x768")
        window.resize(*SIZE)

    # The timeline: the seed's road-map items have no dates (the article gives none), so
    # generated sample items (tracker.seed.synthetic, as `generate` makes them) are added here.
    timeline_shot(app, window, repo, shot)

    window.close()
    repo.close()
    return saved


# Commitments: illustrative records, not the article's (it gives no such deadlines), added to the
# screenshots' throwaway database only, each titled as an example.
EXAMPLES = {
    "en": {"late": "Example: joint exhibition plan", "soon": "Example: technical terms agreed",
           "later": "Example: second production line", "agreement":
           "Example: agreement on scientific cooperation", "lead": "Ministry of Industry",
           "done": ("The working group met and drafted the plan.",
                    "The plan was sent to both ministries.")},
    "ru": {"late": "Пример: план совместной выставки", "soon": "Пример: согласованы технические "
           "условия", "later": "Пример: вторая производственная линия", "agreement":
           "Пример: соглашение о научном сотрудничестве", "lead": "Министерство промышленности",
           "done": ("Рабочая группа провела заседание и подготовила проект плана.",
                    "План направлен в министерства обеих сторон.")},
}


def add_examples(repo, language: str) -> tuple[int, int]:
    """Dated example records around today; returns (a road-map item with reports, the
    agreement)."""
    import datetime as dt

    words = EXAMPLES[language]
    today = dt.date.today()

    def day(n: int) -> str:
        return (today + dt.timedelta(days=n)).isoformat()

    late = repo.create("roadmap", {
        "title": words["late"], "due_date": day(-12), "planned_start": day(-200),
        "status": "in_progress", "home_lead": words["lead"],
        "reports": [{"reported_on": day(-90), "progress": 20, "done": words["done"][0],
                     "side": "home"},
                    {"reported_on": day(-20), "progress": 60, "done": words["done"][1],
                     "side": "partner"}]}).record["id"]
    repo.create("roadmap", {"title": words["soon"], "due_date": day(6),
                            "home_lead": words["lead"]})
    repo.create("roadmap", {"title": words["later"], "due_date": day(45)})
    agreement = repo.create("agreements", {
        "title": words["agreement"], "status": "in_force", "signed_on": "2019-03-31",
        "home_notified_on": "2019-06-14", "partner_notified_on": "2019-09-30", "term_years": 5,
        "auto_renewal": "yes", "notice_months": 6}).record["id"]
    return late, agreement


def take_commitments(outdir: Path, language: str = "en", scale: float = 1.0) -> list[Path]:
    """The day's reminder, the Deadlines page, a road-map item's reports and an agreement's
    computed treaty dates."""
    outdir.mkdir(parents=True, exist_ok=True)
    app, repo = start(language, scale)
    saved: list[Path] = []
    shot = shooter(app, outdir, language, scale, saved)
    item, agreement = add_examples(repo, language)
    window = show_window(app, repo, scale)
    from ui.widgets.reminders import check_reminders

    check_reminders(window)
    for _i in range(400):
        app.processEvents()
        if not window.busy:
            break
        time.sleep(0.01)
    window.go_to("dashboard")
    shot(window, "reminder")
    window.go_to("deadlines")
    shot(window, "deadlines")
    for kind, rid, name in (("roadmap", item, "reports"),
                            ("agreements", agreement, "treaty-dates")):
        window.go_to(kind)
        page = window.pages[kind]
        page.select_record(rid)
        shot(page.form, name)
    window.close()
    repo.close()
    return saved


def timeline_shot(app, window, repo, shot) -> None:
    """The Timeline page over generated sample items, the whole timeline in view, a record
    under way today under the keyboard focus."""
    from tracker.seed.synthetic import generate

    generate(repo, 1, seed=11, sizes={"roadmap": 80})
    window.go_to("timeline")
    page = window.pages["timeline"]
    page.refresh()
    page.scale_combo.setCurrentIndex(page.scale_combo.findData("fit"))
    view = page.view
    view.verticalScrollBar().setValue(0)
    _settle(app, 5)
    today = view.today.toordinal()
    bars = [i for i in view.visible_rows() if getattr(view.rows[i], "shape", None) == "bar"]
    under_way = [i for i in bars if view.rows[i].start <= today < view.rows[i].stop]
    if bars:
        view.set_current((under_way or bars)[0], show_bar=False)
    view.setFocus()
    shot(window, "timeline")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.screenshots")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--language", default="en", choices=("en", "ru"))
    parser.add_argument("--scale", type=float, default=1.0,
                        help="display scaling, e.g. 1.5 for 150 %% on a 1920x1080 screen")
    parser.add_argument("--only", choices=GROUPS, action="append",
                        help="only these groups of pictures (default: all)")
    args = parser.parse_args(argv)
    from tools import everyday_shots

    takers = {"pages": take, "commitments": take_commitments, "everyday": everyday_shots.take}
    for group in args.only or GROUPS:
        for path in takers[group](args.outdir, args.language, args.scale):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
