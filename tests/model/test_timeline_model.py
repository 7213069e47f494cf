"""The timeline's arithmetic (tracker.model.timeline), without Qt: dates to positions, month
ends and leap years, items without dates, the today line, groups, overdue from the kind's
declaration, and the axis' marks in both languages."""

from __future__ import annotations

import dataclasses
import datetime as _dt

import pytest

from tracker.i18n import language
from tracker.model import get_kind
from tracker.model import timeline as tl

KIND = tl.TIMELINE_KIND
D = _dt.date


def n(text: str) -> int:
    return D.fromisoformat(text).toordinal()


def row(rid, title="Item", start=None, due=None, status="planned", progress=0, **more):
    return {"id": rid, "title": title, "status": status, "planned_start": start,
            "due_date": due, "progress": progress, **more}


def test_the_road_map_declares_its_timeline():
    span = KIND.timeline
    assert (span.start, span.end, span.progress) == ("planned_start", "due_date", "progress")
    assert [g.name for g in span.groups] == ["area", "agreement"]
    # every declared field exists on the kind (a typo here would break the page and briefing)
    for name in (span.start, span.end, span.progress, *(g.field for g in span.groups)):
        assert KIND.has_field(name)
    assert tl.columns(KIND) == ["id", "title", "status", "planned_start", "due_date",
                                "progress", "area", "agreement_id"]


def test_a_bar_covers_its_first_day_to_the_end_of_its_due_day():
    today = D(2026, 3, 1)
    [item] = tl.items(KIND, [row(1, start="2026-01-01", due="2026-01-31")], today)
    axis = tl.Axis(n("2026-01-01"), n("2026-03-01"))
    assert item.shape == tl.BAR
    assert axis.x(item.first, 2.0) == 0.0
    # due on 31 January: the bar ends exactly where February begins
    assert item.stop == n("2026-02-01")
    assert axis.x(item.stop, 2.0) == 31 * 2.0
    assert axis.fraction(item.stop) == pytest.approx(31 / 59)


@pytest.mark.parametrize(("year", "february"), [(2024, 29), (2025, 28), (2000, 29), (1900, 28)])
def test_month_ends_and_leap_years(year, february):
    start = D(year, 2, 1).toordinal()
    assert tl.next_month(start) - start == february
    assert tl.next_month(n(f"{year}-02-{february:02d}")) == D(year, 3, 1).toordinal()
    assert tl.month_start(n(f"{year}-02-{february:02d}")) == start
    # a bar from 28 February to 1 March spans the leap day in a leap year only
    [item] = tl.items(KIND, [row(1, start=f"{year}-02-28", due=f"{year}-03-01")], D(year, 1, 1))
    assert item.stop - item.start == (3 if february == 29 else 2)


def test_the_axis_holds_whole_months_around_every_item_and_today():
    today = D(2026, 12, 6)
    found = tl.items(KIND, [row(1, start="2025-05-17", due="2026-02-10"),
                            row(2, due="2027-08-31"), row(3)], today)
    axis = tl.axis_for(found, today)
    assert (axis.first, axis.stop) == (n("2025-05-01"), n("2027-09-01"))
    # with nothing dated, the month of today
    assert tl.axis_for([], today) == tl.Axis(n("2026-12-01"), n("2027-01-01"))
    # a bound (a briefing's) keeps one far-off date from squeezing the others
    far = tl.items(KIND, [row(1, start="2026-01-01", due="2099-01-01")], today)
    bounded = tl.axis_for(far, today, within=tl.years_around(today, 5, 10))
    assert bounded.stop == n("2037-01-01")


def test_the_ends_of_the_calendar_never_overflow():
    today = D(2026, 1, 1)
    found = tl.items(KIND, [row(1, start="0001-01-01", due="9999-12-31")], today)
    axis = tl.axis_for(found, today)
    assert (axis.first, axis.stop) == (D.min.toordinal(), tl.END_DAY)
    marks = tl.ticks(axis, 0.001, label_room=30)
    assert marks.upper and marks.upper[-1].at < tl.END_DAY
    # a step of years whose labels fit (centuries here), not ten thousand labels
    gaps = {b.at - a.at for a, b in zip(marks.upper, marks.upper[1:])}
    assert min(gaps) * 0.001 >= 30 and len(marks.upper) <= 100


