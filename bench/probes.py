"""Measurements that need a process of their own (Qt, startup, peak memory).

Run by ``bench/run.py`` as ``python bench/probes.py NAME ARGS...``; each prints one JSON object on
its last stdout line. Not part of the test run. Nothing of ours is imported at the top: the bare
window (the start-up floor) must not pay for importing the app's modules.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def open_session(*args, **kwargs):
    """``tracker.session.open_session``, imported when first used (see the module's text)."""
    from tracker.session import open_session as opener

    return opener(*args, **kwargs)


def rss_mb() -> float:
    """Current resident memory of this process, MB."""
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mb() -> float:
    """Peak resident memory of this process, MB.

    ``ru_maxrss`` survives ``exec``: a child forked from a big parent starts with the parent's
    peak. ``VmHWM`` belongs to the address space ``exec`` made, so it is this program's own; the
    larger ``ru_maxrss`` is used only where /proc is missing."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def emit(data: dict) -> None:
    sys.stdout.write(json.dumps(data) + "\n")
    sys.stdout.flush()


# --- first paint ----------------------------------------------------------------------------------

def _painted() -> None:
    # wall clock (system-wide: the parent subtracts its spawn time) and the main thread's CPU
    # time since the process began (what start-up cost this process, whatever ran beside it)
    sys.stdout.write(f"first-paint {time.monotonic():.6f} {time.thread_time():.6f}\n")
    sys.stdout.flush()
    os._exit(0)


def _exit_after_first_paint(window) -> None:
    """Quit the process right after the first frame of ``window`` (a top-level QMainWindow) is
    painted.

    The filter sits on the window alone, installed just before it is shown: an application-wide
    Python filter would see every event of every widget while the window is built (about 1,500
    for the app, a few dozen for the bare window), each through a Python call, and would charge
    the app ~18 ms that no user pays."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class Watcher(QObject):
        fired = False

        def eventFilter(self, obj, event):  # noqa: N802 - Qt API
            if not self.fired and obj is window and event.type() == QEvent.Type.Paint:
                self.fired = True
                # the top-level window is painted first; its children follow in the same pass,
                # which completes before the next event-loop iteration. The system-wide monotonic
                # clock, so the parent can subtract its spawn time.
                QTimer.singleShot(0, _painted)
            return False

    window.bench_watcher = Watcher()
    window.installEventFilter(window.bench_watcher)


def bare_window() -> None:
    """The floor: a bare QMainWindow with a QTableView that quits after its first paint."""
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setCentralWidget(QTableView())
    window.resize(1200, 800)
    _exit_after_first_paint(window)
    window.show()
    app.exec()


def app_window(db: str, until: str = "paint") -> None:
    """The app, with the same first-paint watcher installed from outside, on its main window just
    before it is shown. ``until`` "dashboard": quit instead once the dashboard, with its figures
    loaded, has been painted (the first frame shows the window around an empty page)."""
    import ui.app as app_module
    from ui.main_window import MainWindow

    if until == "dashboard":
        from PySide6.QtCore import QEvent, QObject, QTimer
        from PySide6.QtWidgets import QApplication

        from ui.pages import dashboard

        refresh = dashboard.DashboardPage.refresh

        class Watcher(QObject):
            fired = False

            def eventFilter(self, obj, event):  # noqa: N802 - Qt API
                if not self.fired and event.type() == QEvent.Type.Paint:
                    self.fired = True
                    QTimer.singleShot(0, _painted)
                return False

        def loaded(self, *args, **kwargs):
            refresh(self, *args, **kwargs)
            # the paint pass that shows the figures (any widget: only the changed ones repaint)
            self._bench_watcher = Watcher()
            QApplication.instance().installEventFilter(self._bench_watcher)

        dashboard.DashboardPage.refresh = loaded
    else:
        original = MainWindow.show

        def show(self):
            _exit_after_first_paint(self)
            original(self)

        MainWindow.show = show
    sys.exit(app_module.main(["--db", db]))


# --- the Road-map page's table --------------------------------------------------------------------

def table(db: str, kind: str, word: str, mode: str = "all") -> None:
    """The Road-map page's model and view (``RecordTableModel`` in a ``QTableView``): first
    screen, a sort by due date, a text filter, a jump to the last row -- each timed up to the end
    of the paint that shows it. Memory: resident growth from before the model to after all that.
    Then the same steps on the whole page (filter bar, form, provenance), reported as ``page_*``.
    ``mode`` "open" (the floor, on an empty database) stops after the first screen."""
    from PySide6.QtCore import QEvent, QObject, Qt
    from PySide6.QtWidgets import QApplication, QTableView


    app = QApplication.instance() or QApplication(sys.argv[:1])
    repo = open_session(db)
    repo.count(kind)  # the file is open and its schema read, as in the app before a page opens
    from ui.pages.record_page import RecordPage
    from ui.widgets.table_models import (
        RecordTableModel,  # imported before timing, as the app does at start
    )

    class PaintCounter(QObject):
        paints = 0

        def eventFilter(self, obj, event):  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                self.paints += 1
            return False

    counter = PaintCounter()
    app.processEvents()
    before = rss_mb()

    def wait_paint(seen: int) -> None:
        deadline = time.perf_counter() + 10
        while counter.paints <= seen and time.perf_counter() < deadline:
            app.processEvents()
        app.processEvents()  # anything the paint posted

    out: dict = {}

    def timed(name: str, action) -> None:
        """``name``: the main thread's CPU time from the action to the end of the paint that
        shows it (the work done, whatever else runs on the machine); ``wall_<name>``: the
        clock's."""
        seen = counter.paints
        t, cpu = time.perf_counter(), time.thread_time()
        action()
        wait_paint(seen)
        out[name] = time.thread_time() - cpu
        out["wall_" + name] = time.perf_counter() - t

    def open_view():
        model = RecordTableModel(repo, kind)
        view = QTableView()
        view.setModel(model)
        for col, name in enumerate(model.column_names):  # the columns the page shows at first
            view.setColumnHidden(col, name not in getattr(model, "default_shown", (name,)))
        view.resize(1000, 800)
        view.viewport().installEventFilter(counter)
        view.show()
        out["_view"] = (model, view)

    timed("open", open_view)
    model, view = out.pop("_view")
    out["rows"] = model.rowCount()
    if mode == "open":  # the floor: nothing more to do on an empty table
        out["memory_growth_mb"] = rss_mb() - before
        emit(out)
        os._exit(0)
    due = model.column_of("due_date") if "due_date" in model.column_names else 0
    timed("sort", lambda: model.sort(due, Qt.SortOrder.DescendingOrder))
    timed("sort_back", lambda: model.sort(due, Qt.SortOrder.AscendingOrder))
    timed("filter", lambda: model.set_filter(word))
    out["filtered_rows"] = model.rowCount()
    timed("filter_clear", lambda: model.set_filter(""))
    timed("scroll_end", view.scrollToBottom)
    timed("scroll_top", view.scrollToTop)
    timed("scroll_end_again", view.scrollToBottom)
    # the same jump under another sort (a deep page of a text column's index)
    title = model.column_of("title")
    timed("scroll_top_again", view.scrollToTop)
    timed("sort_title", lambda: model.sort(title, Qt.SortOrder.AscendingOrder))
    timed("scroll_end_title", view.scrollToBottom)
    timed("sort_due_again", lambda: model.sort(due, Qt.SortOrder.AscendingOrder))
    out["memory_growth_mb"] = rss_mb() - before
    out["queries"] = model.queries
    out["rows_fetched"] = model.rows_fetched
    view.hide()

    # the whole page, as the window shows it (warm: Qt's one-time costs are paid above)
    def open_page():
        page = RecordPage(repo, kind)
        page.resize(1280, 800)
        page.table.viewport().installEventFilter(counter)
        page.show()
        out["_page"] = page

    timed("page_open", open_page)
    page = out.pop("_page")
    header = page.table.horizontalHeader()
    timed("page_sort", lambda: header.setSortIndicator(due, Qt.SortOrder.DescendingOrder))
    timed("page_sort_back", lambda: header.setSortIndicator(due, Qt.SortOrder.AscendingOrder))

    def do_filter(text: str) -> None:
        page.filter_edit.setText(text)
        page.apply_filter()

    timed("page_filter", lambda: do_filter(word))
    timed("page_filter_clear", lambda: do_filter(""))
    timed("page_scroll_end", page.table.scrollToBottom)
    emit(out)
    os._exit(0)


# --- the road-map timeline ------------------------------------------------------------------------

def timeline(db: str, repeat: str) -> None:
    """The Timeline page on ``db``, in turns with its floors, ``repeat`` times after a warm-up:

    ``open``: the page built and shown until its first paint is done (the records read in one
    query, grouped, laid out and the visible rows painted) -- what a user waits for;
    ``bare``: a bare QGraphicsView with as many plain QGraphicsRectItems, built and shown until
    its first paint (the least Qt gives for that many shapes: the open's floor);
    ``paint``: one repaint of the loaded timeline's view; ``paint_empty``: the same view with no
    records (axis, grid, today line: the paint's floor); ``scroll_end``: a jump to the last row
    and its paint. Seconds each."""
    from PySide6.QtCore import QEvent, QObject, QRectF
    from PySide6.QtWidgets import QApplication, QGraphicsScene, QGraphicsView

    app = QApplication.instance() or QApplication(sys.argv[:1])
    repo = open_session(db)
    repo.count("roadmap")  # the file open and its schema read, as before a page opens
    from tracker.model import timeline as tl
    from ui.pages.timeline import TimelinePage  # imported before timing, as the app does

    class PaintCounter(QObject):
        paints = 0

        def eventFilter(self, obj, event):  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                self.paints += 1
            return False

    counter = PaintCounter()

    def wait_paint(seen: int) -> None:
        deadline = time.perf_counter() + 10
        while counter.paints <= seen and time.perf_counter() < deadline:
            app.processEvents()

    def open_page():
        seen = counter.paints
        t = time.perf_counter()
        page = TimelinePage(repo)
        page.resize(1280, 760)
        page.view.viewport().installEventFilter(counter)
        page.show()
        wait_paint(seen)
        return time.perf_counter() - t, page

    def bare(n: int):
        seen = counter.paints
        t = time.perf_counter()
        scene = QGraphicsScene()
        for i in range(n):
            scene.addRect(QRectF((i * 37) % 3000, i * 22, 120, 14))
        view = QGraphicsView(scene)
        view.resize(1280, 760)
        view.viewport().installEventFilter(counter)
        view.show()
        wait_paint(seen)
        return time.perf_counter() - t, view

    def paint(view) -> float:
        seen = counter.paints
        t = time.perf_counter()
        view.viewport().repaint()
        elapsed = time.perf_counter() - t
        if counter.paints <= seen:
            raise RuntimeError("the repaint painted nothing")
        return elapsed

    out: dict = {k: [] for k in ("open", "bare", "paint", "paint_empty", "scroll_end")}
    first, page = open_page()  # warm-up: Qt's and Babel's one-time costs
    items = page.view.item_count()
    page.close()
    bare(items)[1].close()
    for _i in range(int(repeat)):
        seconds, view = bare(items)
        out["bare"].append(seconds)
        view.close()
        seconds, page = open_page()
        out["open"].append(seconds)
        v = page.view
        out["paint"].append(paint(v))
        groups, axis = page.load()
        v.set_groups([], axis, page.today())
        app.processEvents()
        out["paint_empty"].append(paint(v))
        v.set_groups(groups, axis, page.today())
        app.processEvents()
        seen = counter.paints
        t = time.perf_counter()
        v.verticalScrollBar().setValue(v.verticalScrollBar().maximum())
        wait_paint(seen)
        out["scroll_end"].append(time.perf_counter() - t)
        page.close()
    out.update({"items": items, "first_open": first,
                "rows": len(page.view.rows), "per_day": page.view.per_day,
                "kind": tl.TIMELINE_KIND.name})
    emit(out)
    os._exit(0)


# --- briefings ----------------------------------------------------------------------------------

def briefing(db: str, out_pdf: str, repeat: int) -> None:
    """Build the default briefing (every level) ``repeat`` times; seconds, progress, peak memory."""
    from tracker.briefing import BriefingOptions, build_briefing

    repo = open_session(db)
    times, reports = [], []
    result = None
    for _i in range(repeat):
        calls = []
        t = time.perf_counter()
        result = build_briefing(repo, BriefingOptions(max_classification="restricted"), out_pdf,
                                progress=lambda done, total, c=calls: c.append((done, total)))
        times.append(time.perf_counter() - t)
        reports.append(len(calls))
    emit({"seconds": times, "progress_reports": reports, "pages": result.pages,
          "records": result.records, "peak_mb": peak_mb()})


def annex(db: str, out_pdf: str) -> None:
    """The road map's annex (the road-map section alone, every item) as a PDF briefing:
    seconds, pages, peak memory."""
    from tracker.briefing import BriefingOptions, build_briefing

    repo = open_session(db)
    options = BriefingOptions(sections=("roadmap",), include_sources=False,
                              max_classification="restricted")
    t = time.perf_counter()
    result = build_briefing(repo, options, out_pdf)
    emit({"seconds": time.perf_counter() - t, "pages": result.pages, "records": result.records,
          "peak_mb": peak_mb()})


def bare_table(db: str, out_pdf: str, repeat: int, chunk: int) -> None:
    """The floor: the same road-map rows (the briefing's columns, as shown) in one reportlab
    Table (``chunk`` = 0) or in tables of ``chunk`` rows, with the same TTF font
    (bench/briefing_floor.py)."""
    from bench.briefing_floor import bare_table as build

    emit({**build(open_session(db), out_pdf, repeat, chunk), "peak_mb": peak_mb()})


def briefing_turns(db: str, out_pdf: str, repeat: int) -> None:
    """briefing_1000 in one process, in turns: the default briefing, its floor (the same
    records, bare) and the old floor (the road map's rows alone), ``repeat`` times each."""
    from bench.briefing_floor import bare_briefing as floor
    from bench.briefing_floor import bare_table as old_floor
    from tracker.briefing import BriefingOptions, build_briefing

    repo = open_session(db)
    ours, bare, old = [], [], []
    result = floor_run = old_run = None
    for _i in range(repeat):
        t = time.perf_counter()
        result = build_briefing(repo, BriefingOptions(max_classification="restricted"), out_pdf)
        ours.append(time.perf_counter() - t)
        floor_run = floor(repo, out_pdf.replace(".pdf", "-bare.pdf"), 1)
        bare += floor_run["seconds"]
        old_run = old_floor(repo, out_pdf.replace(".pdf", "-table.pdf"), 1, 0)
        old += old_run["seconds"]
    emit({"seconds": ours, "bare_seconds": bare, "old_seconds": old, "pages": result.pages,
          "records": result.records, "rows": floor_run["rows"], "bars": floor_run["bars"],
          "old_rows": old_run["rows"]})


def bare_briefing(db: str, out_pdf: str, repeat: int) -> None:
    """The floor of the whole briefing (bench/briefing_floor.py): seconds, rows, bars, peak
    memory."""
    from bench.briefing_floor import bare_briefing as build

    emit({**build(open_session(db), out_pdf, repeat), "peak_mb": peak_mb()})


def docx_annex(db: str, out_docx: str, repeat: int) -> None:
    """A Word annex of the road map (build_briefing to .docx: cover, contents, the table with
    its notes) and the floor, a bare python-docx document holding the same rows in one table
    (``add_row`` and ``cell.text``, as its documentation shows), both read from the database,
    built in turns ``repeat`` times in this one process."""
    import docx

    from tracker.briefing import BriefingOptions, build_briefing
    from tracker.model import get_kind

    repo = open_session(db)
    kind = get_kind("roadmap")
    columns = [f.name for f in kind.columns]
    options = BriefingOptions(sections=("roadmap",), include_sources=False,
                              max_classification="restricted")
    bare_out = out_docx.replace(".docx", "-bare.docx")
    ours, bare = [], []
    result = rows = None
    for _i in range(repeat):
        t = time.perf_counter()
        result = build_briefing(repo, options, out_docx)
        ours.append(time.perf_counter() - t)

        t = time.perf_counter()
        rows = repo.list("roadmap", columns=columns, max_classification="restricted")
        document = docx.Document()
        table = document.add_table(rows=1, cols=len(columns))
        for cell, f in zip(table.rows[0].cells, kind.columns, strict=True):
            cell.text = f.label
        for r in rows:
            for cell, c in zip(table.add_row().cells, columns, strict=True):
                cell.text = str(r[c]) if r[c] is not None else ""
        document.save(bare_out)
        bare.append(time.perf_counter() - t)
    emit({"seconds": ours, "bare_seconds": bare, "records": result.records, "rows": len(rows),
          "bytes": os.path.getsize(out_docx), "bare_bytes": os.path.getsize(bare_out)})


#: The desk's text of the benchmark's note: every narrative field written, two lines each.
NOTE_TEXT = {name: "\n".join(f"{name.replace('_', ' ').capitalize()} line {i}: the desk's "
                              "words on trade, the road map and the next meeting."
                              for i in range(2))
             for name in ("purpose", "objectives", "points", "if_raised", "background",
                          "issues", "recommendation", "next_steps")}


def note(db: str, out_pdf: str, repeat: int) -> None:
    """A briefing note (every narrative field written) and the floor, a bare reportlab document
    holding the same words as paragraphs with the same TTF font, built in turns ``repeat``
    times in this one process."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from tracker.briefing import Brief, BriefingOptions, build_briefing
    from tracker.briefing.pdf.fonts import FONT, register_fonts

    repo = open_session(db)
    brief = Brief(title="Talks in Astana", **NOTE_TEXT)
    options = BriefingOptions(template="note", max_classification="restricted")
    bare_out = out_pdf.replace(".pdf", "-bare.pdf")
    register_fonts()
    style = getSampleStyleSheet()["BodyText"].clone("bare", fontName=FONT)
    ours, bare = [], []
    result = None
    for _i in range(repeat):
        t = time.perf_counter()
        result = build_briefing(repo, options, out_pdf, brief=brief)
        ours.append(time.perf_counter() - t)

        t = time.perf_counter()
        story = [Paragraph(line, style) for text in NOTE_TEXT.values()
                 for line in text.splitlines()]
        SimpleDocTemplate(bare_out, pagesize=A4).build(story)
        bare.append(time.perf_counter() - t)
    emit({"seconds": ours, "bare_seconds": bare, "pages": result.pages,
          "records": result.records})


def imports(modules: str) -> None:
    """Peak memory of a process that only imports ``modules`` (the floor for memory figures)."""
    import importlib

    for name in modules.split(","):
        importlib.import_module(name)
    emit({"peak_mb": peak_mb()})


def generate(db: str, per_kind: str, sizes: str, seed: str, article: str) -> None:
    """Make a database: the article seed (``article`` = "1") and synthetic records."""
    from tracker.seed.synthetic import generate as make

    t = time.perf_counter()
    repo = open_session(db, seed=article == "1", user="bench")
    try:
        if int(per_kind):
            make(repo, int(per_kind), seed=int(seed), sizes=json.loads(sizes) or None)
    finally:
        repo.close()
    emit({"seconds": time.perf_counter() - t, "peak_mb": peak_mb()})


def exchange(what: str, *args: str) -> None:
    """One export or import, ours or its floor (bench/exchange.py): seconds, peak memory."""
    from bench.exchange import EXCHANGE

    emit({**EXCHANGE[what](*args), "peak_mb": peak_mb()})


PROBES = {
    "exchange": exchange,
    "annex": annex,
    "generate": generate,
    "bare_window": bare_window,
    "app_window": app_window,
    "table": table,
    "timeline": timeline,
    "briefing": lambda db, out, repeat: briefing(db, out, int(repeat)),
    "bare_table": lambda db, out, repeat, chunk: bare_table(db, out, int(repeat), int(chunk)),
    "docx_annex": lambda db, out, repeat: docx_annex(db, out, int(repeat)),
    "bare_briefing": lambda db, out, repeat: bare_briefing(db, out, int(repeat)),
    "briefing_turns": lambda db, out, repeat: briefing_turns(db, out, int(repeat)),
    "imports": imports,
    "note": lambda db, out, repeat: note(db, out, int(repeat)),
}

if __name__ == "__main__":
    PROBES[sys.argv[1]](*sys.argv[2:])
