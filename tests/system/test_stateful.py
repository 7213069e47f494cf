"""A stateful model test: random sequences of create, edit (valid or not), delete, restore, undo,
redo and import, checked after every step against an in-memory model: the database holds exactly
the model's records, ``quick_check`` is ok, and the audit log has exactly one entry per change."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from tracker.store.repository import NothingToUndo, ValidationError

try:
    from tracker import exchange as _io
except ImportError:  # pragma: no cover - the import module is optional here
    _io = None

titles = st.text(alphabet="абвёЁ Zx<&'\"", min_size=0, max_size=10)
progress = st.integers(min_value=-3, max_value=103)


def _norm(title: str) -> str:
    return " ".join(title.split())


class TrackerModel(RuleBasedStateMachine):
    make_engine = None  # set per engine below: () -> an engine_kit engine

    def __init__(self):
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="tracker-model-"))
        self.engine = type(self).make_engine(self.folder)
        self.repo = self.engine.open(seed=False, user="model")
        self.records: dict[int, dict] = {}  # id -> {title, progress, deleted}
        self.undo_stack: list[tuple[int, dict | None, dict]] = []
        self.redo_stack: list[tuple[int, dict | None, dict]] = []
        self.changes = 0
        self.imports = 0

    def teardown(self):
        self.repo.close()
        self.engine.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- helpers ------------------------------------------------------------------------------

    def _push(self, rid: int, before: dict | None, after: dict) -> None:
        self.undo_stack.append((rid, before, after))
        self.redo_stack.clear()
        self.changes += 1

    def _live(self) -> list[int]:
        return sorted(r for r, v in self.records.items() if not v["deleted"])

    def _trashed(self) -> list[int]:
        return sorted(r for r, v in self.records.items() if v["deleted"])

    # -- rules --------------------------------------------------------------------------------

    @rule(title=titles, pct=progress)
    def create(self, title, pct):
        valid = bool(_norm(title)) and 0 <= pct <= 100
        try:
            change = self.repo.create("roadmap", {"title": title, "progress": pct})
        except ValidationError as exc:
            assert not valid, exc
            assert exc.kind == "roadmap" and exc.problems
            return
        assert valid
        state = {"title": _norm(title), "progress": pct, "deleted": False}
        self.records[change.record_id] = state
        self._push(change.record_id, None, dict(state))

    @precondition(lambda self: self._live())
    @rule(data=st.data(), title=titles, pct=progress)
    def edit(self, data, title, pct):
        rid = data.draw(st.sampled_from(self._live()))
        version = self.repo.get("roadmap", rid)["version"]
        valid = bool(_norm(title)) and 0 <= pct <= 100
        try:
            change = self.repo.update("roadmap", rid, {"title": title, "progress": pct},
                                      expected_version=version)
        except ValidationError as exc:
            assert not valid, exc
            assert str(rid) in exc.record
            return
        assert valid
        before = dict(self.records[rid])
        if change.action == "unchanged":  # the values it has: nothing written, no undo step
            assert (before["title"], before["progress"]) == (_norm(title), pct)
            return
        self.records[rid].update(title=_norm(title), progress=pct)
        self._push(rid, before, dict(self.records[rid]))

    @precondition(lambda self: self._live())
    @rule(data=st.data())
    def delete(self, data):
        rid = data.draw(st.sampled_from(self._live()))
        self.repo.delete("roadmap", rid)
        before = dict(self.records[rid])
        self.records[rid]["deleted"] = True
        self._push(rid, before, dict(self.records[rid]))

    @precondition(lambda self: self._trashed())
    @rule(data=st.data())
    def restore(self, data):
        rid = data.draw(st.sampled_from(self._trashed()))
        self.repo.restore("roadmap", rid)
        before = dict(self.records[rid])
        self.records[rid]["deleted"] = False
        self._push(rid, before, dict(self.records[rid]))

    @rule()
    def undo(self):
        if not self.undo_stack:
            with pytest.raises(NothingToUndo):
                self.repo.undo()
            return
        self.repo.undo()
        rid, before, after = self.undo_stack.pop()
        if before is None:  # undoing a create puts the record in the trash
            self.records[rid]["deleted"] = True
        else:
            self.records[rid] = dict(before)
        self.redo_stack.append((rid, before, after))
        self.changes += 1

    @rule()
    def redo(self):
        if not self.redo_stack:
            with pytest.raises(NothingToUndo):
                self.repo.redo()
            return
        self.repo.redo()
        rid, before, after = self.redo_stack.pop()
        self.records[rid] = dict(after)
        self.undo_stack.append((rid, before, after))
        self.changes += 1

    @precondition(lambda self: _io is not None)
    @rule(pcts=st.lists(progress, min_size=1, max_size=3))
    def import_records(self, pcts):
        self.imports += 1
        rows = [{"title": f"Imported {self.imports}.{i}", "progress": p}
                for i, p in enumerate(pcts)]
        known = set(self.repo.ids("roadmap")) | set(self.repo.ids("roadmap", trash=True))
        valid = all(0 <= p <= 100 for p in pcts)
        try:
            _io.import_data(self.repo, {"roadmap": rows})
        except _io.ImportProblem:
            assert not valid
            return
        assert valid
        new = sorted((set(self.repo.ids("roadmap")) | set(self.repo.ids("roadmap", trash=True)))
                     - known)
        assert len(new) == len(rows)
        for rid, row in zip(new, rows):
            self.records[rid] = {"title": row["title"], "progress": row["progress"],
                                 "deleted": False}
        self.changes += len(rows)  # one audit entry per record an import changes

    # -- invariants ---------------------------------------------------------------------------

    @invariant()
    def database_equals_model(self):
        rows = {rid: {"title": t, "progress": p, "deleted": d is not None} for rid, t, p, d in
                self.engine.sql("SELECT id, title, progress, deleted_at FROM roadmap")}
        assert rows == self.records

    @invariant()
    def file_is_sound(self):
        if self.engine.name == "sqlite":  # a server has no file of ours to check
            assert self.repo.backend.conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"

    @invariant()
    def one_audit_entry_per_change(self):
        assert self.engine.sql("SELECT count(*) FROM audit")[0][0] == self.changes

    @invariant()
    def search_index_matches(self):
        live = {t for t, d in ((v["title"], v["deleted"]) for v in self.records.values())
                if not d}
        indexed = self.engine.sql(
            "SELECT count(*) FROM search WHERE kind = 'roadmap'")[0][0]
        assert indexed == len(self.records)
        assert {h.title for h in self.repo.search("Imported")} <= live
        for rid, rec in self.records.items():  # each record is found by its current title
            if any(ch.isalnum() for ch in rec["title"]):
                found = self.repo.ids("roadmap", search=rec["title"], trash=rec["deleted"])
                assert rid in found, (rid, rec)


SETTINGS = settings(max_examples=25, stateful_step_count=30, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def test_tracker_model():
    """The model test on an SQLite file."""
    from engine_kit import SqliteEngine

    machine = type("SqliteModel", (TrackerModel,), {"make_engine": SqliteEngine})
    run_state_machine_as_test(machine, settings=SETTINGS)


class _EmptiedEachTime:
    """One server database for every example, emptied before each (closing keeps it)."""

    def __init__(self, engine):
        self.engine = engine
        self.name = engine.name
        self.sql = engine.sql

    def __call__(self, _folder):
        self.engine.empty()
        return self

    def open(self, **kw):
        return self.engine.open(**kw)

    def close(self) -> None:
        pass


@pytest.mark.slow
@pytest.mark.postgres
def test_tracker_model_on_postgres(pg_cluster):
    """The same model test on a PostgreSQL server."""
    from engine_kit import PostgresEngine

    engine = PostgresEngine(pg_cluster)
    try:
        machine = type("PostgresModel", (TrackerModel,),
                       {"make_engine": staticmethod(_EmptiedEachTime(engine))})
        run_state_machine_as_test(machine, settings=SETTINGS)
    finally:
        engine.close()