def test_the_today_line_is_in_the_middle_of_today():
    today = D(2026, 12, 6)
    [due_today] = tl.items(KIND, [row(1, start="2026-12-01", due="2026-12-06")], today)
    line = tl.today_at(today)
    assert due_today.start < line < due_today.stop  # the bar reaches past the line...
    assert not due_today.overdue  # ...and it is not overdue before tomorrow
    [late] = tl.items(KIND, [row(1, due="2026-12-05")], today)
    assert late.stop < line and late.overdue


def test_items_without_dates_are_kept_and_listed_last():
    today = D(2026, 12, 6)
    by_area = tl.grouping(KIND, "area")
    found = tl.items(KIND, [row(1, "b", start="2026-01-01", due="2026-02-01", area="trade"),
                            row(2, "Zeta", area="trade"), row(3, "alpha", area="industry"),
                            row(4, "due only", due="2026-05-01", area="trade"),
                            row(5, "start only", start="2026-04-01", area="trade")], today,
                     by_area)
    shapes = {i.id: i.shape for i in found}
    assert shapes == {1: tl.BAR, 2: tl.UNDATED, 3: tl.UNDATED, 4: tl.DUE, 5: tl.START}
    groups = tl.group_items(KIND, found, by_area)
    assert [g.label for g in groups] == ["Trade", "No dates"]
    assert groups[-1].undated and [i.id for i in groups[-1].items] == [3, 2]  # by title
    assert sum(len(g.items) for g in groups) == len(found)  # nothing dropped
    # a mark covers its one day
    assert found[3].stop - found[3].first == 1 and found[4].stop - found[4].first == 1


def test_grouped_by_area_in_the_declared_order_or_by_agreement_title():
    today = D(2026, 12, 6)
    rows = [row(1, start="2026-03-01", due="2026-04-01", area="trade", agreement_id=7),
            row(2, start="2026-01-01", due="2026-06-01", area="industry", agreement_id=3),
            row(3, start="2026-02-01", due="2026-02-10", area=None, agreement_id=None),
            row(4, start="2026-01-15", due="2026-01-20", area="trade", agreement_id=3)]
    by_area = tl.grouping(KIND, "area")
    groups = tl.group_items(KIND, tl.items(KIND, rows, today, by_area), by_area)
    # Industry comes before Trade in the catalogue; the items without an area after them
    assert [(g.label, [i.id for i in g.items]) for g in groups] == [
        ("Industry", [2]), ("Trade", [4, 1]), ("No area given", [3])]
    by_agreement = tl.grouping(KIND, "agreement")
    titles = {3: "Zhanaozen protocol", 7: "Astana treaty"}
    groups = tl.group_items(KIND, tl.items(KIND, rows, today, by_agreement), by_agreement,
                            titles)
    assert [(g.label, [i.id for i in g.items]) for g in groups] == [
        ("Astana treaty", [1]), ("Zhanaozen protocol", [2, 4]), ("No agreement linked", [3])]
    # an unknown grouping name falls back to the first declared
    assert tl.grouping(KIND, "nonsense") == by_area


def test_overdue_is_the_kinds_declaration_not_its_name():
    today = D(2026, 12, 6)
    rows = [row(1, due="2026-01-01", status="planned"), row(2, due="2026-01-01", status="done"),
            row(3, due="2027-01-01", status="planned")]
    assert [i.overdue for i in tl.items(KIND, rows, today)] == [True, False, False]
    # the same kind declaring nothing closed: a done item past its date is overdue too
    other = dataclasses.replace(KIND, deadline=dataclasses.replace(KIND.deadline, closed=()))
    assert [i.overdue for i in tl.items(other, rows, today)] == [True, True, False]
    # ... and its colour follows: overdue red, else the status' colour in declared order
    found = tl.items(KIND, rows, today)
    assert tl.colour(KIND, found[0]) == tl.OVERDUE_COLOUR
    assert tl.colour(KIND, found[1]) == tl.STATUS_COLOURS[2]  # "done" is declared third
    # a kind without a deadline is never overdue
    meetings = get_kind("meetings")
    assert not meetings.is_overdue({"status": "planned", "start_date": "2000-01-01"}, today)


