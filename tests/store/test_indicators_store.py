"""Indicators in the store, on both engines: decimals kept exactly, the series audited, undone,
trashed with its indicator, its quotes checked against their sources; searched by name and
notes; the dashboard's choice read through the engine."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from tracker.model import get_kind
from tracker.model.indicators import reading
from tracker.model.values import series_items
from tracker.store.repository import TrackerError, ValidationError

BOTH_ENGINES = True

EXACT = ["999999999999999.999999", "0.1", "-0.000001", "3000000000", "123456789012345"]


def make(repo, **values):
    base = {"title": "Mutual trade turnover", "unit": "usd"}
    base.update(values)
    return repo.create("indicators", base).record_id


def test_decimals_are_stored_and_read_back_exactly(empty_repo, engine):
    series = [{"date": str(2010 + i), "value": v} for i, v in enumerate(EXACT)]
    rid = make(empty_repo, baseline_value=EXACT[0], target_value="1 000 000 000 000,5",
               series=series)
    rec = empty_repo.get("indicators", rid)
    assert rec["baseline_value"] == EXACT[0] and rec["target_value"] == "1000000000000.5"
    assert [i["value"] for i in series_items(rec["series"])] == EXACT
    # stored as text by the engine itself: no REAL / double precision on the way
    stored = engine.sql("SELECT baseline_value, target_value, series FROM indicators "
                        "WHERE id = ?", (rid,))
    assert stored[0][0] == EXACT[0] and stored[0][1] == "1000000000000.5"
    assert [i["value"] for i in json.loads(stored[0][2])] == EXACT
    r = reading(rec, get_kind("indicators").measure)
    assert r.change == Decimal("123456789012345") - Decimal("3000000000")


def test_the_series_is_audited_undone_and_redone(empty_repo):
    rid = make(empty_repo, series=[{"date": "2016", "value": "40"}])
    rec = empty_repo.get("indicators", rid)
    empty_repo.update("indicators", rid, {"series": [{"date": "2016", "value": "40"},
                                                     {"date": "2017", "value": "45.5"}]},
                      expected_version=rec["version"])
    entry = empty_repo.history("indicators", rid, limit=1)[0]
    changed = {name: (before, after) for name, before, after in entry["changes"]}
    assert "series" in changed
    assert [i["value"] for i in series_items(changed["series"][1])] == ["40", "45.5"]
    empty_repo.undo()
    assert [i["value"] for i in series_items(empty_repo.get("indicators", rid)["series"])] == \
        ["40"]
    empty_repo.redo()
    assert [i["value"] for i in series_items(empty_repo.get("indicators", rid)["series"])] == \
        ["40", "45.5"]
    assert empty_repo.history("indicators", rid, limit=1)[0]["action"] == "redo"


def test_the_series_goes_to_the_trash_with_its_indicator_and_comes_back(empty_repo):
    rid = make(empty_repo, series=[{"date": "2017", "value": "13"}], on_dashboard="yes")
    assert [k for k, _r in empty_repo.shown_indicators()] == ["indicators"]
    empty_repo.delete("indicators", rid)
    assert empty_repo.list("indicators") == [] and empty_repo.shown_indicators() == []
    trashed = empty_repo.list("indicators", trash=True, columns=["series"])
    assert series_items(trashed[0]["series"])[0]["value"] == "13"
    empty_repo.restore("indicators", rid)
    assert series_items(empty_repo.get("indicators", rid)["series"])[0]["value"] == "13"
    assert len(empty_repo.shown_indicators()) == 1


def test_a_values_quote_must_occur_in_its_source(repo):
    source = repo.list("sources")[0]["id"]
    quote = "13 joint assembly plants of Belarusian equipment are now operated"
    with pytest.raises(ValidationError, match="value of 2018: source .*not in the source"):
        make(repo, series=[{"date": "2018", "value": "14", "source_id": source,
                            "quote": "14 joint assembly plants"}])
    with pytest.raises(ValidationError, match="no source with id 999"):
        make(repo, series=[{"date": "2018", "value": "14", "source_id": 999, "quote": quote}])
    before = repo.count("indicators")
    rid = make(repo, series=[{"date": "2017", "value": "13", "source_id": source,
                              "quote": quote.upper()}])  # case, spacing, quote marks aside
    assert repo.count("indicators") == before + 1
    assert series_items(repo.get("indicators", rid)["series"])[0]["source_id"] == source


def test_bad_values_are_refused_naming_record_and_field_and_nothing_is_written(empty_repo):
    for values, field in (({"baseline_value": "a lot"}, "baseline_value"),
                          ({"target_on": "next year"}, "target_on"),
                          ({"series": [{"date": "2017", "value": "1,500"}]}, "series"),
                          ({"unit": "barrels"}, "unit"),
                          ({"agreement_id": 12345}, "agreement_id")):
        with pytest.raises(ValidationError) as info:
            make(empty_repo, title="<b>Bad</b>", **values)
        message = str(info.value)
        assert "indicators '<b>Bad</b>'" in message and field in message
        assert "\n" not in message and "Traceback" not in message
    assert empty_repo.count("indicators") == 0 and empty_repo.history_count("indicators") == 0


def test_hostile_text_in_every_new_field_round_trips(repo):
    source = repo.list("sources")[0]["id"]
    nasty = "<img src=x onerror=alert(1)> =1+1 ; DROP TABLE indicators; -- «ёлки» \u202e"
    rid = make(repo, title=nasty, notes=nasty + "\nline two",
               series=[{"date": "2017", "value": "13", "source_id": source,
                        "quote": "13 joint assembly plants"}])
    rec = repo.get("indicators", rid)
    assert rec["title"] == nasty.strip() and rec["notes"] == nasty + "\nline two"
    assert repo.count("indicators") == 4  # the table is still there
    assert [h.record_id for h in repo.search("ёлки", kinds=["indicators"])] == [rid]


def test_indicators_are_found_by_name_and_notes_not_by_their_figures(empty_repo):
    rid = make(empty_repo, title="Tractor deliveries", notes="Counted by the embassy",
               series=[{"date": "2017", "value": "777"}], target_value="888")
    assert [h.record_id for h in empty_repo.search("tractor")] == [rid]
    assert [h.record_id for h in empty_repo.search("embassy")] == [rid]
    assert empty_repo.search("777") == [] and empty_repo.search("888") == []


def test_lists_sort_by_periods_but_not_by_decimals_or_the_series(empty_repo):
    for title, target_on in (("A", "2030"), ("B", "2025-06"), ("C", None)):
        make(empty_repo, title=title, target_on=target_on)
    assert [r["title"] for r in empty_repo.list("indicators", sort="target_on")] == \
        ["B", "A", "C"]
    for field in ("series", "target_value"):
        with pytest.raises(TrackerError, match="cannot sort"):
            empty_repo.list("indicators", sort=field)


def test_only_indicators_chosen_for_the_dashboard_are_shown_by_title(empty_repo):
    make(empty_repo, title="Zeta", on_dashboard="yes")
    make(empty_repo, title="Alpha", on_dashboard="yes", series=[{"date": "2017", "value": 1}])
    make(empty_repo, title="Hidden")
    shown = empty_repo.shown_indicators()
    assert [row["title"] for _k, row in shown] == ["Alpha", "Zeta"]
    assert set(shown[0][1]) >= {"id", "series", "unit", "target_value", "baseline_value"}
    assert len(empty_repo.shown_indicators(limit=1)) == 1
