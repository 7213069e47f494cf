"""A throwaway PostgreSQL cluster for the tests: initdb into a temporary folder (as the
``postgres`` user when the tests run as root: initdb and postgres refuse root), listening on a
Unix socket only (no TCP), durability off. Templates hold the schema (made by the real ``init``)
and the seeded data; each test gets its own database copied from one (``STRATEGY file_copy``).

The settings live in postgresql.conf, not on pg_ctl's command line, so a restart (the tests that
kill the server) comes back on the same socket with the same settings.
"""

from __future__ import annotations

import glob
import itertools
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time

SETTINGS = {  # a crash loses the cluster, which is thrown away anyway
    "listen_addresses": "''", "unix_socket_permissions": "0777",
    "fsync": "off", "synchronous_commit": "off", "full_page_writes": "off",
    "wal_level": "minimal", "max_wal_senders": "0", "max_wal_size": "4GB",
    "checkpoint_timeout": "1d", "shared_buffers": "128MB", "max_connections": "200",
    "jit": "off", "log_min_messages": "warning", "logging_collector": "off",
    "autovacuum": "off",  # its workers made CREATE DATABASE wait (~0.4 s) after each DROP
}
SUPERUSER = "postgres"
STRATEGY = os.environ.get("TRACKER_PG_STRATEGY", "file_copy")
REQUIRE = "TRACKER_REQUIRE_POSTGRES"  # set (CI): a missing server fails the tests, never skips


def bindir() -> str | None:
    """Where the server's programs are (TRACKER_PG_BIN, else Debian's newest, else PATH)."""
    forced = os.environ.get("TRACKER_PG_BIN")
    if forced is not None:
        return forced if os.path.exists(os.path.join(forced, "initdb")) else None
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[-3]) if p.split("/")[-3].isdigit() else 0)
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