def test_a_start_after_the_end_and_bad_values_are_drawn_not_refused():
    today = D(2026, 12, 6)
    [item] = tl.items(KIND, [row(1, start="2026-05-01", due="2026-03-01", progress="x")], today)
    assert (item.start, item.end, item.progress) == (n("2026-03-01"), n("2026-05-01"), 0)
    [item] = tl.items(KIND, [row(1, start="not a date", due="", progress=250)], today)
    assert item.shape == tl.UNDATED and item.progress == 100


def test_marks_at_each_scale_in_english_and_russian():
    axis = tl.Axis(n("2025-11-01"), n("2027-03-01"))
    with language("en"):
        months = tl.ticks(axis, 3.0, label_room=40)
        assert [t.label for t in months.upper] == ["2025", "2026", "2027"]
        assert [t.label for t in months.lower][:4] == ["Nov", "Dec", "Jan", "Feb"]
        assert all(D.fromordinal(t.at).day == 1 for t in months.lower)
        quarters = tl.ticks(axis, 1.0, label_room=40)
        assert [D.fromordinal(t.at).month for t in quarters.lower][:3] == [10, 1, 4]
        years = tl.ticks(axis, 0.05, label_room=40)
        assert years.lower == ()
        weeks = tl.ticks(axis, 10.0, label_room=40, shown=(n("2026-03-01"), n("2026-03-31")))
        assert weeks.upper[0].label == "March 2026"
        assert all(D.fromordinal(t.at).weekday() == 0 for t in weeks.lower)  # Mondays
    with language("ru"):
        assert [t.label for t in tl.ticks(axis, 3.0, label_room=40).lower][:4] == [
            "нояб.", "дек.", "янв.", "февр."]
        weeks = tl.ticks(axis, 10.0, label_room=40, shown=(n("2026-03-01"), n("2026-03-31")))
        assert weeks.upper[0].label == "март 2026 г."


def test_a_week_begun_before_the_axis_gets_no_mark_at_its_start():
    # December 2026 begins on a Tuesday: the Monday before (30 November) is not on the axis;
    # its "30", drawn at the axis' first day under "December 2026", read as the 30th of December
    axis = tl.Axis(n("2026-12-01"), n("2027-01-01"))
    with language("en"):
        weeks = tl.ticks(axis, 10.0, label_room=40)
        assert [t.label for t in weeks.upper] == ["December 2026"]
        assert [D.fromordinal(t.at).isoformat() for t in weeks.lower] == [
            "2026-12-07", "2026-12-14", "2026-12-21", "2026-12-28"]
        # scrolled into the month, the week the view begins in keeps its label
        later = tl.ticks(axis, 10.0, label_room=40, shown=(n("2026-12-10"), n("2026-12-31")))
        assert [t.label for t in later.lower] == ["7", "14", "21", "28"]


def test_marks_only_for_what_is_shown():
    axis = tl.Axis(n("1900-01-01"), n("2100-01-01"))
    marks = tl.ticks(axis, 3.0, label_room=40, shown=(n("2026-02-10"), n("2026-05-20")))
    # the month the view begins in keeps its label; nothing far outside is made
    assert [D.fromordinal(t.at).isoformat() for t in marks.lower] == [
        "2026-02-01", "2026-03-01", "2026-04-01", "2026-05-01"]


def test_labels_from_hostile_titles_are_one_short_line():
    hostile = "\u202eevil\u202c <b>x</b> &amp; =1+1\n\x00\x1b[31m" + "Ж" * 1_000_000
    text = tl.label(hostile)
    assert len(text) == tl.LABEL_LIMIT and text.endswith("…")
    assert "\u202e" not in text and "\x00" not in text and "\n" not in text
    assert text.startswith("evil <b>x</b> &amp; =1+1 [31mЖ")
