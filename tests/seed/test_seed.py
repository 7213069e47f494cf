"""The seed: only what the article supports, each fact with a verbatim quote, idempotent."""

from __future__ import annotations

from tracker.model import KIND_ORDER
from tracker.seed.article import ARTICLE_TITLE, RECORDS, article_text, seed, squash


def test_seed_counts(repo):
    assert repo.totals() == {"agreements": 4, "plants": 1, "farms": 1, "roadmap": 5,
                             "meetings": 4, "people": 3, "sources": 1, "briefs": 0}


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
    for key, _kind, values, _quotes, _links in RECORDS:
        for name, value in values.items():
            if name == "notes":
                continue
            for number in re.findall(r"\d+", str(value)):
                assert number in article or number in ("06", "09"), (key, name, value)


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
