"""Briefing options: what the CLI, the GUI and saved presets share (validation, round trips)."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.briefing import (
    SECTIONS,
    BriefingOptions,
    BriefingOptionsError,
    parse_status_args,
)


def test_options_defaults_and_round_trip():
    o = BriefingOptions()
    assert o.max_classification == "internal"
    assert o.sections == SECTIONS and o.include_sources and o.paper == "a4"
    assert o.include_notes is True and o.purpose == ""
    o2 = BriefingOptions(sections=("roadmap", "summary"), statuses={"roadmap": ["planned"]},
                         date_from="2017-01-01", date_to=dt.date(2017, 12, 31),
                         max_classification="public", paper="letter", title=" Talks  in Astana ",
                         prepared_by="Me", include_sources=False, language="ru",
                         purpose="  Talking points\nfor the  visit ", include_notes=False)
    data = o2.to_dict()
    assert data["sections"] == ["summary", "roadmap"]  # document order
    assert data["date_to"] == "2017-12-31" and data["title"] == "Talks in Astana"
    assert data["purpose"] == "Talking points for the visit"  # one paragraph
    assert data["include_notes"] is False
    assert BriefingOptions.from_dict(data) == o2
    assert BriefingOptions.from_dict(data).to_dict() == data


@pytest.mark.parametrize(("data", "option"), [
    ({"max_classification": "secret"}, "max_classification"),
    ({"paper": "a3"}, "paper"),
    ({"language": "de"}, "language"),
    ({"sections": ["summary", "gossip"]}, "sections"),
    ({"statuses": {"roadmap": ["held"]}}, "statuses"),
    ({"statuses": {"treaties": ["planned"]}}, "statuses"),
    ({"statuses": ["nonsense"]}, "statuses"),
    ({"date_from": "2017-02-30"}, "date_from"),
    ({"date_to": "yesterday"}, "date_to"),
    ({"date_from": "2018-01-01", "date_to": "2017-01-01"}, "date_to"),
    ({"title": "x" * 301}, "title"),
    ({"title": 42}, "title"),
    ({"include_sources": "maybe"}, "include_sources"),
    ({"include_notes": "yes"}, "include_notes"),
    ({"include_notes": None}, "include_notes"),
    ({"purpose": "x" * 2001}, "purpose"),
    ({"purpose": ["a", "b"]}, "purpose"),
    ({"colour": "blue"}, "colour"),
])
def test_bad_options_name_the_option(data, option):
    with pytest.raises(BriefingOptionsError) as info:
        BriefingOptions.from_dict(data)
    assert info.value.option == option
    assert option in str(info.value)
    assert "\n" not in str(info.value)


def test_presets_round_trip(repo):
    o = BriefingOptions(sections=("summary", "roadmap"), statuses={"*": ["planned"]},
                        max_classification="public", title="Weekly", language="en",
                        purpose="Talking points for the Minister's visit to Astana",
                        include_notes=False)
    repo.save_preset("weekly", o.to_dict())
    assert BriefingOptions.from_dict(repo.presets()["weekly"]) == o
    # A preset saved before these options existed still loads: notes on, no purpose.
    old = o.to_dict()
    del old["purpose"], old["include_notes"]
    repo.save_preset("old", old)
    loaded = BriefingOptions.from_dict(repo.presets()["old"])
    assert loaded.include_notes is True and loaded.purpose == ""


def test_purpose_limit_is_about_two_thousand_characters():
    assert len(BriefingOptions(purpose="x" * 2000).purpose) == 2000
    with pytest.raises(BriefingOptionsError, match=r"purpose: too long \(2001 characters; at "
                                                   r"most 2000\)"):
        BriefingOptions(purpose="x" * 2001)
    # Whitespace is folded before counting: a paragraph pasted with line breaks is not refused.
    assert BriefingOptions(purpose=("word \n\n  " * 400)).purpose == " ".join(["word"] * 400)


def test_status_arguments_apply_to_one_kind_or_to_every_kind():
    assert parse_status_args(["planned", "roadmap:done, roadmap:cancelled", " ", "held"]) == {
        "*": ["planned", "held"], "roadmap": ["done", "cancelled"]}
    options = BriefingOptions(statuses=parse_status_args(["planned", "roadmap:done"]))
    assert options.statuses_for("roadmap") == ("done",)
    assert options.statuses_for("meetings") == ("planned",)
    assert options.statuses_for("people") is None  # no such status: every status