class Cluster:
    def __init__(self, base: str, bin_dir: str):
        self.base, self.bin = base, bin_dir
        self.data, self.sock, self.log = f"{base}/data", f"{base}/sock", f"{base}/log"
        self._numbers = itertools.count()
        self._lock = threading.Lock()
        self.create_times: list[float] = []  # CREATE DATABASE itself
        self.wait_times: list[float] = []  # what a test waited for its database
        self._admin = None
        self._ready: dict[str, list[str]] = {}  # template -> databases made ahead
        self._tasks: queue.Queue = queue.Queue()
        self._worker = threading.Thread(target=self._work, name="pg-databases", daemon=True)
        self._worker.start()

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [f"{self.bin}/{args[0]}", *args[1:]]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=check, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, timeout=120)

    @classmethod
    def start(cls) -> Cluster:
        bin_dir = bindir()
        if bin_dir is None:
            raise FileNotFoundError("PostgreSQL's server programs (initdb) are not installed")
        # not under pytest's tmp_path: /tmp/pytest-of-root is 0700, postgres cannot enter it
        base = tempfile.mkdtemp(prefix="tracker-pg-")
        os.chmod(base, 0o755)
        cluster = cls(base, bin_dir)
        os.mkdir(cluster.sock, 0o755)
        if os.geteuid() == 0:
            import pwd

            pw = pwd.getpwnam("postgres")
            for path in (base, cluster.sock):
                os.chown(path, pw.pw_uid, pw.pw_gid)
        try:
            cluster.run("initdb", "-D", cluster.data, "-U", SUPERUSER, "-A", "trust", "-E",
                        "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions")
            with open(f"{cluster.data}/postgresql.conf", "a", encoding="utf-8") as fh:
                fh.write(f"unix_socket_directories = '{cluster.sock}'\n")
                fh.writelines(f"{k} = {v}\n" for k, v in SETTINGS.items())
            cluster.pg_ctl("start")
        except BaseException:
            shutil.rmtree(base, ignore_errors=True)
            raise
        return cluster

    def pg_ctl(self, action: str, *args: str) -> None:
        self.run("pg_ctl", "-D", self.data, "-l", self.log, "-w", "-s", action, *args)

    def url(self, dbname: str, user: str) -> str:
        """What ``--db`` takes: the socket folder as the host, no TCP."""
        return f"postgresql://{user}@/{dbname}?host={self.sock}"

    def connect(self, dbname: str = "postgres", user: str = SUPERUSER, **kw):
        import psycopg

        return psycopg.connect(host=self.sock, dbname=dbname, user=user, autocommit=True, **kw)

    def admin(self):
        """One superuser connection to ``postgres`` (made again after a restart)."""
        if self._admin is not None and not (self._admin.closed or self._admin.broken):
            try:
                self._admin.execute("SELECT 1")
            except Exception:  # noqa: BLE001 - the server was restarted: connect again
                self._admin.close()
                self._admin = None
        if self._admin is None or self._admin.closed or self._admin.broken:
            self._admin = self.connect()
        return self._admin

    # -- databases ------------------------------------------------------------------------------

    def build_templates(self) -> None:
        """``tracker_empty``: the schema, made by the real ``init``; ``tracker_seeded``: the
        article's records as a desk seeds them (login ``tester``)."""
        from tracker.session import grant_clearance, init_database
        from tracker.store.repository import Repository

        admin = self.admin()
        admin.execute("CREATE DATABASE tracker_empty")
        init_database(self.url("tracker_empty", SUPERUSER), empty=True)
        for login in ("tester", "colleague"):
            grant_clearance(self.url("postgres", SUPERUSER), login, "restricted")
        admin.execute("CREATE DATABASE tracker_seeded TEMPLATE tracker_empty OWNER tracker_owner")
        from tracker.seed.article import seed

        with Repository(self.url("tracker_seeded", "tester")) as repo:
            seed(repo)
        for name in ("tracker_empty", "tracker_seeded"):
            admin.execute(f"ALTER DATABASE {name} IS_TEMPLATE true ALLOW_CONNECTIONS false")

    def new_database(self, template: str = "tracker_empty") -> str:
        """A database of its own for a test, copied from ``template``. One is kept ready per
        template by a background thread (made while the previous test runs), and dropped ones
        are dropped there too: a test waits only when none is ready."""
        started = time.perf_counter()
        with self._lock:
            ready = self._ready.setdefault(template, [])
            name = ready.pop() if ready else None
        if name is None:
            name = self._create(template, self.admin())
        self.wait_times.append(time.perf_counter() - started)
        self._tasks.put(("create", template))
        return name

    def _create(self, template: str, conn) -> str:
        with self._lock:
            name = f"t{os.getpid()}_{next(self._numbers)}"
        started = time.perf_counter()
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {template} "
                     f"STRATEGY {STRATEGY} OWNER tracker_owner")
        self.create_times.append(time.perf_counter() - started)
        return name

    def drop_database(self, name: str) -> None:
        self._tasks.put(("drop", name))

    def _work(self) -> None:
        """The background thread: make databases ahead, drop used ones."""
        conn = None
        while True:
            task = self._tasks.get()
            if task is None:
                return
            action, what = task
            try:
                if conn is None or conn.closed or conn.broken:
                    conn = self.connect()
                if action == "drop":
                    conn.execute(f"DROP DATABASE IF EXISTS {what} WITH (FORCE)")
                elif len(self._ready.get(what, [])) < 1:
                    name = self._create(what, conn)
                    with self._lock:
                        self._ready.setdefault(what, []).append(name)
            except Exception:  # noqa: BLE001 - a restarted server: the test makes its own
                conn = None

    def ensure_login(self, login: str, clearance: str | None = "restricted", *,
                     if_missing: bool = False) -> None:
        """A login role with ``clearance`` (None: none at all); ``if_missing``: an existing one
        keeps what it has. Roles are cluster-wide."""
        from psycopg import sql

        from tracker.session import grant_clearance

        admin = self.admin()
        exists = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s",
                               (login,)).fetchone() is not None
        if exists and if_missing:
            return
        if clearance is not None:
            grant_clearance(self.url("postgres", SUPERUSER), login, clearance)
        elif not exists:
            admin.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(login)))
        else:
            admin.execute(sql.SQL("REVOKE tracker_public, tracker_internal, tracker_restricted "
                                  "FROM {}").format(sql.Identifier(login)))

    def stop(self) -> None:
        self._tasks.put(None)
        self._worker.join(30)
        if self._admin is not None:
            self._admin.close()
        try:
            self.run("pg_ctl", "-D", self.data, "-w", "-s", "stop", "-m", "immediate",
                     check=False)
        finally:
            shutil.rmtree(self.base, ignore_errors=True)
