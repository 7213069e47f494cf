"""``value``: one dated value of an indicator's series added, changed or removed from the command
line, with its source and verbatim quote; the computed figures printed; bad input refused in one
line with nothing written."""

from __future__ import annotations

import json

import pytest
from cli_helpers import audit_count, cli, fails, ok

QUOTE = "13 joint assembly plants of Belarusian equipment are now operated"


def series(db) -> list[dict]:
    shown = json.loads(ok(cli(db, "show", "indicators", "1", "--json")).stdout)
    return json.loads(shown["series"]) if isinstance(shown["series"], str) else shown["series"]


def test_a_value_is_added_changed_and_removed_with_the_figures_printed(seeded):
    ok(cli(seeded, "edit", "indicators", "1", "target_value=20"))
    out = ok(cli(seeded, "value", "indicators", "1", "06.2018", "15,5")).stdout.splitlines()
    assert out[1:] == ["Latest value: 15.5 (June 2018)", "Change: +2.5 since 2017 (+19.2%)",
                       "Distance to the target: 4.5 below the target (22.5% of it)"]
    assert [(v["date"], v["value"]) for v in series(seeded)] == [("2017", "13"),
                                                                 ("2018-06", "15.5")]
    assert series(seeded)[0]["quote"] == QUOTE  # the other values kept, quote and all
    ok(cli(seeded, "value", "indicators", "1", "2018-06", "3 000 000 000,25"))
    assert series(seeded)[1]["value"] == "3000000000.25"
    ok(cli(seeded, "value", "indicators", "1", "2018-06", "--remove"))
    assert [v["date"] for v in series(seeded)] == ["2017"]


def test_a_value_with_its_source_and_quote(seeded):
    ok(cli(seeded, "value", "indicators", "1", "2017", "13", "--source", "1", "--quote", QUOTE))
    assert series(seeded) == [{"date": "2017", "value": "13", "source_id": 1, "quote": QUOTE}]


def test_russian_output(seeded):
    ok(cli(seeded, "edit", "indicators", "1", "target_value=20"))
    out = ok(cli(seeded, "value", "indicators", "1", "2019", "19", language="ru")).stdout
    assert "Последнее значение: 19 (2019)" in out
    assert "До целевого значения: на 1 ниже цели (5 % от целевого значения)" in out


@pytest.mark.parametrize(("args", "says", "code"), [
    (["indicators", "1", "2018-13", "5"], "'2018-13': no such month", 1),
    (["indicators", "1", "2018", "1,500"], "'1,500' can be read two ways", 1),
    (["indicators", "1", "2018", "=1+1"], "'=1+1' is not a number", 1),
    (["indicators", "1", "2018", "5", "--source", "1", "--quote", "14 joint assembly plants"],
     "these words are not in the source's text: “14 joint assembly plants”", 1),
    (["indicators", "1", "2018", "5", "--source", "999"], "no source with id 999", 1),
    (["indicators", "1", "2020", "--remove"], "indicators 1 has no value for 2020", 1),
    (["indicators", "99", "2018", "1"], "indicators 99: no such record", 1),
    (["plants", "1", "2018", "5"], "plants records have no series of values", 1),
    (["indicators", "1", "2018"], "give a VALUE, or --remove", 2),
    (["indicators", "1", "2018", "5", "--quote", "13 joint"], "--quote needs --source", 2),
])
def test_bad_input_is_refused_in_one_line_and_nothing_is_written(seeded, args, says, code):
    before = audit_count(seeded)
    message = fails(cli(seeded, "value", *args), code)
    assert says in message
    assert audit_count(seeded) == before and len(series(seeded)) == 1


def test_a_stale_version_is_refused(seeded):
    ok(cli(seeded, "value", "indicators", "1", "2018", "14"))
    message = fails(cli(seeded, "value", "indicators", "1", "2019", "15", "--version", "1"))
    assert "reload" in message or "changed" in message


def test_the_main_help_names_every_kind(tmp_path):
    from tracker.model import KIND_ORDER

    shown = ok(cli(tmp_path / "x.db", "--help")).stdout
    kinds = next(line for line in shown.splitlines() if line.strip().startswith("Kinds:"))
    assert kinds.split(":", 1)[1].strip().rstrip(".").split(", ") == list(KIND_ORDER)
