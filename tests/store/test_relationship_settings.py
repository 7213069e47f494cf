"""The relationship's settings as every writer stores them (the GUI's dialog, the CLI, an
import): known keys only, one line each, bounded; a value already so writes nothing."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.store.errors import ValidationError
from tracker.store.settings import MAX_SETTING_CHARS, checked_settings

BOTH_ENGINES = True


def test_settings_are_one_bounded_line_of_a_known_key_on_both_engines(engine):
    with engine.open(user="alice") as repo:
        entries = repo.history_count("settings")
        change = repo.set_settings({"relationship_title": "  Belarus\t–\nKazakhstan\x07 "})
        assert repo.settings()["relationship_title"] == "Belarus – Kazakhstan"
        assert change.action == "settings" and repo.history_count("settings") == entries + 1
        same = repo.set_settings({"relationship_title": "Belarus – Kazakhstan"})
        assert same.action == "unchanged" and repo.history_count("settings") == entries + 1
        for bad in ({"partner": "Kazakhstan"}, {"home_country": "x" * (MAX_SETTING_CHARS + 1)}):
            with pytest.raises(ValidationError) as caught:
                repo.set_settings({"partner_country": "Uzbekistan", **bad})
            assert next(iter(bad)) in str(caught.value)
            assert repo.settings()["partner_country"] == ""  # nothing half-written
        assert repo.history_count("settings") == entries + 1


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_any_text_is_stored_as_one_line_or_refused_as_too_long(text):
    try:
        stored = checked_settings({"home_country": text})["home_country"]
    except ValidationError as exc:
        assert "too long" in str(exc)
        return
    assert stored == stored.strip() and "\n" not in stored and "\x00" not in stored
    assert len(stored) <= MAX_SETTING_CHARS and all(c.isprintable() for c in stored)
