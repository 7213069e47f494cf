"""The seed: only what the article supports, each fact with a verbatim quote, idempotent."""

from __future__ import annotations

from tracker.model import KIND_ORDER
from tracker.seed.article import ARTICLE_TITLE, RECORDS, article_text, seed, squash


def test_seed_counts(repo):
    assert repo.totals() == {"agreements": 4, "plants": 1, "farms": 1, "roadmap": 5,
                             "indicators": 3, "meetings": 4, "people": 3, "sources": 1,
                             "briefs": 0}


def test_required_facts_are_seeded(repo):
    titles = {k: {r["title"] for r in repo.list(k)} for k in KIND_ORDER}
    people = {"Alexander Lukashenko", "Nursultan Nazarbayev", "Alexander Shumilin"}
    assert people == titles["people"]
    assert {"Customs Union", "Single Economic Space"} <= titles["agreements"]
    assert any("annual meetings" in t for t in titles["agreements"])
    assert any("road map" in t for t in titles["agreements"])
    plants = repo.list("plants")
    assert sum(p["count"] for p in plants) == 13
    assert all(p["status"] == "operating" for p in plants)
    farm = repo.list("farms")[0]
    assert farm["status"] == "construction" and farm["region"] is None
    assert "not named" in farm["notes"]
    roadmap = " | ".join(titles["roadmap"])
    for needle in ("exhibition centres", "architectural projects", "ALZhIR", "agro-towns",
                   "45 scientific and technical developments"):
        assert needle in roadmap
    sco = [m for m in repo.list("meetings") if "Shanghai" in m["title"]][0]
    assert sco["start_date"] == "2017-06-09"
    assert "2017" in sco["notes"] and "inferred" in sco["notes"]
    assert repo.list("sources")[0]["title"] == ARTICLE_TITLE
    assert repo.sides() == ("Belarus", "Kazakhstan")


def test_every_seeded_record_quotes_the_article_verbatim(repo):
    article = squash(article_text())
    source = repo.list("sources")[0]
    for kind in KIND_ORDER:
        if kind == "sources":
            continue
        for row in repo.list(kind):
            citations = repo.citations(kind, row["id"])
            assert citations, f"{kind} {row['title']} has no source"
            for c in citations:
                assert c["source_id"] == source["id"]
                assert c["quote"] and squash(c["quote"]) in article, c["quote"]


def test_numbers_in_seed_come_from_the_article():
    """Every number written into a seeded value appears in the article (no invented figures)."""
    import re

    article = article_text()
    # "$3 billion" is the number 3000000000 (an indicator's value is the number, not the words)
    spelled = {str(int(n) * 10**9) for n in re.findall(r"(\d+) billion", article)}
    for key, _kind, values, _quotes, _links in RECORDS:
        for name, value in values.items():
            if name == "notes":
                continue
            for number in re.findall(r"\d+", str(value)):
                assert number in article or number in ("06", "09") or number in spelled, (
                    key, name, value)


def test_links_are_seeded(repo):
    talks = [m for m in repo.list("meetings") if m["title"].startswith("Talks")][0]
    talks = repo.get("meetings", talks["id"])
    people = repo.titles("people", talks["participants"])
    assert set(people.values()) == {"Alexander Lukashenko", "Nursultan Nazarbayev"}
    items = repo.list("roadmap")
    assert all(i["agreement_id"] or i["meeting_id"] for i in items)


def test_seeding_twice_changes_nothing(repo):
    before = repo.totals()
    audit_before = repo.history_count()
    assert seed(repo) == 0
    assert repo.totals() == before
    assert repo.history_count() == audit_before


def test_seed_is_audited(repo):
    total = sum(repo.totals().values())
    creates = [e for e in repo.history(limit=1000) if e["action"] == "create"]
    assert len(creates) == total


def test_empty_database_has_no_records_and_no_sides(empty_repo):
    assert sum(empty_repo.totals().values()) == 0
    assert empty_repo.sides() == ("", "")


def test_the_seed_invents_no_deadlines(repo):
    """Where the article gives no date, there is no deadline: every dated obligation of the
    seeded records (counted from long before the article) is a date the seed quotes, and no
    agreement gains treaty terms, notifications or notice periods the article does not state."""
    import datetime as dt

    from tracker.model import KINDS

    written = {str(v) for _key, _kind, values, _quotes, _links in RECORDS
               for v in values.values()}
    found = repo.deadlines(dt.date(1900, 1, 1))
    assert [(d.date, d.obligation) for d in found] == [("2017-06-09", "meeting")]
    assert all(d.date in written for d in found)
    for kind in KINDS.values():
        if kind.treaty is None:
            continue
        beyond_signature = [f for f in kind.treaty.fields() if f != kind.treaty.signed]
        for row in repo.list(kind.name):
            record = repo.get(kind.name, row["id"])
            assert {f: record[f] for f in beyond_signature if record[f] not in (None, "")} == {}
            assert all(v is None for v in kind.compute(record, dt.date(2026, 1, 1)).values())


def test_indicators_hold_only_the_articles_figures_each_value_with_its_quote(repo):
    """Issue 17: 13 plants, 45 developments, $3 billion; each value quotes the article
    verbatim; the year is inferred from "Expo 2017" and said so; no baseline, target or
    frequency is invented."""
    from tracker.model import get_kind
    from tracker.model.indicators import reading

    kind = get_kind("indicators")
    article = squash(article_text())
    source = repo.list("sources")[0]
    found = {}
    for row in repo.list("indicators"):
        record = repo.get("indicators", row["id"])
        r = reading(record, kind.measure)
        assert r.baseline is None and r.target is None and record["baseline_on"] is None
        assert record["target_on"] is None and record["frequency"] is None
        assert len(r.points) == 1 and r.latest.date == "2017"
        assert r.latest.source_id == source["id"]
        assert squash(r.latest.quote) in article
        assert str(r.latest.value) in squash(r.latest.quote).replace(" billion", "000000000")
        assert "inferred from \u201cExpo 2017\u201d" in record["notes"]
        found[(record["unit"], str(r.latest.value))] = record
    assert set(found) == {("number", "13"), ("number", "45"), ("usd", "3000000000")}
    assert found[("number", "13")]["plant_id"] == repo.list("plants")[0]["id"]
    roadmap = {r["id"]: r["title"] for r in repo.list("roadmap")}
    assert "45 scientific" in roadmap[found[("number", "45")]["roadmap_id"]]
