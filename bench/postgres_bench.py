"""The same figures on a shared database: ``python bench/run.py --backend postgres [--quick]``.

A throwaway PostgreSQL cluster (tests/pgcluster.py: a Unix socket, durability off, as the test
suite runs it) holds a database set up by the real ``init`` and filled by
``tracker.seed.synthetic`` (100,000 road-map items with ``--quick``, 10,000 of each other kind),
then ``VACUUM ANALYZE`` (the cluster runs without autovacuum). Measured, each against its floor in
this one run:

  table_open      the Road-map page's model and view (bench/probes.py ``table``, as for a file):
  table_sort      first screen, a sort by due date, a text filter, a jump to the last row --
  table_filter    each <= 100 ms on the wall clock (the server's work is no CPU time of ours);
  table_scroll_end  floor: the first paint over an empty database on the server
  save            one repo.update with its audit entry: <= 20 ms (floor: the same UPDATE and
                  audit INSERT in one transaction on the session's own connection)
  search          repo.search(one word) vs the raw query behind it,
                  ``SELECT kind, record_id FROM search_hits(%s::tsquery, NULL, 200)``: ratio <= 2
  visible         another desk's save to the moment the Road-map page of a window shows it (the
                  window's listener; no polling): < 1 s (floor: a bare LISTEN/NOTIFY round trip
                  in psycopg, commit to the listener's socket)

The probe ``visible`` runs in a process of its own: ``python bench/postgres_bench.py visible URL
OTHER_URL``. Nothing here changes the SQLite figures of bench/run.py.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / "tests", Path(__file__).resolve().parent):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

WORD = "тракторов"  # as bench/run.py: in about 3 % of the generated records
SEED = 1


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the server and its data ----------------------------------------------------------------------

def start_server(per_kind: int, roadmap: int):
    """A cluster with ``big`` (the generated records, as login ``tester``) and ``empty``."""
    import pgcluster

    from tracker.seed.synthetic import generate
    from tracker.session import open_session

    cluster = pgcluster.Cluster.start()
    try:
        cluster.build_templates()
        admin = cluster.admin()
        for name in ("big", "empty"):
            admin.execute(f"CREATE DATABASE {name} TEMPLATE tracker_empty OWNER tracker_owner")
        started = time.perf_counter()
        repo = open_session(cluster.url("big", "tester"), user="bench")
        try:
            from tracker.seed.article import seed

            seed(repo)
            generate(repo, per_kind, seed=SEED, sizes={"roadmap": roadmap})
        finally:
            repo.close()
        seconds = time.perf_counter() - started
        with cluster.connect("big") as conn:
            conn.execute("VACUUM ANALYZE")
        return cluster, seconds
    except BaseException:
        cluster.stop()
        raise


# --- figures --------------------------------------------------------------------------------------

def measure_table(figs, url: str, empty_url: str, home: Path, runs: int) -> None:
    """On a server the verdict is on the wall clock (the probe's ``wall_*``): the server's work
    and the round trips are what a desk waits for, and none of it is this process's CPU time
    (given in the note). The floor is interleaved with the figure (ABBA)."""
    from run import gui_env, interleaved, probe

    env = gui_env(home)
    floors, full = interleaved(
        runs, lambda: probe("table", empty_url, "roadmap", WORD, "open", env=env),
        lambda: probe("table", url, "roadmap", WORD, "all", env=env))

    def med(results, key):
        return statistics.median(r[key] for r in results)

    floor = med(floors, "wall_open") * 1000
    for name, key in (("table_open", "open"), ("table_sort", "sort"),
                      ("table_filter", "filter"), ("table_scroll_end", "scroll_end")):
        value, cpu = med(full, "wall_" + key) * 1000, med(full, key) * 1000
        note = f"{full[0]['rows']} rows; " if key == "open" else ""
        if key == "scroll_end":
            by_title = med(full, "wall_scroll_end_title") * 1000
            note = f"sorted by due date {value:.1f} ms, by title {by_title:.1f} ms; "
            value = max(value, by_title)
        page = med(full, "wall_page_" + key) * 1000
        figs.add(name, value, "ms", floor, target="<= 100 ms", ok=value <= 100,
                 note=note + f"main thread's CPU {cpu:.0f} ms (floor "
                 f"{med(floors, 'open') * 1000:.0f}); whole page (form, filter bar; warm): "
                 f"{page:.0f} ms")


def measure_save(figs, url: str) -> None:
    from tracker.session import open_session

    repo = open_session(url)
    try:
        middle = max(0, repo.count("roadmap") // 2 - 20)
        ids = [r["id"] for r in repo.list("roadmap", limit=40, offset=middle, columns=["id"])]
        half = len(ids) // 2
        times = []
        for i, rid in enumerate(ids[:half]):
            version = repo.get("roadmap", rid)["version"]
            t = time.perf_counter()
            # a text field: an item's progress follows its newest implementation report
            repo.update("roadmap", rid, {"notes": f"bench edit {i}"}, expected_version=version)
            times.append(time.perf_counter() - t)
        conn = repo.backend.link.conn  # the session's own connection: the bare write
        floor_times = []
        for i, rid in enumerate(ids[half:]):
            t = time.perf_counter()
            with conn.transaction():
                conn.execute("UPDATE roadmap SET notes = %s, version = version + 1 "
                             "WHERE id = %s", (f"bench edit {i}", rid))
                conn.execute("INSERT INTO audit (at, \"user\", kind, record_id, action) "
                             "VALUES ('x', session_user, 'roadmap', %s, 'update')", (rid,))
            floor_times.append(time.perf_counter() - t)
    finally:
        repo.close()
    value, floor = statistics.median(times), statistics.median(floor_times)
    figs.add("save", value * 1000, "ms", floor * 1000, target="<= 20 ms", ok=value <= 0.020,
             note=f"max {max(times) * 1000:.1f} ms")


def measure_search(figs, url: str) -> None:
    from run import median_time

    from tracker.model.text import terms
    from tracker.session import open_session

    repo = open_session(url)
    words = terms(WORD)
    backend = repo.backend

    def raw() -> None:  # the same two statements the search sends (its page and its count)
        backend.search(words, None, 50)
        backend.search_total(words, None)

    try:
        hits = repo.search(WORD)
        value = median_time(lambda: repo.search(WORD), 15)
        floor = median_time(raw, 15)
    finally:
        repo.close()
    figs.add("search", value * 1000, "ms", floor * 1000, target="ratio <= 2",
             ok=value <= 2 * floor, note=f"{len(hits)} hits for {WORD!r}; floor: the same "
             "page and count statements, raw (their word forms and transliterations included)")


def measure_visible(figs, cluster, home: Path, runs: int) -> None:
    import subprocess

    from run import gui_env

    url, other = cluster.url("big", "tester"), cluster.url("big", "colleague")
    result = subprocess.run([sys.executable, __file__, "visible", url, other, str(runs * 3)],
                            capture_output=True, text=True, env=gui_env(home), timeout=600,
                            cwd=ROOT)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        raise RuntimeError(f"visible failed: {result.stderr.strip()[-1500:]}")
    got = json.loads(lines[-1])
    floor = bare_notify_latency(cluster, runs * 10)
    value = statistics.median(got["seconds"])
    figs.add("visible", value * 1000, "ms", floor * 1000, target="< 1 s", ok=value < 1.0,
             note=f"max {max(got['seconds']) * 1000:.0f} ms of {len(got['seconds'])} saves; "
                  "from the other desk's commit to the Road-map page showing the new title")


def bare_notify_latency(cluster, n: int) -> float:
    """The floor: commit of a NOTIFY to the listening socket turning readable, and the
    notification read (psycopg, no application code)."""
    listen = cluster.connect("big")
    send = cluster.connect("big")
    try:
        listen.execute("LISTEN bench")
        times = []
        for i in range(n):
            t = time.perf_counter()
            with send.transaction():
                send.execute("SELECT pg_notify('bench', %s)", (str(i),))
            got: list = []
            while not got:
                select.select([listen.fileno()], [], [], 5)
                got = list(listen.notifies(timeout=0))
            times.append(time.perf_counter() - t)
        return statistics.median(times)
    finally:
        listen.close()
        send.close()


def visible_probe(url: str, other_url: str, saves: str) -> None:
    """A main window on the Road map of ``url``; another desk (``other_url``) renames the first
    record shown, ``saves`` times: seconds from its commit to the page showing the title."""
    from PySide6.QtWidgets import QApplication

    from tracker.session import open_session
    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    repo = open_session(url)
    other = open_session(other_url)
    window = MainWindow(repo, poll_ms=0)
    window.resize(1280, 800)
    window.show()
    deadline = time.perf_counter() + 30
    while (not window.painted or window.link is None) and time.perf_counter() < deadline:
        app.processEvents()
    window.go_to("roadmap")
    page = window.pages["roadmap"]
    model = page.model
    column = model.column_of("title")
    rid = model.id_at(0)
    seconds = []
    for i in range(int(saves)):
        title = f"Renamed at another desk {i}"
        version = other.get("roadmap", rid)["version"]
        other.update("roadmap", rid, {"title": title}, expected_version=version)
        t = time.perf_counter()
        row = None
        while time.perf_counter() - t < 5:
            app.processEvents()
            row = model.row_of_id(rid)
            if row is not None and model.data(model.index(row, column)) == title:
                break
        seconds.append(time.perf_counter() - t)
    window.close()
    other.close()
    repo.close()
    print(json.dumps({"seconds": seconds}), flush=True)


# --- main -----------------------------------------------------------------------------------------

def main(args) -> int:
    """``bench/run.py --backend postgres``: ``args`` as bench/run.py parsed them."""
    from run import Figures, gui_env, machine, run_steps

    runs = args.runs or (3 if args.quick else 5)
    roadmap = args.per_kind
    other = min(10_000, args.per_kind) if args.quick else args.per_kind
    work = Path(tempfile.mkdtemp(prefix="tracker-bench-pg-"))
    home = work / "home"
    home.mkdir()
    os.environ.update(gui_env(home))  # settings of its own, away from the user's
    figs = Figures()
    info = machine()
    log(f"machine: {info}")
    started = time.perf_counter()
    version = "?"
    log(f"PostgreSQL: generating {other} per kind, {roadmap} road-map items ...")
    cluster, seconds = start_server(other, roadmap)
    try:
        version = cluster.admin().execute("SHOW server_version").fetchone()[0]
        figs.add("generate", seconds, "s", None, target=None, ok=None,
                 note=f"{other * 6 + roadmap} records on PostgreSQL {version}")
        url, empty = cluster.url("big", "tester"), cluster.url("empty", "tester")
        steps = [
            ("table", ("table_open", "table_sort", "table_filter", "table_scroll_end"),
             lambda: measure_table(figs, url, empty, home, runs)),
            ("save", ("save",), lambda: measure_save(figs, url)),
            ("search", ("search",), lambda: measure_search(figs, url)),
            ("visible", ("visible",), lambda: measure_visible(figs, cluster, home, runs)),
        ]
        only = set(args.only.split(",")) if args.only else None
        run_steps(figs, steps, lambda group: only is None or group in only)
    finally:
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)
    log(f"total {time.perf_counter() - started:.0f} s")
    if args.json:
        print(json.dumps(figs.items, ensure_ascii=False, indent=1))
    else:
        print(f"Machine: {info['cores']} cores, {info['cpu']}, {info['ram_mb'] // 1024} GB RAM; "
              f"Python {info['python']}; {info['qt']}; PostgreSQL {version} (throwaway cluster "
              "on a Unix socket, fsync off)")
        print(figs.table())
    return 0 if all(f["ok"] is not False for f in figs.items.values()) else 1


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "visible":
        visible_probe(*sys.argv[2:])
    else:
        sys.exit("run: python bench/run.py --backend postgres [--quick]")
