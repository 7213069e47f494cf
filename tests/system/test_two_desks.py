"""Sharing the way it happens: the real desktop app in one process (started as a desk starts it,
``--db postgresql://...``, tests/system/desk_app.py drives it as a user) and the command line in
another, each on its own login, on one database on a server.

- the app says which server and login it is on, and does not poll;
- a record the CLI adds shows in the app's list within a second, the app refreshing by itself;
- a save typed into the app's form is what the CLI then reads, and the history names the app's
  login;
- the CLI changing the record the app has open is never overwritten by the app's later save:
  the app says it was changed by someone else, keeps what was typed, and the CLI's change stands;
- the app closes cleanly, with no traceback.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.gui, pytest.mark.postgres, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
DESK_APP = Path(__file__).with_name("desk_app.py")
VISIBLE_WITHIN_S = 1.0


def desk_env(home: Path) -> dict:
    """A desk's own settings and data folders (never the user's), the checkout importable."""
    home.mkdir(exist_ok=True)
    return {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"), "QT_QPA_PLATFORM": "offscreen",
            "LANGUAGE": "en", "PYTHONPATH": str(ROOT)}


class App:
    """The app's process: ``send`` a command, ``next`` event (tests/system/desk_app.py)."""

    def __init__(self, url: str, home: Path):
        self.proc = subprocess.Popen(
            [sys.executable, str(DESK_APP), "--db", url], cwd=ROOT, env=desk_env(home),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.events: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            if line.startswith("{"):
                self.events.put(json.loads(line))
        self.events.put({"event": "exited"})

    def send(self, do: str, **data) -> None:
        self.proc.stdin.write(json.dumps({"do": do, **data}) + "\n")
        self.proc.stdin.flush()

    def next(self, timeout: float = 30.0) -> dict:
        try:
            event = self.events.get(timeout=timeout)
        except queue.Empty:
            pytest.fail(f"the app said nothing for {timeout} s")
        if event["event"] == "exited":
            pytest.fail(f"the app ended: {self.proc.wait()}\n{self.proc.stderr.read()}")
        return event

    def stop(self) -> tuple[int, str]:
        if self.proc.poll() is None:
            self.send("quit")
        try:
            code = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        return code, self.proc.stderr.read()


def cli(url: str, home: Path, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "tracker", "--db", url, *args], cwd=ROOT,
                          env=desk_env(home), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture
def server(pg_cluster):
    from engine_kit import PostgresEngine

    engine = PostgresEngine(pg_cluster)
    engine.target("minsk_desk", seed=True)
    yield engine
    engine.close()


def test_the_app_and_the_cli_in_two_processes_share_one_server_database(server, tmp_path):
    ministry, embassy = server.target("minsk_desk"), server.target("astana_desk")
    app = App(ministry, tmp_path / "ministry")
    try:
        ready = app.next(timeout=60)
        assert ready["event"] == "ready", ready
        assert "minsk_desk@" in ready["title"] and "minsk_desk@" in ready["status"]
        assert ready["polling"] is False  # the server tells; nothing is read on a timer

        # the embassy adds a record at the command line: the ministry's window lists it
        app.send("expect", title="Exhibition catalogue, sent from Astana")
        assert app.next()["event"] == "watching"
        cli(embassy, tmp_path / "embassy", "add", "roadmap",
            "title=Exhibition catalogue, sent from Astana")
        committed = time.time()  # the CLI's process has ended: its save is committed
        seen = app.next()
        assert seen["event"] == "seen", seen
        print(f"\nthe CLI's save in the app's list {(seen['at'] - committed) * 1000:.0f} ms "
              "after the CLI's process ended")
        assert seen["at"] - committed < VISIBLE_WITHIN_S

        # the ministry saves from its form: the embassy reads it, the history names the login
        app.send("type", id=1, title="Study tour agreed for the autumn")
        assert app.next() == {"event": "typed", "dirty": True}
        app.send("save")
        saved = app.next()
        assert saved["event"] == "saved" and saved["boxes"] == [], saved
        shown = json.loads(cli(embassy, tmp_path / "embassy", "show", "roadmap", "1",
                               "--json").stdout)
        assert shown["title"] == "Study tour agreed for the autumn"
        assert shown["version"] == saved["version"]
        history = json.loads(cli(embassy, tmp_path / "embassy", "history", "roadmap", "1",
                                 "--limit", "1", "--json").stdout)
        assert history[0]["user"] == "minsk_desk", history[0]

        # both desks on record 2: the embassy's change is not overwritten by the ministry's
        app.send("type", id=2, title="Typed at the ministry")
        assert app.next()["dirty"] is True
        cli(embassy, tmp_path / "embassy", "edit", "roadmap", "2",
            "title=Changed at the embassy")
        time.sleep(0.5)  # the app has heard of it meanwhile; the form keeps what was typed
        app.send("save")
        refused = app.next()
        assert refused["event"] == "refused", refused
        assert any("changed" in box.lower() and "nothing was overwritten" in box.lower()
                   for box in refused["boxes"]), refused["boxes"]
        assert refused["form_title"] == "Typed at the ministry" and refused["dirty"] is True
        shown = json.loads(cli(embassy, tmp_path / "embassy", "show", "roadmap", "2",
                               "--json").stdout)
        assert shown["title"] == "Changed at the embassy"
    finally:
        code, stderr = app.stop()
    assert code == 0, stderr
    assert "Traceback" not in stderr, stderr
