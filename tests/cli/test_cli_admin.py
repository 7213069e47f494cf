"""init and settings."""

from __future__ import annotations

import json

from cli_helpers import audit_count, cli, fails, ok

from tracker.store.repository import Repository


def test_init_creates_and_seeds_then_changes_nothing(db_path):
    first = ok(cli(db_path, "init"))
    assert first.stdout.strip() == str(db_path)
    with Repository(db_path) as repo:
        counts = repo.totals()
    assert counts["roadmap"] == 5 and counts["people"] == 3 and counts["sources"] == 1
    entries = audit_count(db_path)
    second = ok(cli(db_path, "init"))
    assert second.stdout.strip() == str(db_path)
    with Repository(db_path) as repo:
        assert repo.totals() == counts
    assert audit_count(db_path) == entries


def test_init_empty_creates_no_records(db_path):
    ok(cli(db_path, "init", "--empty"))
    with Repository(db_path) as repo:
        assert sum(repo.totals().values()) == 0


def test_settings_show_and_set(seeded):
    shown = ok(cli(seeded, "settings", "--json"))
    assert json.loads(shown.stdout)["partner_country"] == "Kazakhstan"
    ok(cli(seeded, "settings", "partner_country=Uzbekistan", "relationship_title=BY – UZ"))
    values = json.loads(ok(cli(seeded, "settings", "--json")).stdout)
    assert values["partner_country"] == "Uzbekistan"
    assert values["relationship_title"] == "BY – UZ"
    assert values["home_country"] == "Belarus"
    text = ok(cli(seeded, "settings")).stdout
    assert "partner_country: Uzbekistan" in text


def test_settings_refuses_unknown_keys(seeded):
    fails(cli(seeded, "settings", "capital=Minsk"), code=2)
    assert json.loads(ok(cli(seeded, "settings", "--json")).stdout).get("capital") is None


def test_settings_values_are_bounded(seeded):
    message = fails(cli(seeded, "settings", "relationship_title=" + "x" * 301))
    assert "relationship_title" in message and "300" in message
    assert json.loads(ok(cli(seeded, "settings", "--json")).stdout)["relationship_title"] == (
        "Belarus – Kazakhstan")
