"""Performance at scale: every figure measured against its floor in the same run.

    python bench/run.py [--quick] [--json] [--per-kind N] [--keep DIR]

Generates synthetic databases (``tracker.seed.synthetic``) in a temporary folder, then measures:

  startup         process start to the main window's first paint (median), vs a bare PySide6
                  QMainWindow + QTableView that quits after its first paint; target ratio <= 1.5
  startup_dashboard  the same to the paint that shows the dashboard with its figures (context,
                  no target: the first frame is the window around an empty page)
  table_open      the Road-map page (model + view) at full size: first screen painted,
  table_sort      a sort by due date, a text filter, a jump to the last row -- each <= 100 ms;
  table_filter    floor: the same page's first paint over an empty database
  table_scroll_end
  table_memory    resident memory growth of the page at full size over the empty page's: <= 50 MB
  search          repo.search(one word) vs the same FTS5 query in raw sqlite3: ratio <= 2
  save            one repo.update with its audit entry: <= 20 ms (floor: the same UPDATE + audit
                  INSERT in raw sqlite3, same file and pragmas)
  briefing_1000   build_briefing with 1,000 road-map items vs a bare reportlab document holding
                  the same rows in one Table with the same TTF font: ratio <= 2.5
  docx_1000       build_briefing to .docx (the Road map section: cover, contents, 1,000 items and
                  their notes) vs a bare python-docx document holding the same rows in one table
                  (add_row, cell.text), in turns in one process: ratio <= 2.5
  briefing_10000  10,000 road-map items: finishes with progress reports, peak memory <= 400 MB
                  (floor: the same rows in 500-row reportlab Tables); skipped by --quick

  search_attachments, attach_50mb_stall, attach_50mb: attached files (bench/attachments.py)

``--quick`` keeps 100,000 road-map items (the other kinds get 10,000) and skips briefing_10000.
``--json`` prints one object ``{"<figure>": {"value", "unit", "floor", "ratio", "target", "ok"}}``
on stdout (``target`` and ``ok`` are null for a figure given for context only; progress goes to
stderr). The exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tracker.session import open_session

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PROBES = Path(__file__).with_name("probes.py")
WORD = "тракторов"  # one word, in about 3 % of the generated records (Cyrillic: folding path)
SEED = 1


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- figures --------------------------------------------------------------------------------------

class Figures:
    def __init__(self):
        self.items: dict[str, dict] = {}

    def add(self, name: str, value: float, unit: str, floor: float | None, *,
            target: str | None, ok: bool | None, note: str = "") -> None:
        """``target`` None: a figure reported for context, with no target (``ok`` None)."""
        ratio = (value / floor) if floor else None
        self.items[name] = {
            "value": round(value, 4), "unit": unit,
            "floor": None if floor is None else round(floor, 4),
            "ratio": None if ratio is None else round(ratio, 3),
            "target": target, "ok": None if target is None else bool(ok),
        }
        if note:
            self.items[name]["note"] = note
        shown = f"{value:.1f} {unit}" if unit != "s" else f"{value:.2f} s"
        log(f"  {name}: {shown} (floor {floor if floor is None else round(floor, 3)}, "
            f"ratio {self.items[name]['ratio']})"
            + ("" if target is None else f" {target} -> {'ok' if ok else 'MISS'}"))

    def fail(self, name: str, note: str) -> None:
        self.items[name] = {"value": None, "unit": "", "floor": None, "ratio": None,
                            "target": "runs", "ok": False, "note": note}
        log(f"  {name}: {note}")

    def table(self) -> str:
        head = ("Figure", "Value", "Floor", "Ratio", "Target", "Holds")
        rows = []
        for name, f in self.items.items():
            value = "failed" if f["value"] is None else _fmt(f["value"], f["unit"])
            floor = "" if f["floor"] is None else _fmt(f["floor"], f["unit"])
            ratio = "" if f["ratio"] is None else f"{f['ratio']:.2f}"
            holds = "–" if f["ok"] is None else "yes" if f["ok"] else "**no**"
            rows.append((name, value, floor, ratio, f["target"] or "none (context)", holds))
        widths = [max(len(str(r[i])) for r in (head, *rows)) for i in range(len(head))]
        lines = ["| " + " | ".join(str(c).ljust(w) for c, w in zip(head, widths, strict=True))
                 + " |",
                 "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
        for r in rows:
            lines.append("| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True))
                         + " |")
        notes = [f"- {name}: {f['note']}" for name, f in self.items.items() if f.get("note")]
        return "\n".join(lines + ([""] + notes if notes else []))


def _fmt(value: float, unit: str) -> str:
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:g} {unit}"


# --- helpers --------------------------------------------------------------------------------------

def probe(*args: str, env: dict | None = None, timeout: float = 600) -> dict:
    """Run ``bench/probes.py ARGS`` in a fresh interpreter; its last stdout line is JSON."""
    result = subprocess.run([sys.executable, str(PROBES), *args], capture_output=True, text=True,
                            env=env or os.environ.copy(), timeout=timeout, cwd=ROOT)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        raise RuntimeError(f"probe {args[0]} failed ({result.returncode}): "
                           f"{result.stderr.strip()[-2000:]}")
    return json.loads(lines[-1])


def median_time(fn, repeat: int, warmup: int = 1) -> float:
    for _i in range(warmup):
        fn()
    times = []
    for _i in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def make_db(path: Path, per_kind: int, sizes: dict | None = None, *, seed_article: bool = True
            ) -> dict:
    """Generate a database in a subprocess (the harness stays small: children forked from a big
    process would inherit its peak memory figure)."""
    return probe("generate", str(path), str(per_kind), json.dumps(sizes or {}), str(SEED),
                 "1" if seed_article else "0", timeout=1800)


def ready(path: Path, per_kind: int, sizes: dict) -> Path:
    if not path.exists():
        make_db(path, per_kind, sizes)
    return path


def gui_env(home: Path) -> dict:
    env = os.environ.copy()
    env.update({"QT_QPA_PLATFORM": "offscreen", "HOME": str(home),
                "XDG_CONFIG_HOME": str(home / "config"), "XDG_DATA_HOME": str(home / "data"),
                "XDG_CACHE_HOME": str(home / "cache"), "LANGUAGE": "en",
                "PYTHONPATH": str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")})
    return env


def machine() -> dict:
    model = ""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    mem = 0
    try:
        with open("/proc/meminfo") as fh:
            mem = int(fh.readline().split()[1]) // 1024
    except OSError:
        pass
    try:
        import PySide6
        from PySide6 import QtCore

        qt = f"PySide6 {PySide6.__version__}, Qt {QtCore.qVersion()}"
    except ImportError:
        qt = "no PySide6"
    import reportlab

    return {"cpu": model, "cores": os.cpu_count(), "ram_mb": mem,
            "python": platform.python_version(), "qt": qt, "sqlite": sqlite3.sqlite_version,
            "reportlab": reportlab.Version, "os": platform.platform()}


# --- measurements ---------------------------------------------------------------------------------

def measure_search(figs: Figures, db: Path) -> None:
    from tracker.store.sqlite.search import match_expression

    repo = open_session(db, user="bench")
    raw = sqlite3.connect(db)
    expr = match_expression(WORD)
    try:
        hits = repo.search(WORD)
        value = median_time(lambda: repo.search(WORD), 15)
        floor = median_time(lambda: raw.execute(
            "SELECT kind, record_id FROM search WHERE search MATCH ? ORDER BY rank LIMIT 50",
            (expr,)).fetchall(), 15)
    finally:
        repo.close()
        raw.close()
    figs.add("search", value * 1000, "ms", floor * 1000, target="ratio <= 2",
             ok=value <= 2 * floor, note=f"{len(hits)} hits for {WORD!r}")


def measure_save(figs: Figures, db: Path) -> None:

    repo = open_session(db, user="bench")
    middle = max(0, repo.count("roadmap") // 2 - 20)
    ids = [r["id"] for r in repo.list("roadmap", limit=40, offset=middle, columns=["id"])]
    half = len(ids) // 2
    times = []
    try:
        for i, rid in enumerate(ids[:half]):
            version = repo.get("roadmap", rid)["version"]
            t = time.perf_counter()
            repo.update("roadmap", rid, {"progress": (i * 5) % 100}, expected_version=version)
            times.append(time.perf_counter() - t)
        conn = repo.backend.conn  # the same file, pragmas, connection: a bare UPDATE + audit
        floor_times = []
        for i, rid in enumerate(ids[half:]):
            t = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("UPDATE roadmap SET progress = ?, version = version + 1 WHERE id = ?",
                         ((i * 5) % 100, rid))
            conn.execute("INSERT INTO audit(at, user, kind, record_id, action) "
                         "VALUES ('x', 'bench', 'roadmap', ?, 'update')", (rid,))
            conn.execute("COMMIT")
            floor_times.append(time.perf_counter() - t)
    finally:
        repo.close()
    value, floor = statistics.median(times), statistics.median(floor_times)
    figs.add("save", value * 1000, "ms", floor * 1000, target="<= 20 ms", ok=value <= 0.020,
             note=f"max {max(times) * 1000:.1f} ms")


def measure_table(figs: Figures, db: Path, empty_db: Path, home: Path, runs: int) -> None:
    env = gui_env(home)
    floors = [probe("table", str(empty_db), "roadmap", WORD, "open", env=env)
              for _i in range(runs)]
    full = [probe("table", str(db), "roadmap", WORD, "all", env=env) for _i in range(runs)]

    def med(results, key):
        return statistics.median(r[key] for r in results)

    floor = med(floors, "open") * 1000
    for name, key in (("table_open", "open"), ("table_sort", "sort"),
                      ("table_filter", "filter"), ("table_scroll_end", "scroll_end")):
        value = med(full, key) * 1000
        page = med(full, "page_" + key) * 1000
        note = f"{full[0]['rows']} rows; " if key == "open" else ""
        if key == "scroll_end":  # the worse of two sorts: due date (default) and title
            by_title = med(full, "scroll_end_title") * 1000
            note = f"sorted by due date {value:.1f} ms, by title {by_title:.1f} ms; "
            value = max(value, by_title)
        figs.add(name, value, "ms", floor, target="<= 100 ms", ok=value <= 100,
                 note=note + f"whole page (form, filter bar; warm): {page:.0f} ms")
    growth, floor_growth = med(full, "memory_growth_mb"), med(floors, "memory_growth_mb")
    figs.add("table_memory", growth, "MB", floor_growth, target="<= floor + 50 MB",
             ok=growth - floor_growth <= 50)


def measure_startup(figs: Figures, db: Path, small: Path, home: Path, runs: int) -> None:
    # Measure the app as installed: pip compiles the modules at install time, while a checkout
    # run under PYTHONDONTWRITEBYTECODE would compile them again on every start.
    import compileall

    for package in ("tracker", "ui"):
        compileall.compile_dir(str(ROOT / package), quiet=1)
    env = gui_env(home)

    def app_command(path: Path, until: str = "paint") -> list[str]:
        # the first-paint watcher is installed from outside, on the main window alone, exactly
        # as on the bare window (bench/probes.py)
        return [sys.executable, str(PROBES), "app_window", str(path), until]

    app_cmd = app_command(db)
    bare_cmd = [sys.executable, str(PROBES), "bare_window"]

    # a user whose last session ended on the Road map starts there (settings of their own)
    roadmap_home = home.parent / "home-roadmap"
    conf = roadmap_home / "config" / "BilateralTracker" / "bilateral-tracker.conf"
    conf.parent.mkdir(parents=True, exist_ok=True)
    conf.write_text("[window]\npage=roadmap\n", encoding="utf-8")

    def run(cmd, run_env: dict | None = None) -> float:
        """Spawn to first paint: the ``first-paint <time.monotonic()>`` line the process prints
        (CLOCK_MONOTONIC is system-wide), else spawn to exit."""
        t = time.monotonic()
        result = subprocess.run(cmd, capture_output=True, text=True, env=run_env or env,
                                timeout=120, cwd=ROOT)
        elapsed = time.monotonic() - t
        if result.returncode != 0:
            raise RuntimeError(f"{cmd[1:3]} failed: {result.stderr.strip()[-1500:]}")
        for line in result.stdout.splitlines():
            if line.startswith("first-paint "):
                return float(line.split()[1]) - t
        return elapsed

    run(app_cmd)  # warm-up (file caches); the daily backup starts after the first frame anyway
    run(bare_cmd)
    app_times, bare_times, dashboard_times = [], [], []
    for _i in range(runs):
        bare_times.append(run(bare_cmd))
        app_times.append(run(app_cmd))
        dashboard_times.append(run(app_command(db, "dashboard")))
    run(app_command(small))
    small_time = statistics.median(run(app_command(small)) for _i in range(runs))
    roadmap_env = gui_env(roadmap_home)
    run(app_cmd, roadmap_env)
    roadmap_time = statistics.median(run(app_cmd, roadmap_env) for _i in range(runs))
    value, floor = statistics.median(app_times), statistics.median(bare_times)
    figs.add("startup", value, "s", floor, target="ratio <= 1.5", ok=value <= 1.5 * floor,
             note="first-paint watcher on the main window, as on the bare window; "
                  f"on the article-seeded database {small_time:.2f} s; "
                  f"when the last session ended on the Road map {roadmap_time:.2f} s")
    # The first frame is the window around an empty page; the dashboard and its figures (SQL
    # over every kind) follow it. This is when a user sees them.
    dashboard = statistics.median(dashboard_times)
    figs.add("startup_dashboard", dashboard, "s", floor, target=None, ok=None,
             note="process start to the paint that shows the dashboard with its figures (the "
                  "first frame shows the window around an empty page; no target of its own)")


def measure_briefing_1000(figs: Figures, db: Path, work: Path, runs: int) -> None:
    brief = probe("briefing", str(db), str(work / "b1000.pdf"), str(runs + 1))
    bare = probe("bare_table", str(db), str(work / "bare1000.pdf"), str(runs + 1), "0")
    value = statistics.median(brief["seconds"][1:])
    floor = statistics.median(bare["seconds"][1:])
    figs.add("briefing_1000", value, "s", floor, target="ratio <= 2.5", ok=value <= 2.5 * floor,
             note=f"{brief['records']} records, {brief['pages']} pages; bare table "
                  f"{bare['rows']} rows")


def measure_docx_1000(figs: Figures, db: Path, work: Path, runs: int) -> None:
    """Ours and the floor in turns in one process (the same machine state for both)."""
    runs = max(runs, 5)
    result = probe("docx_annex", str(db), str(work / "annex1000.docx"), str(runs + 1))
    value = statistics.median(result["seconds"][1:])
    floor = statistics.median(result["bare_seconds"][1:])
    figs.add("docx_1000", value, "s", floor, target="ratio <= 2.5", ok=value <= 2.5 * floor,
             note=f"{result['records']} records, {result['bytes'] // 1024} KB; bare python-docx "
                  f"table of {result['rows']} rows, {result['bare_bytes'] // 1024} KB; "
                  f"median of {runs} interleaved runs")


def measure_briefing_10000(figs: Figures, db: Path, work: Path) -> None:
    brief = probe("briefing", str(db), str(work / "b10000.pdf"), "1", timeout=1200)
    bare = probe("bare_table", str(db), str(work / "bare10000.pdf"), "1", "500", timeout=1200)
    seconds = brief["seconds"][0]
    reports = brief["progress_reports"][0]
    figs.add("briefing_10000", seconds, "s", bare["seconds"][0],
             target="finishes, reports progress", ok=reports > 10,
             note=f"{brief['records']} records, {brief['pages']} pages, {reports} progress "
                  "reports; floor: the same rows as 500-row reportlab Tables")
    figs.add("briefing_10000_memory", brief["peak_mb"], "MB", bare["peak_mb"],
             target="<= 400 MB", ok=brief["peak_mb"] <= 400,
             note="peak resident memory of the build process (VmHWM: ru_maxrss would include "
                  "the parent's peak, kept across exec); floor: the bare reportlab build's")


# --- main -----------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="100,000 road-map items, 10,000 of the other kinds, no "
                             "briefing_10000 (about two minutes)")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument("--per-kind", type=int, default=100_000,
                        help="records of each kind (default 100,000)")
    parser.add_argument("--runs", type=int, default=None, help="repetitions of the subprocess "
                        "measurements (default 5, --quick 3)")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep the databases")
    parser.add_argument("--only", help="comma-separated figure groups: startup, table, search, "
                        "save, briefing, docx, attachments")
    args = parser.parse_args(argv)
    runs = args.runs or (3 if args.quick else 5)
    only = set(args.only.split(",")) if args.only else None

    def wanted(group: str) -> bool:
        return only is None or group in only

    started = time.perf_counter()
    if args.keep:
        work = Path(args.keep)
        work.mkdir(parents=True, exist_ok=True)
    else:
        work = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    home = work / "home"
    home.mkdir(exist_ok=True)
    # Every process of the run (this one included) keeps its settings, state and backups of its
    # own in the work folder, away from the user's.
    os.environ.update(gui_env(home))
    figs = Figures()
    info = machine()
    log(f"machine: {info}")
    try:
        big = work / "big.db"
        sizes = {"roadmap": args.per_kind} if args.quick else None
        other = min(10_000, args.per_kind) if args.quick else args.per_kind
        if not big.exists():
            log(f"generating {big.name}: {other} per kind"
                + (f", {args.per_kind} road-map items" if sizes else "") + " ...")
            made = make_db(big, other, sizes)
            seconds = made["seconds"]
            total = other * 6 + args.per_kind if sizes else args.per_kind * 7
            figs.add("generate", seconds, "s", None, target="< 60 s",
                     ok=seconds < 60, note=f"{total} records, peak {made['peak_mb']:.0f} MB")
        empty = work / "empty.db"
        if not empty.exists():
            make_db(empty, 0, seed_article=False)
        steps = [
            ("search", ("search",), lambda: measure_search(figs, big)),
            ("save", ("save",), lambda: measure_save(figs, big)),
            ("table", ("table_open", "table_sort", "table_filter", "table_scroll_end",
                       "table_memory"), lambda: measure_table(figs, big, empty, home, runs)),
            ("startup", ("startup", "startup_dashboard"), lambda: measure_startup(
                figs, big, ready(work / "seeded.db", 0, {}), home, runs)),
            ("briefing", ("briefing_1000",), lambda: measure_briefing_1000(
                figs, ready(work / "briefing1000.db", 20, {"roadmap": 1000}), work, runs)),
            ("docx", ("docx_1000",), lambda: measure_docx_1000(
                figs, ready(work / "briefing1000.db", 20, {"roadmap": 1000}), work, runs)),
        ]
        from bench import attachments as files_bench  # attached files (bench/attachments.py)

        steps += [("attachments", ("search_attachments",), lambda: files_bench.measure_search(
            figs, files_bench.files_db(work / "files.db", files_bench.FILE_WORD),
            files_bench.FILE_WORD, median_time)),
                  ("attachments", ("attach_50mb_stall", "attach_50mb"),
                   lambda: files_bench.measure_stall(figs, work, gui_env(home)))]
        if not args.quick:
            steps.append(("briefing", ("briefing_10000", "briefing_10000_memory"),
                          lambda: measure_briefing_10000(
                              figs, ready(work / "briefing10000.db", 100, {"roadmap": 10_000}),
                              work)))
        for group, names, step in steps:
            if not wanted(group):
                continue
            log(f"{', '.join(names)} ...")
            try:
                step()
            except Exception as exc:  # noqa: BLE001 - one broken figure must not hide the others
                for name in names:
                    if name not in figs.items:
                        figs.fail(name, f"failed: {' '.join(str(exc).split())[:300]}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    log(f"total {time.perf_counter() - started:.0f} s")
    if args.json:
        print(json.dumps(figs.items, ensure_ascii=False, indent=1))
    else:
        print(f"Machine: {info['cores']} cores, {info['cpu']}, {info['ram_mb'] // 1024} GB RAM; "
              f"Python {info['python']}; {info['qt']}; SQLite {info['sqlite']}; "
              f"reportlab {info['reportlab']}")
        print(figs.table())
    return 0 if all(f["ok"] is not False for f in figs.items.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
