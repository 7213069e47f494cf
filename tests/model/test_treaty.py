"""Treaty arithmetic: entry into force, expiry, renewal chains and the last day to give notice,
computed (never stored) from what an agreement's text says; and the clear errors an inconsistent
agreement gets, naming its field."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.model import get_kind, validate
from tracker.model.treaty import add_months, add_years, treaty_dates

D = dt.date
AGREEMENTS = get_kind("agreements")
TREATY = AGREEMENTS.treaty


def dates(today: D, **fields):
    return treaty_dates(TREATY, fields, today)


# --- month ends and leap years ----------------------------------------------------------------

@pytest.mark.parametrize(("day", "months", "expected"), [
    (D(2023, 1, 31), 1, D(2023, 2, 28)),  # 31 January + 1 month: the end of February
    (D(2024, 1, 31), 1, D(2024, 2, 29)),  # ... in a leap year
    (D(2024, 3, 31), -1, D(2024, 2, 29)),
    (D(2023, 8, 31), -6, D(2023, 2, 28)),  # six months' notice before 31 August
    (D(2023, 5, 31), 1, D(2023, 6, 30)),
    (D(2023, 12, 15), 1, D(2024, 1, 15)),  # across the year
    (D(2024, 1, 15), -1, D(2023, 12, 15)),
    (D(2023, 3, 1), -1, D(2023, 2, 1)),
    (D(2023, 1, 31), 0, D(2023, 1, 31)),
    (D(2023, 1, 31), 25, D(2025, 2, 28)),
])
def test_months_are_added_with_the_day_clamped_to_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(("day", "years", "expected"), [
    (D(2024, 2, 29), 1, D(2025, 2, 28)),  # 29 February + 1 year
    (D(2024, 2, 29), 4, D(2028, 2, 29)),  # ... + 4 years: a leap day again
    (D(2024, 2, 29), 100, D(2124, 2, 29)),
    (D(2000, 2, 29), 100, D(2100, 2, 28)),  # 2100 is not a leap year
    (D(2023, 2, 28), 1, D(2024, 2, 28)),
])
def test_years_are_added_leap_days_clamped(day, years, expected):
    assert add_years(day, years) == expected


def test_dates_beyond_the_calendar_are_none_not_an_error():
    assert add_years(D(9990, 1, 1), 20) is None
    assert add_months(D(1, 1, 1), -1) is None


@given(st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31)),
       st.integers(min_value=-1200, max_value=1200))
def test_a_month_step_lands_in_the_right_month_never_past_its_end(day, months):
    out = add_months(day, months)
    assert (out.year * 12 + out.month) - (day.year * 12 + day.month) == months
    assert out.day == day.day or out.day < day.day and (out + dt.timedelta(days=1)).day == 1


# --- entry into force ---------------------------------------------------------------------------

def test_entry_into_force_is_the_later_notification():
    d = dates(D(2026, 1, 1), home_notified_on="2021-03-10", partner_notified_on="2021-05-02")
    assert d.entry_into_force == D(2021, 5, 2)
    d = dates(D(2026, 1, 1), home_notified_on="2021-07-01", partner_notified_on="2021-05-02")
    assert d.entry_into_force == D(2021, 7, 1)


def test_a_fixed_date_of_entry_into_force_wins_over_the_notifications():
    d = dates(D(2026, 1, 1), home_notified_on="2021-03-10", partner_notified_on="2021-05-02",
              in_force_on="2021-06-01")
    assert d.entry_into_force == D(2021, 6, 1)


def test_not_in_force_until_both_sides_have_notified():
    d = dates(D(2026, 1, 1), home_notified_on="2021-03-10", term_years=5)
    assert d.entry_into_force is None and d.expiry is None and d.notice_by is None


# --- terms, renewal chains, notice ----------------------------------------------------------------

def test_an_open_ended_agreement_has_no_expiry_and_no_notice_day():
    d = dates(D(2026, 1, 1), in_force_on="2020-01-01", notice_months=6)
    assert d.entry_into_force == D(2020, 1, 1)
    assert (d.first_expiry, d.expiry, d.notice_by, d.renews) == (None, None, None, False)


def test_a_fixed_term_expires_and_needs_no_notice():
    d = dates(D(2026, 1, 1), in_force_on="2020-01-31", term_years=5, notice_months=6)
    assert d.first_expiry == d.expiry == D(2025, 1, 31)  # in the past: it has expired
    assert d.notice_by is None and not d.renews


def test_a_fixed_expiry_date_wins_over_the_term():
    d = dates(D(2026, 1, 1), in_force_on="2020-01-01", term_years=5, expires_on="2027-06-30")
    assert d.expiry == D(2027, 6, 30)


def test_renewal_chain_over_many_periods_counts_from_one_anchor():
    # in force on a leap day, 1-year term renewed yearly: 2028 and 2032 end on the leap day again
    fields = {"in_force_on": "2024-02-29", "term_years": 1, "auto_renewal": "yes",
              "notice_months": 1}
    assert dates(D(2025, 1, 1), **fields).expiry == D(2025, 2, 28)
    assert dates(D(2028, 2, 1), **fields).expiry == D(2028, 2, 29)
    assert dates(D(2031, 3, 1), **fields).expiry == D(2032, 2, 29)
    # 300 renewals on
    far = dates(D(2324, 1, 2), **fields)
    assert far.expiry == D(2324, 2, 29) and far.notice_by == D(2324, 1, 29)


def test_every_day_of_a_long_chain_gets_the_end_of_its_own_period():
    fields = {"in_force_on": "2001-01-31", "term_years": 3, "auto_renewal": "yes",
              "renewal_years": 2, "notice_months": 6}
    ends = [D(2004, 1, 31) if k == 0 else add_years(D(2004, 1, 31), 2 * k) for k in range(30)]
    today = D(2001, 2, 1)
    while today < D(2060, 1, 1):
        d = dates(today, **fields)
        assert d.expiry in ends and d.expiry >= today
        assert ends.index(d.expiry) == 0 or ends[ends.index(d.expiry) - 1] < today
        today += dt.timedelta(days=97)


def test_renewal_period_defaults_to_the_term():
    d = dates(D(2026, 1, 1), in_force_on="2015-05-15", term_years=5, auto_renewal="yes",
              notice_months=6)
    assert d.expiry == D(2030, 5, 15) and d.renews
    assert d.notice_by == D(2029, 11, 15) and d.ends_if_notified == D(2030, 5, 15)
    assert not d.notice_passed


def test_notice_day_already_passed_moves_to_the_next_period():
    fields = {"in_force_on": "2015-05-15", "term_years": 5, "auto_renewal": "yes",
              "notice_months": 6}
    d = dates(D(2030, 1, 10), **fields)  # after 15 November 2029, before 15 May 2030
    assert d.expiry == D(2030, 5, 15)  # it renews then
    assert d.notice_passed
    assert d.notice_by == D(2034, 11, 15) and d.ends_if_notified == D(2035, 5, 15)
    on_the_day = dates(D(2029, 11, 15), **fields)  # the last day itself still counts
    assert not on_the_day.notice_passed and on_the_day.notice_by == D(2029, 11, 15)


def test_notice_from_a_month_end():
    d = dates(D(2026, 1, 1), expires_on="2026-08-31", auto_renewal="yes", renewal_years=1,
              notice_months=6)
    assert d.expiry == D(2026, 8, 31) and d.notice_by == D(2026, 2, 28)


def test_the_expiry_day_itself_is_still_the_running_period():
    d = dates(D(2025, 1, 31), in_force_on="2020-01-31", term_years=5, auto_renewal="yes")
    assert d.expiry == D(2025, 1, 31)
    assert dates(D(2025, 2, 1), in_force_on="2020-01-31", term_years=5,
                 auto_renewal="yes").expiry == D(2030, 1, 31)


def test_the_computed_values_are_iso_text_and_none():
    values = AGREEMENTS.compute({"home_notified_on": "2021-01-01",
                                 "partner_notified_on": "2021-02-01", "term_years": 2,
                                 "auto_renewal": "yes", "notice_months": 3}, D(2026, 1, 1))
    assert values == {"entry_into_force": "2021-02-01", "expiry": "2027-02-01",
                      "notice_by": "2026-11-01"}
    assert AGREEMENTS.compute({}, D(2026, 1, 1)) == {
        "entry_into_force": None, "expiry": None, "notice_by": None}


# --- validation: clear errors naming the field ----------------------------------------------

def problems(**fields):
    record = AGREEMENTS.defaults()
    record.update(title="An agreement", **fields)
    return validate(AGREEMENTS, record)


def test_a_consistent_agreement_has_no_problems():
    assert problems(signed_on="2020-01-01", home_notified_on="2020-03-01",
                    partner_notified_on="2020-04-01", term_years=5, auto_renewal="yes",
                    renewal_years=5, notice_months=6) == {}


def test_notice_longer_than_the_term():
    found = problems(in_force_on="2020-01-01", term_years=1, notice_months=18)
    assert found == {"notice_months": "the notice period (18 months) is longer than the term "
                                      "(1 year)"}


def test_notice_longer_than_the_renewal_period():
    found = problems(in_force_on="2020-01-01", term_years=5, auto_renewal="yes",
                     renewal_years=1, notice_months=13)
    assert "longer than the renewal period (1 year)" in found["notice_months"]


def test_notice_longer_than_a_fixed_first_period():
    found = problems(in_force_on="2020-01-01", expires_on="2020-06-01", notice_months=12)
    assert "longer than the first period (2020-01-01 to 2020-06-01)" in found["notice_months"]


def test_renewal_period_without_automatic_renewal():
    assert "does not renew automatically" in problems(term_years=5, renewal_years=5,
                                                      auto_renewal="no")["renewal_years"]
    assert "renewal_years" in problems(term_years=5, renewal_years=5)


def test_automatic_renewal_needs_a_term_or_an_expiry():
    assert "needs a term or an expiry date" in problems(auto_renewal="yes")["auto_renewal"]


def test_expiry_before_signature_and_before_entry_into_force():
    assert "Expires on is before Signed on" in problems(
        signed_on="2020-01-01", expires_on="2019-01-01")["expires_on"]
    found = problems(home_notified_on="2021-01-01", partner_notified_on="2021-06-01",
                     expires_on="2021-03-01")
    assert found["expires_on"] == ("the agreement would expire on 2021-03-01, before it enters "
                                   "into force (2021-06-01)")


def test_notifications_and_entry_into_force_never_precede_the_signature():
    found = problems(signed_on="2020-05-01", home_notified_on="2020-04-01",
                     partner_notified_on="2020-04-02", in_force_on="2020-01-01",
                     provisional_from="2019-12-31")
    assert set(found) == {"home_notified_on", "partner_notified_on", "in_force_on",
                          "provisional_from"}
    assert found["in_force_on"] == "In force from is before Signed on"


def test_a_term_beyond_the_calendar_is_a_problem_not_a_crash():
    assert "9999" in problems(in_force_on="9990-01-01", term_years=500)["term_years"]


# --- many agreements at once (a list of deadlines) -------------------------------------------

def _walked(record: dict, today: D) -> dict:
    """The expiry and notice day found the slow way: every period's end from the first, one by
    one, from the fields as the module's notes define them (an oracle for the arithmetic)."""
    def day(name):
        value = record.get(name)
        try:
            return D.fromisoformat(value) if isinstance(value, str) and value else None
        except ValueError:
            return None

    def years(name):
        value = record.get(name)
        return value if type(value) is int and value >= 1 else None

    entry = day(TREATY.in_force)
    if entry is None and day(TREATY.home_notified) and day(TREATY.partner_notified):
        entry = max(day(TREATY.home_notified), day(TREATY.partner_notified))
    term, fixed = years(TREATY.term), day(TREATY.expires)
    period = years(TREATY.renewal) or term
    if fixed is not None:
        anchor, offset = fixed, 0
    elif entry is not None and term is not None:
        anchor, offset = entry, term
    else:
        return {"expiry": None, "notice_by": None}
    ends = [add_years(anchor, offset + k * (period or 0)) for k in range(0, 400)]
    if not (record.get(TREATY.auto_renewal) == "yes" and period and ends[0]):
        return {"expiry": ends[0] and ends[0].isoformat(), "notice_by": None}
    k = next(k for k, e in enumerate(ends) if e is None or e >= today)
    if ends[k] is None:
        return {"expiry": None, "notice_by": None}
    months = years(TREATY.notice) or 0
    notice = add_months(ends[k], -months)
    if notice is not None and notice < today:
        notice = add_months(ends[k + 1], -months) if ends[k + 1] is not None else None
    return {"expiry": ends[k].isoformat(), "notice_by": notice and notice.isoformat()}


