"""The stage of an import: records kept in file order in a private temporary database, read back a
batch at a time, deleted when closed; SQLite's errors reach the importer as the store's own."""

from __future__ import annotations

import pytest

from tracker.store.errors import StorageError
from tracker.store.sqlite.stage import Stage, UnstorableValue


def test_records_plans_and_befores_come_back_in_file_order(tmp_path, monkeypatch):
    monkeypatch.setattr(Stage, "BATCH", 2)  # several batches
    with Stage(tmp_path) as stage:
        with stage.transaction():
            seqs = [stage.add("people", f"#{i}", f"p-{i}" if i % 2 else None,
                              10 + i if i == 3 else None, stage.pack(({"title": f"P{i}"}, {})))
                    for i in range(1, 6)]
            stage.add("sources", "#1", "s-1", None, stage.pack(({"title": "S"}, {})))
            stage.add_title("s", 6)
        assert [(seq, label, value[0]["title"]) for seq, label, value, _e in
                stage.records("people")] == [(s, f"#{i}", f"P{i}") for i, s in
                                             zip(range(1, 6), seqs)]
        assert [uid for _seq, uid, _e in stage.uids("people")] == ["p-1", "p-3", "p-5"]
        assert stage.has_uid("people", "p-3") and not stage.has_uid("sources", "p-3")
        assert stage.by_uid("people", "p-3") == (seqs[2], 13)
        assert stage.seq_of("people", 13) == seqs[2] and stage.seq_of("people", 14) is None
        assert list(stage.titles()) == [(6, "s")] and stage.last_seq() == 6
        stage.set_existing("sources", 6, "s-1", 99)  # the database has it now: not a new title
        assert list(stage.titles()) == [] and stage.by_uid("sources", "s-1") == (6, 99)

        for seq in seqs:
            stage.add_plan(seq, "people", "create" if seq % 2 else "same", None, None, {"n": seq})
        assert [(seq, plan["n"]) for seq, _u, _a, plan, _e in
                stage.plans("people", ("create",))] == [(s, s) for s in seqs if s % 2]
        assert stage.plan(seqs[1]) == ("same", {"n": seqs[1]}) and stage.plan(6) is None
        stage.add_befores([(seqs[0], {"version": 1})])
        assert stage.before(seqs[0]) == {"version": 1}
        stage.clear_plans()
        assert stage.plan(seqs[0]) is None
        folder = stage.folder
        assert folder.parent == tmp_path and folder.is_dir()
    assert not folder.exists()


def test_a_plan_comes_back_as_it_was_kept_whatever_it_holds(tmp_path):
    """Plans are kept with marshal when they are plain data of the built-in types and pickled
    otherwise: each comes back equal, of the same types (a tuple stays a tuple, a Decimal a
    Decimal, a set a set, text with a lone surrogate as it was, a dataclass as itself)."""
    from decimal import Decimal

    from tracker.exchange.planner import Plan

    plan = Plan({"title": "Ёлка \ud800 <b>", "n": 2**62, "x": None, "ok": True, "f": 1.5},
                {"meeting_id": ("@", 3), "reviewed_at": [1, ("@", 4)]},
                [(("@", 1), "цитата")], {"version": 2}, series={"s": [{"value": "1.5"}]})
    kept = [plan.as_data(), {"d": Decimal("1.10")}, {"s": {1, 2}, "b": b"\x00", "t": (1, [2])},
            plan, [[[[["deep"]]]]]]
    with Stage(tmp_path) as stage, stage.transaction():
        for seq, value in enumerate(kept, start=1):
            stage.add_plan(seq, "people", "create", None, None, value)
        back = [stage.plan(seq)[1] for seq in range(1, len(kept) + 1)]
        assert back == kept
        assert [type(v) for v in back] == [type(v) for v in kept]
        assert Plan.of(back[0]) == plan and back[3] == plan
        assert type(back[1]["d"]) is Decimal and type(back[2]["t"]) is tuple
        assert [plan for _seq, _u, _a, plan, _e in stage.plans("people", ("create",))] == kept


@pytest.mark.parametrize("plain", [False, True])
def test_values_that_are_not_plain_data_are_refused(tmp_path, plain):
    """Also by a stage of a file's records (``plain``: kept with marshal when it takes them),
    as before: marshal refusing a value hands it to pickle, which says why."""
    with Stage(tmp_path, plain=plain) as stage:
        with pytest.raises(UnstorableValue):
            stage.pack({"title": lambda: None})
        deep: list = []
        for _ in range(100_000):
            deep = [deep]
        with pytest.raises(RecursionError):
            stage.pack(deep)


def test_a_file_s_records_come_back_as_they_were_read(tmp_path):
    """A stage of a file's records keeps them with marshal: each comes back equal and of the
    same types (a float stays a float, True is not 1, text with a lone surrogate as it was);
    a value marshal does not take (a Decimal) is pickled and comes back too."""
    from decimal import Decimal

    records = [({"title": "Ёлка \ud800 =SUM(A1)", "n": 1, "f": 1.0, "ok": True, "none": None,
                 "big": 2**70, "sources": [{"source_uid": "s", "quote": ""}]}, {"version": 2}),
               ({"title": "x" * 1_000_000, "value": Decimal("1.10")}, {})]
    with Stage(tmp_path, plain=True) as stage:
        with stage.transaction():
            seqs = [stage.add("people", f"#{i}", None, None, stage.pack(r))
                    for i, r in enumerate(records)]
        back = [value for _seq, _label, value, _e in stage.records("people")]
        assert back == records and stage.record(seqs[1]) == records[1]
        assert [[type(v) for v in raw.values()] for raw, _system in back] == [
            [type(v) for v in raw.values()] for raw, _system in records]
        assert stage.pack(records[0])[:1] == b"m" and stage.pack(records[1])[:1] == b"p"


def test_sqlite_errors_reach_the_caller_as_storage_errors(tmp_path):
    with Stage(tmp_path) as stage, pytest.raises(StorageError, match="working copy"):
        stage.has_uid("people", object())  # SQLite cannot hold it
