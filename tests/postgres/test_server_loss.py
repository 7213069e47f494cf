"""The server goes away: a dropped connection or a restart is a clear StorageError (never a
driver's traceback), the session connects again by itself, no acknowledged save is lost, and
nothing is written twice, even when the answer to a COMMIT was lost on the way.

These tests restart the server, so they have a cluster of their own, with synchronous commits (an
acknowledged save must survive an immediate shutdown)."""

from __future__ import annotations

import collections
import os
import socket
import tempfile
import threading
import time

import pytest

from tracker.store.errors import ConnectionLost, StorageError
from tracker.store.repository import Repository

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture(scope="module")
def own_cluster(pg_cluster):  # pg_cluster: skipped (or failed) the same way without a server
    import pgcluster

    cluster = pgcluster.Cluster.start()
    try:
        cluster.admin().execute("ALTER SYSTEM SET synchronous_commit = on")
        cluster.admin().execute("SELECT pg_reload_conf()")
        cluster.build_templates()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def server(own_cluster):
    from engine_kit import PostgresEngine

    engine = PostgresEngine(own_cluster)
    engine.target("tester")
    yield engine
    engine.close()


def test_a_restart_between_two_actions_goes_unnoticed(server, own_cluster):
    with Repository(server.target("tester")) as repo:
        rid = repo.create("roadmap", {"title": "Before the restart"}).record_id
        own_cluster.pg_ctl("restart", "-m", "immediate")
        assert repo.get("roadmap", rid)["title"] == "Before the restart"  # read again, once
        repo.update("roadmap", rid, {"progress": 30}, expected_version=1)
        assert repo.get("roadmap", rid)["progress"] == 30
        own_cluster.pg_ctl("restart", "-m", "fast")
        repo.create("roadmap", {"title": "A write first"})  # nothing sent yet: begun again
        assert repo.count("roadmap") == 2
        assert repo.backend.link.reconnects >= 2


def test_while_the_server_is_down_every_action_says_so_in_one_line(server, own_cluster):
    with Repository(server.target("tester")) as repo:
        repo.create("roadmap", {"title": "Saved"})
        own_cluster.pg_ctl("stop", "-m", "fast")
        try:
            for action in (lambda: repo.list("roadmap"), lambda: repo.search("saved"),
                           lambda: repo.create("roadmap", {"title": "Not saved"})):
                with pytest.raises(ConnectionLost) as info:
                    action()
                message = str(info.value)
                assert "\n" not in message and "server" in message
                assert isinstance(info.value, StorageError)
        finally:
            own_cluster.pg_ctl("start")
        assert [r["title"] for r in repo.list("roadmap")] == ["Saved"]
        repo.create("roadmap", {"title": "After"})
        assert repo.count("roadmap") == 2


def test_a_server_killed_mid_edit_loses_no_acknowledged_save_and_doubles_none(
        server, own_cluster):
    """A desk saving in a tight loop (retrying what it was told was not saved) while the server
    is killed and comes back: every save acknowledged is there once, nothing twice."""
    acknowledged: list[str] = []
    refusals = collections.Counter()
    stop = threading.Event()

    errors: list[str] = []

    def desk():
        try:
            saving()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(f"{type(exc).__name__}: {exc}")

    def saving():
        repo = Repository(server.target("tester"))
        i = 0
        while not stop.is_set():
            i += 1
            title = f"Save {i}"
            while True:
                try:
                    repo.create("roadmap", {"title": title})
                    acknowledged.append(title)
                    break
                except ConnectionLost:  # not saved (or the server is away): try again
                    refusals["lost"] += 1
                    time.sleep(0.05)
                except StorageError as exc:  # saved after all: the answer had been lost
                    assert "saved after all" in str(exc)
                    acknowledged.append(title)
                    break
        repo.close()

    thread = threading.Thread(target=desk)
    thread.start()
    try:
        time.sleep(0.7)
        own_cluster.pg_ctl("restart", "-m", "immediate")
        time.sleep(0.7)
        own_cluster.pg_ctl("restart", "-m", "immediate")
        time.sleep(0.7)
    finally:
        stop.set()
        thread.join(60)
    assert not thread.is_alive() and errors == []
    stored = collections.Counter(t for (t,) in server.sql("SELECT title FROM roadmap"))
    assert len(acknowledged) > 10 and refusals["lost"] >= 1  # the kills hit the loop
    assert set(acknowledged) <= set(stored)  # no acknowledged save lost
    assert max(stored.values()) == 1  # nothing written twice
    audit = server.sql("SELECT count(*) FROM audit")[0][0]
    assert audit == sum(stored.values())  # one audit entry per record, none doubled


