"""Hostile input, property-based: whatever reaches the validators, the writes, the search or an
import, the only error is a ValidationError (or ImportProblem/FileProblem for imports) whose
message names the kind, the record and the field -- never a traceback -- and a refused write
leaves nothing behind. Strings include quotes, markup, formulas, 1 MB of text, Cyrillic, emoji,
NUL and control characters and lone surrogates; numbers include huge ints, NaN and infinity."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tracker.model import KIND_ORDER, KINDS, LINK, LINKS
from tracker.store.repository import ValidationError

NASTY = [
    "", " ", "'", '"', "''; DROP TABLE roadmap; --", '"x', "x AND", "NEAR(a b)", "title:x",
    "OPS-306", "*", "-", "<b>bold</b>", "<script>alert(1)</script>", "<para>", "a < b & c > d",
    "AT&T", "&amp;", "=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1)", "\tTab", "\rCR",
    "Ёлка ёжик", "Минск — Астана", "Қазақстан", "Беларусь", "😀🇧🇾👩‍👩‍👧", "\u202eevil",
    "a\x00b", "\x00", "\x01\x02\x1b[31m\x7f", "line\nbreak\r\nmore", "\ud800", "a\udfffb",
    "\ud83d", "\udc00\ud800", "x" * 1_000_000, "я" * 301, "2025-02-30", "0000-00-00",
    "9" * 40, "1e400", "NaN", "inf", "-0", " 42 ", "١٢", "²",
]

texts = st.one_of(st.sampled_from(NASTY), st.text(max_size=60),
                  st.text(st.characters(codec=None, categories=["Cs", "Cc", "Zs", "So"]),
                          max_size=20))
numbers = st.one_of(
    st.integers(), st.integers(min_value=2**62, max_value=2**70),
    st.integers(min_value=-(2**70), max_value=-(2**62)),
    st.sampled_from([2**63, -(2**63) - 1, 10**30, -(10**30), 2**63 - 1]),
    st.floats(allow_nan=True, allow_infinity=True), st.just(math.nan))
values = st.one_of(texts, numbers, st.none(), st.booleans(),
                   st.lists(st.one_of(numbers, texts), max_size=4),
                   st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
                   st.binary(max_size=10), st.tuples(st.integers()))


def field_names(kind_name: str) -> list[str]:
    return list(KINDS[kind_name].field_names)


@st.composite
def record_input(draw):
    kind = draw(st.sampled_from(KIND_ORDER))
    names = field_names(kind)
    keys = draw(st.lists(st.one_of(st.sampled_from(names), st.sampled_from(names),
                                   st.sampled_from(["bogus", "id", "version", "\ud800", ""])),
                         max_size=6, unique=True))
    data = {k: draw(values) for k in keys}
    if draw(st.booleans()):
        data.setdefault("title", draw(texts))
    return kind, data


BOTH_ENGINES = True  # the module's database is an SQLite file, then a server's


@pytest.fixture(scope="module")
def hengine(engine_name, tmp_path_factory, request):
    from engine_kit import make_engine

    engine = make_engine(engine_name, tmp_path_factory.mktemp("hostile"), request)
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def hrepo(hengine):
    repo = hengine.open(seed=True, user="tester")
    yield repo
    repo.close()


def state(engine) -> tuple:
    """What is stored, read around the repository: per kind (rows, highest version, latest
    change), audit entries, search entries."""
    counts = tuple(tuple(engine.sql(f'SELECT count(*), max(version), max(updated_at) FROM "{k}"')
                         [0]) for k in KIND_ORDER)
    audit = engine.sql("SELECT count(*) FROM audit")[0][0]
    search = engine.sql("SELECT count(*) FROM search")[0][0]
    return counts, audit, search


def printable(text: str) -> str:
    return text.encode("utf-8", "replace").decode("utf-8")


def assert_names_kind_record_field(exc: ValidationError, kind: str) -> None:
    message = str(exc)
    assert exc.kind == kind and message.startswith(kind + " ")
    assert exc.record and printable(str(exc.record)) in message
    assert exc.problems
    for name, problem in exc.problems.items():
        assert f"{printable(name)}: " in message and problem
    message.encode("utf-8")  # printable: no lone surrogate in the message


def assert_storable(record: dict) -> None:
    for value in record.values():
        if isinstance(value, str):
            value.encode("utf-8")  # raises on a lone surrogate
            assert "\x00" not in value


SETTINGS = settings(max_examples=120, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(record_input())
def test_check_never_raises_and_writes_nothing(hrepo, hengine, case):
    kind, data = case
    before = state(hengine)
    record, problems = hrepo.check(kind, data)
    assert isinstance(problems, dict)
    assert all(isinstance(m, str) and m for m in problems.values())
    assert state(hengine) == before


@SETTINGS
@given(record_input())
def test_create_either_saves_a_clean_record_or_refuses_it_whole(hrepo, hengine, case):
    kind, data = case
    before = state(hengine)
    try:
        change = hrepo.create(kind, data)
    except ValidationError as exc:
        assert_names_kind_record_field(exc, kind)
        assert state(hengine) == before  # nothing partly written
        return
    saved = hrepo.get(kind, change.record_id)
    assert_storable(saved)
    for f in KINDS[kind].fields:
        if f.type == LINK and saved[f.name] is not None:
            assert -(2**63) <= saved[f.name] < 2**63
        if f.type not in (LINK, LINKS) and f.limit() and isinstance(saved[f.name], str):
            assert len(saved[f.name]) <= f.limit()
    assert hrepo.search(saved["title"][:30]) is not None


@SETTINGS
@given(record_input(), st.data())
def test_update_either_saves_or_changes_nothing(hrepo, hengine, case, data):
    kind, values = case
    ids = hrepo.ids(kind)
    # a kind the seed leaves empty (briefs) is asked only for ids it does not have
    present = [st.sampled_from(ids)] * 2 if ids else []
    record_id = data.draw(st.one_of(*present, st.sampled_from([10**30, -1, 0])))
    before = state(hengine)
    if record_id not in ids:
        from tracker.store.repository import NotFound

        with pytest.raises(NotFound):
            hrepo.update(kind, record_id, values, expected_version=None)
        assert state(hengine) == before
        return
    current = hrepo.get(kind, record_id)
    try:
        change = hrepo.update(kind, record_id, values, expected_version=current["version"])
    except ValidationError as exc:
        assert_names_kind_record_field(exc, kind)
        assert str(record_id) in exc.record.split()[0]
        assert state(hengine) == before
        assert hrepo.get(kind, record_id) == current
        return
    assert_storable(change.record)
    if change.action == "unchanged":  # the values are those it has: nothing written at all
        assert state(hengine) == before
        assert hrepo.get(kind, record_id) == current == change.record
        return
    assert change.record["version"] == current["version"] + 1


@SETTINGS
@given(texts, st.sampled_from(KIND_ORDER))
def test_search_takes_any_text(hrepo, hengine, text, kind):
    hits = hrepo.search(text)
    assert isinstance(hits, list)
    rows = hrepo.list(kind, search=text, limit=5)
    assert isinstance(rows, list)
    assert hrepo.count(kind, search=text) >= len(rows)


def test_the_nasty_strings_themselves_round_trip_where_they_fit(hrepo):
    """Text that fits is stored as typed (controls and NUL removed, lone surrogates shown as
    U+FFFD) and found again by search."""
    for text in ["Минск — Астана", "Ёлка ёжик", "AT&T <b>", "=cmd|' /C calc'!A0", "😀 emoji"]:
        rid = hrepo.create("roadmap", {"title": text}).record_id
        assert hrepo.get("roadmap", rid)["title"] == text
        assert rid in [h.record_id for h in hrepo.search(text) if h.kind == "roadmap"]
    rid = hrepo.create("roadmap", {"title": "a\ud800b\x00c"}).record_id
    assert hrepo.get("roadmap", rid)["title"] == "a\ufffdbc"
    big = hrepo.create("sources", {"title": "Huge", "text": "Слово " * 170_000}).record_id
    assert len(hrepo.get("sources", big)["text"]) > 1_000_000


# --- imports --------------------------------------------------------------------------------------

from tracker import exchange as io  # noqa: E402


@SETTINGS
@given(st.lists(record_input(), min_size=1, max_size=4))
def test_import_either_applies_all_or_nothing(hrepo, hengine, cases):
    data: dict = {}
    for kind, values in cases:
        data.setdefault(kind, []).append(values)
    before = state(hengine)
    try:
        io.import_data(hrepo, data)
    except (io.ImportProblem, io.FileProblem) as exc:
        message = str(exc)
        assert any(kind in message for kind in data)
        assert state(hengine) == before
        return
    assert state(hengine) != before or all(not v for v in data.values())


@SETTINGS
@given(st.one_of(values, st.dictionaries(st.sampled_from([*KIND_ORDER, "x", "_f"]), values,
                                        max_size=3)))
def test_import_of_any_shape_is_refused_cleanly(hrepo, hengine, data):
    before = state(hengine)
    try:
        io.import_data(hrepo, data)
    except (io.ImportProblem, io.FileProblem) as exc:
        assert str(exc)
        assert state(hengine) == before


# --- implementation reports: a list of objects in one field ---------------------------------------

from tracker.model.reports import MAX_REPORTS, REPORT_FIELD_NAMES  # noqa: E402

one_report = st.dictionaries(
    st.one_of(st.sampled_from(REPORT_FIELD_NAMES), st.sampled_from(REPORT_FIELD_NAMES),
              st.sampled_from(["bogus", "", "\ud800", "source_uid"])),
    st.one_of(values, st.sampled_from(["2025-01-01", "31.12.2025", "home", "partner"]),
              st.integers(min_value=-5, max_value=105)), max_size=6)
near_valid = st.fixed_dictionaries(  # a date and a text: hostile text that is otherwise valid
    {"reported_on": st.sampled_from(["2025-01-01", "2024-02-29", "31.12.2025"]), "done": texts},
    optional={"progress": st.one_of(st.integers(min_value=0, max_value=100), numbers),
              "side": st.sampled_from(["home", "partner", None, "<b>"]), "quote": texts})
reports_values = st.one_of(st.lists(near_valid, max_size=3), st.lists(st.one_of(
    near_valid, one_report, values), max_size=4), values)


@SETTINGS
@given(reports_values, st.sampled_from([k for k in KIND_ORDER if KINDS[k].reports]))
def test_hostile_reports_are_saved_clean_or_refused_whole(hrepo, hengine, reports, kind):
    """Whatever arrives as a record's reports: stored clean (dates ISO, progress 0-100, text
    storable, within the limits) or refused naming the kind, the record and the field, with the
    record, its reports and the audit untouched."""
    rid = hrepo.ids(kind)[0]
    current = hrepo.get(kind, rid)
    before = state(hengine)
    try:
        change = hrepo.update(kind, rid, {"reports": reports},
                              expected_version=current["version"])
    except ValidationError as exc:
        assert_names_kind_record_field(exc, kind)
        assert state(hengine) == before
        assert hrepo.get(kind, rid) == current
        event("refused")
        return
    event("saved")
    saved = hrepo.get(kind, rid)["reports"]
    assert change.record["reports"] == saved and len(saved) <= MAX_REPORTS
    if isinstance(reports, list):
        assert len(saved) == len(reports)  # every report kept, none dropped quietly
    elif reports in (None, ""):
        assert saved == []
    for report in saved:
        assert_storable(report)
        assert len(report["reported_on"]) == 10 and report["done"].strip()
        assert report["progress"] is None or 0 <= report["progress"] <= 100
    hrepo.update(kind, rid, {"reports": current["reports"]},  # the next example starts alike
                 expected_version=change.record["version"])