_DAYS = st.one_of(st.none(), st.just(""), st.just("31.01.2024"), st.just("2023-02-30"),
                  st.dates(min_value=D(1990, 1, 1), max_value=D(2060, 12, 31)).map(D.isoformat),
                  st.sampled_from(["2024-02-29", "2023-01-31", "2023-08-31", "2020-02-29"]))
_WHOLE = st.one_of(st.integers(1, 30), st.sampled_from([None, 0, -3, True, "5"]))


@given(st.fixed_dictionaries({
    TREATY.in_force: _DAYS, TREATY.home_notified: _DAYS, TREATY.partner_notified: _DAYS,
    TREATY.expires: _DAYS, TREATY.term: _WHOLE, TREATY.renewal: _WHOLE,
    TREATY.notice: st.one_of(_WHOLE, st.integers(1, 120)),
    TREATY.auto_renewal: st.sampled_from(["yes", "yes", "yes", None, "", "no"])}),
    st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31)))
@settings(max_examples=300)
def test_a_row_of_treaty_fields_gets_the_dates_each_period_walked_in_turn_gets(record, today):
    """An agreement read as a row of its treaty fields (as the deadlines list reads every one)
    gets the same expiry and notice day as walking its periods one by one, and the same
    values as the record itself."""
    row = tuple(record.get(f) for f in TREATY.fields())
    got = TREATY.row_values(row, today)
    assert got == TREATY.values(record, today)
    assert {k: got[k] for k in ("expiry", "notice_by")} == _walked(record, today)