# --- a COMMIT whose answer is lost -----------------------------------------------------------

class CuttingProxy:
    """A Unix-socket proxy in front of the server. The first time a message from the client holds
    ``marker``, it is passed on (``forward``) or not, and the line is cut; later connections pass
    untouched."""

    def __init__(self, server_socket: str, marker: bytes, *, forward: bool):
        self.dir = tempfile.mkdtemp(prefix="tracker-proxy-")
        os.chmod(self.dir, 0o755)
        self.server_socket, self.marker, self.forward = server_socket, marker, forward
        self.cut = threading.Event()
        self.listening = socket.socket(socket.AF_UNIX)
        self.listening.bind(f"{self.dir}/.s.PGSQL.5432")
        self.listening.listen(8)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _addr = self.listening.accept()
            except OSError:
                return
            upstream = socket.socket(socket.AF_UNIX)
            upstream.connect(self.server_socket)
            this_line = threading.Event()  # set when this connection is the one cut
            threading.Thread(target=self._pump, args=(upstream, client, False, this_line),
                             daemon=True).start()
            threading.Thread(target=self._pump, args=(client, upstream, True, this_line),
                             daemon=True).start()

    def _pump(self, src, dst, from_client: bool, this_line: threading.Event) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data or (not from_client and this_line.is_set()):
                    break  # once cut, the server's answers go nowhere
                if from_client and not self.cut.is_set() and self.marker in data:
                    self.cut.set()
                    this_line.set()
                    if self.forward:
                        dst.sendall(data)
                        time.sleep(0.3)  # the server commits; its answer goes nowhere
                    break
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self) -> None:
        self.listening.close()


def _through(proxy: CuttingProxy, server) -> str:
    return server.target("tester").replace(f"host={server.cluster.sock}", f"host={proxy.dir}")


def test_a_save_whose_commit_answer_was_lost_is_known_saved_and_made_once(server):
    proxy = CuttingProxy(f"{server.cluster.sock}/.s.PGSQL.5432", b"COMMIT", forward=True)
    try:
        with Repository(_through(proxy, server)) as repo:
            change = repo.create("roadmap", {"title": "Committed in the dark"})
            assert proxy.cut.is_set()
            assert repo.get("roadmap", change.record_id)["title"] == "Committed in the dark"
            assert repo.undo_label()  # the save counts as done: it can be undone
    finally:
        proxy.close()
    assert server.sql("SELECT count(*) FROM roadmap")[0][0] == 1
    assert server.sql("SELECT count(*) FROM audit")[0][0] == 1


def test_a_save_cut_before_its_commit_is_said_not_saved_and_leaves_nothing(server):
    proxy = CuttingProxy(f"{server.cluster.sock}/.s.PGSQL.5432", b"INSERT INTO audit",
                         forward=False)
    try:
        with Repository(_through(proxy, server)) as repo:
            with pytest.raises(ConnectionLost, match="not saved"):
                repo.create("roadmap", {"title": "Lost on the way"})
            assert repo.count("roadmap") == 0
            repo.create("roadmap", {"title": "Lost on the way"})  # the retry saves it once
    finally:
        proxy.close()
    assert server.sql("SELECT title FROM roadmap") == [("Lost on the way",)]


def test_a_listener_survives_a_restart_and_asks_for_a_full_refresh(server, own_cluster):
    """After a restart the listener's socket turns readable with nothing to read: it connects
    again, listens again and says that anything may have changed (notifications sent meanwhile
    are lost); later saves are heard again."""
    import select

    with Repository(server.target("tester")) as repo:
        listener = repo.backend.listener()
        try:
            own_cluster.pg_ctl("restart", "-m", "fast")
            ready, _w, _x = select.select([listener.fileno()], [], [], 5.0)
            assert ready  # the dead connection wakes the window up
            assert [s.kinds for s in listener.changes()] == [None]  # refresh everything
            repo.create("people", {"title": "Heard after the restart"})
            ready, _w, _x = select.select([listener.fileno()], [], [], 2.0)
            assert ready
            assert [s.kinds for s in listener.changes()] == [{"people"}]
        finally:
            listener.close()
