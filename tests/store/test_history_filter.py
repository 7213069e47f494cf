"""History filtered as a desk officer asks for it: by a record's title (as it is now or was), by
who wrote and by days, on both engines; a list's count and its pages agree while others write."""

from __future__ import annotations

import datetime as _dt

from tracker.store.audit_filter import AuditFilter, local_days

BOTH_ENGINES = True


def _titles(repo, where: AuditFilter) -> list[tuple[str, str]]:
    return [(e["action"], (e["after"] or e["before"] or {}).get("title"))
            for e in repo.history(limit=100, where=where)]


def test_history_by_title_finds_every_entry_of_a_renamed_record_in_any_case(engine):
    with engine.open(user="alice") as repo:
        rid = repo.create("agreements", {"title": "Договор о торговле"}).record_id
        repo.create("agreements", {"title": "Treaty on transit"})
        repo.update("agreements", rid, {"title": "Agreement on trade"}, expected_version=1)
        repo.delete("agreements", rid)
        # the old Russian title, typed in lower case, finds the renamed record's whole history
        where = AuditFilter(title="  договор   О ")
        assert _titles(repo, where) == [("delete", "Agreement on trade"),
                                        ("update", "Agreement on trade"),
                                        ("create", "Договор о торговле")]
        assert repo.history_count(where=where) == 3
        assert _titles(repo, AuditFilter(title="TRANSIT")) == [("create", "Treaty on transit")]
        assert repo.history_count("agreements", where=AuditFilter(title="trade")) == 3
        assert repo.history_count("roadmap", where=AuditFilter(title="trade")) == 0
        # text that is no title finds nothing, however odd
        for odd in ("%", "_", "'; DROP TABLE audit; --", "x\x00y", "x" * 1_000_000):
            assert repo.history_count(where=AuditFilter(title=odd)) == 0
            assert repo.history(where=AuditFilter(title=odd)) == []


def test_history_by_user_and_days(engine):
    with engine.open(user="alice") as repo:
        repo.create("agreements", {"title": "First"})
    with engine.open(user="bob") as repo:
        repo.create("agreements", {"title": "Second"})
        repo.create("agreements", {"title": "Third"})
        assert repo.history_users() == ["alice", "bob"]
        assert [t for _a, t in _titles(repo, AuditFilter(user="bob"))] == ["Third", "Second"]
        assert repo.history_count(where=AuditFilter(user="bob")) == 2
        assert repo.history_count(where=AuditFilter(user="carol")) == 0
        today = _dt.date.today()
        since, until = local_days(today, today)
        assert repo.history_count(where=AuditFilter(since=since, until=until)) == 3
        since, until = local_days(today + _dt.timedelta(days=1), None)
        assert repo.history_count(where=AuditFilter(since=since, until=until)) == 0
        since, until = local_days(None, today - _dt.timedelta(days=1))
        assert repo.history(where=AuditFilter(since=since, until=until)) == []
        assert repo.history_count(where=AuditFilter(user="alice", title="first")) == 1


def test_a_history_list_opened_once_counts_and_pages_what_it_was_opened_on(engine):
    with engine.open(user="alice") as repo:
        for n in range(5):
            repo.create("agreements", {"title": f"Agreement {n}"})
        upto = repo.last_history_id()
        where = AuditFilter(upto=upto)
        first_page = repo.history(limit=3, where=where)
        with engine.open(user="bob") as other:  # another desk writes while the list is open
            other.create("agreements", {"title": "Late"})
        rest = repo.history(limit=3, offset=3, where=where)
        listed = [e["id"] for e in first_page + rest]
        assert len(listed) == len(set(listed)) == repo.history_count(where=where) == 5
        assert repo.history_count() == 6



def test_each_entry_keeps_its_records_titles_folded_for_the_filter(engine):
    """The title filter reads the folded titles each entry keeps (``title_fold``), not its JSON:
    the title after, and before when a rename changed it; none for an entry of no record."""
    with engine.open(user="alice") as repo:
        rid = repo.create("agreements", {"title": "Договор  о ТОРГОВЛЕ"}).record_id
        repo.update("agreements", rid, {"title": "Agreement on trade"}, expected_version=1)
        repo.update("agreements", rid, {"reference": "R-1"}, expected_version=2)
        repo.delete("agreements", rid)
        repo.set_settings({"home_country": "Belarus"})
    kept = [r[0] for r in engine.sql("SELECT title_fold FROM audit ORDER BY id")]
    assert kept[-5:] == ["договор о торговле", "agreement on trade\nдоговор о торговле",
                         "agreement on trade", "agreement on trade", ""]
