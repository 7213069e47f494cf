"""A quote must occur in its source's text, whatever way it arrives: the repository (create,
set_citations), the CLI's --cite and imports all refuse one that does not; the GUI's quote dialog
and source viewer use the same matching (white space, quote marks, dashes and case aside)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from tracker.cli.main import main
from tracker.store.repository import ValidationError


def cli(db, *args):
    return CliRunner().invoke(main, ["--db", str(db), "--language", "en", *args])


def one_line_error(result) -> str:
    assert result.exit_code == 1, (result.stdout, result.stderr, result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


@pytest.fixture
def seeded_db(tmp_path):
    db = tmp_path / "seeded.db"
    assert cli(db, "init").exit_code == 0
    return db


def test_the_repository_refuses_a_quote_that_is_not_in_its_source(repo):
    with pytest.raises(ValidationError) as info:
        repo.create("people", {"title": "X"}, citations=[
            {"source_id": 1, "quote": "Words the article never says"}])
    assert "citations" in info.value.problems and "not in the source" in str(info.value)
    assert repo.list("people", search="X") == []
    person = repo.get("people", 2)
    with pytest.raises(ValidationError):
        repo.set_citations("people", 2, [*person["citations"],
                                         {"source_id": 1, "quote": "No such words"}],
                           expected_version=person["version"])
    assert repo.get("people", 2)["citations"] == person["citations"]
    # white space, quote marks, dashes and case aside, the words are found
    ok = repo.create("people", {"title": "Y"}, citations=[
        {"source_id": 1, "quote": "ALEXANDER   Shumilin,\nchairman"}])
    assert repo.get("people", ok.record_id)["citations"][0]["quote"].startswith("ALEXANDER")
    notes = repo.create("sources", {"title": "Phone call notes"}).record_id  # no text to check
    repo.create("people", {"title": "Z"}, citations=[{"source_id": notes, "quote": "anything"}])


def test_a_citation_recorded_before_the_rule_stays(repo):
    repo.backend.conn.execute("UPDATE citations SET quote = 'not in the text' "
                              "WHERE kind = 'people' AND record_id = 3")
    person = repo.get("people", 3)
    change = repo.set_citations("people", 3, [*person["citations"],
                                              {"source_id": 1, "quote": "Astana airport"}],
                                expected_version=person["version"])
    assert [c["quote"] for c in change.record["citations"]] == ["not in the text",
                                                                "Astana airport"]


def test_the_cli_refuses_a_quote_that_is_not_in_its_source(seeded_db):
    message = one_line_error(cli(seeded_db, "add", "people", "title=X", "--cite",
                                 "1=the envoy said so"))
    assert "citations" in message and "not in the source's text" in message
    assert "the envoy" not in cli(seeded_db, "list", "people").stdout
    message = one_line_error(cli(seeded_db, "edit", "people", "1", "--cite", "1=made up"))
    assert "not in the source's text" in message


def test_the_gui_matches_quotes_with_the_cores_function():
    from tracker.model import text as search
    from ui.widgets import provenance

    assert provenance.find_quote is search.find_quote


@given(text=st.text(alphabet=st.sampled_from("aБ “”«»-–— \u00a0\n\u200bЁё'’x"), max_size=30),
       quote=st.text(alphabet=st.sampled_from("aб \"'-ЕЁx"), max_size=6))
def test_quote_in_and_find_quote_agree(text, quote):
    from tracker.model.text import find_quote, quote_in

    assert quote_in(text, quote) == (find_quote(text, quote) is not None)
