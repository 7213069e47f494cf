"""An import runs with Python's cyclic collector called less often (it makes and drops millions
of dicts and lists, holding few) and leaves the collector's thresholds as they were: after an
import, after a failed one, and after imports running at once on two threads."""

from __future__ import annotations

import gc
import threading

import pytest

from tracker import exchange as tio
from tracker.exchange.importer import IMPORT_GC_THRESHOLD
from tracker.store.batch import Batch


@pytest.fixture
def thresholds():
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def seen_while_writing(monkeypatch, fail: bool = False) -> list:
    seen = []
    real = Batch.audit_entries  # a chunk's audit entries, once its records are written

    def watched(self, *args):
        seen.append(gc.get_threshold())
        if fail:
            raise OSError("disk unplugged")
        return real(self, *args)

    monkeypatch.setattr(Batch, "audit_entries", watched)
    return seen


def test_an_import_collects_less_often_and_puts_the_thresholds_back(other, monkeypatch,
                                                                    thresholds):
    seen = seen_while_writing(monkeypatch)
    tio.import_data(other, {"people": [{"title": f"Person {i}"} for i in range(5)]})
    assert seen and set(seen) == {IMPORT_GC_THRESHOLD}
    assert gc.get_threshold() == (700, 10, 10)

    seen = seen_while_writing(monkeypatch, fail=True)
    with pytest.raises(OSError):
        tio.import_data(other, {"people": [{"title": "Someone"}]})
    assert seen and set(seen) == {IMPORT_GC_THRESHOLD} and gc.get_threshold() == (700, 10, 10)

    gc.set_threshold(50_000, 5, 200)  # never lowered by an import
    monkeypatch.undo()
    seen = seen_while_writing(monkeypatch)
    tio.import_data(other, {"people": [{"title": "Another"}]})
    assert seen and set(seen) == {(50_000, 20, 200)} and gc.get_threshold() == (50_000, 5, 200)


def test_imports_at_once_on_two_threads_put_the_thresholds_back(tmp_path, thresholds):
    from tracker.session import open_session

    arrived, release = threading.Semaphore(0), threading.Event()
    real = Batch.audit_entries
    errors, first = [], threading.local()

    def held(self, *args):  # both imports inside at once
        if not getattr(first, "done", False):
            first.done = True
            arrived.release()
            release.wait(timeout=30)
        return real(self, *args)

    def run(n: int) -> None:
        repo = open_session(tmp_path / f"db{n}.db", seed=False, user="importer")
        try:
            tio.import_data(repo, {"people": [{"title": f"Person {n}"}]})
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            repo.close()

    Batch.audit_entries = held
    try:
        threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
        for t in threads:
            t.start()
        assert arrived.acquire(timeout=30) and arrived.acquire(timeout=30)  # both writing
        assert gc.get_threshold() == IMPORT_GC_THRESHOLD
        release.set()
        for t in threads:
            t.join(timeout=60)
    finally:
        Batch.audit_entries = real
    assert errors == [] and gc.get_threshold() == (700, 10, 10)
