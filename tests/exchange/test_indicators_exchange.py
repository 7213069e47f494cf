"""Indicators in exports and imports (JSON, and CSV in a zip): the series with exact decimals and
each value's source by uid, so the file imports into a database whose ids differ; a value's
quote checked against the source's text (the file's when it brings the source); a bad series
refuses the whole file, naming the record, the field and the value."""

from __future__ import annotations

import json
import zipfile

import pytest
from exchange_helpers import state

from tracker.exchange.errors import ImportProblem
from tracker.exchange.exporter import export_data, write_csv, write_json
from tracker.exchange.importer import import_data, import_file
from tracker.model.values import series_items

NASTY = "=HYPERLINK(\"http://x\");=1+1 <b>«ёлки»</b>"


@pytest.fixture
def filled(repo):
    """The seeded database plus a source and an indicator quoting it, with awkward values."""
    sid = repo.create("sources", {"title": "Statistics " + NASTY,
                                  "text": "Trade reached 1 234,5 million in 2019. " + NASTY}
                      ).record_id
    rid = repo.create("indicators", {
        "title": "Trade " + NASTY, "unit": "usd", "baseline_value": "-0.000001",
        "baseline_on": "2015-03", "target_value": "999999999999999.999999",
        "target_on": "2030", "notes": NASTY, "on_dashboard": "yes",
        "series": [{"date": "2019", "value": "1234.5", "source_id": sid,
                    "quote": "reached 1 234,5 million"},
                   {"date": "2018-06-30", "value": "-7", "source_id": sid, "quote": NASTY},
                   {"date": "2017", "value": "0.1"}]}).record_id
    return repo, sid, rid


def _series_of(repo, title_start: str) -> list[dict]:
    for row in repo.list("indicators", columns=["title", "series"]):
        if row["title"].startswith(title_start):
            return series_items(row["series"])
    raise AssertionError(title_start)


@pytest.mark.parametrize("suffix", [".json", ".zip"])
def test_indicators_round_trip_exactly_through_a_file(filled, other, tmp_path, suffix):
    repo, _sid, rid = filled
    other.create("sources", {"title": "Another desk's source"})  # the ids will differ
    path = tmp_path / f"export{suffix}"
    (write_json if suffix == ".json" else write_csv)(path, export_data(repo))
    import_file(other, path)
    mine = repo.get("indicators", rid)
    theirs = other.get_by_uid("indicators", mine["uid"])
    for name in ("title", "unit", "baseline_value", "baseline_on", "target_value", "target_on",
                 "notes", "on_dashboard"):
        assert theirs[name] == mine[name], name
    source_there = [s for s in other.list("sources") if s["title"].startswith("Statistics")]
    assert len(source_there) == 1 and source_there[0]["id"] != filled[1]
    got = series_items(theirs["series"])
    assert [(i["date"], i["value"], i["quote"]) for i in got] == [
        (i["date"], i["value"], i["quote"]) for i in series_items(mine["series"])]
    assert {i["source_id"] for i in got} == {source_there[0]["id"], None}
    # the same file again changes nothing
    again = import_file(other, path)
    assert again.total == 0 and again.unchanged["indicators"] == 4


def test_a_series_names_its_sources_by_uid_and_title_in_the_export(filled):
    repo, sid, rid = filled
    exported = [r for r in export_data(repo)["indicators"] if r["uid"] ==
                repo.get("indicators", rid)["uid"]][0]
    source = repo.get("sources", sid)
    assert exported["series"][0] == {"date": "2017", "value": "0.1"}
    assert exported["series"][2]["source_uid"] == source["uid"]
    assert exported["series"][2]["source"] == source["title"]
    assert "source_id" not in exported["series"][2]


def test_csv_keeps_formulas_in_quotes_and_negative_values_inert(filled, tmp_path):
    repo, _sid, _rid = filled
    path = tmp_path / "x.zip"
    write_csv(path, export_data(repo))
    with zipfile.ZipFile(path) as zf:
        text = zf.read("indicators.csv").decode("utf-8-sig")
    assert "'-0.000001" in text  # a spreadsheet would run -0.000001... as a formula
    assert ";'=1+1" in text  # the part after ; as well (Russian Excel splits there)


def test_a_value_quote_not_in_its_source_refuses_the_file(filled, other, tmp_path):
    repo, _sid, rid = filled
    data = export_data(repo)
    uid = repo.get("indicators", rid)["uid"]
    for record in data["indicators"]:
        if record["uid"] == uid:
            record["series"][2]["quote"] = "reached 9 999 million"
    before = state(other)
    with pytest.raises(ImportProblem) as info:
        import_data(other, data)
    message = str(info.value)
    assert "indicators" in message and "series" in message and "value 3" in message
    assert "not in the source's text" in message
    assert state(other) == before


def test_a_source_named_by_title_or_by_id_is_found(repo):
    sid = repo.list("sources")[0]["id"]
    quote = "13 joint assembly plants"
    data = {"indicators": [
        {"title": "By title", "series": [{"date": "2017", "value": "13", "quote": quote,
                                          "source": repo.list("sources")[0]["title"]}]},
        {"title": "By id", "series": json.dumps([{"date": "2017", "value": "13",
                                                  "source_id": sid, "quote": quote}])}]}
    import_data(repo, data)
    assert _series_of(repo, "By title")[0]["source_id"] == sid
    assert _series_of(repo, "By id")[0]["source_id"] == sid


@pytest.mark.parametrize(("series", "says"), [
    ("[{not json", "expected a list of dated values"),
    ([{"date": "2017", "value": "1,500"}], "can be read two ways"),
    ([{"date": "2017", "value": "1"}, {"date": "2017", "value": "2"}], "two values for 2017"),
    ([{"date": "2017", "value": "1", "quote": "alone"}], "a quote needs its source"),
    ([{"date": "2017", "value": "1", "source_uid": "no-such", "quote": "x"}],
     "no sources with uid no-such"),
    ([{"date": "2017", "value": "1", "source_uid": "x", "quote": 5}], "the quote must be text"),
])
def test_a_bad_series_refuses_the_file_naming_record_and_field(other, series, says):
    before = state(other)
    with pytest.raises(ImportProblem) as info:
        import_data(other, {"indicators": [{"title": "Turnover <script>", "series": series}]})
    message = str(info.value)
    assert "Turnover <script>" in message and "series" in message and says in message
    assert state(other) == before
