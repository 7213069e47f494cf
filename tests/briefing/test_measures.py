"""Indicators in a briefing: a table of every indicator's figures, then a chart of each with
its target and baseline, in the briefing's language, drawn in the PDF and the Word file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pypdf import PdfReader

from tracker.briefing import BriefingOptions, build_briefing
from tracker.briefing.blocks import Heading, IndicatorChart, RecordTable
from tracker.briefing.measures import CHART_LIMIT, measure_section
from tracker.i18n import language
from tracker.model import get_kind
from tracker.model.indicators import axis_ticks

TODAY = dt.date(2026, 11, 27)
KIND = get_kind("indicators")
HOSTILE = "<b>Turnover</b> & <font size=40>x</font> ]]> {{ x }} Товарооборот"


def grow(repo, title="Joint assembly plants"):
    """The seeded plants indicator given an earlier value, a baseline and a target."""
    rid = next(r["id"] for r in repo.list("indicators") if r["title"].startswith(title))
    rec = repo.get("indicators", rid)
    repo.update("indicators", rid, {
        "series": [{"date": "2016", "value": "10"}, {"date": "2017", "value": "13"}],
        "baseline_value": "8", "baseline_on": "2015", "target_value": "20",
        "target_on": "2020"}, expected_version=rec["version"])
    return rid


def pdf_text(path) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(path).pages)


def test_the_figures_table_says_where_each_indicator_stands(repo):
    grow(repo)
    rows = repo.list("indicators", columns=["title", *KIND.measure.fields])
    blocks = measure_section(KIND, rows, BriefingOptions(language="en", include_notes=False))
    assert isinstance(blocks[0], Heading) and blocks[0].text == "Indicators"
    table = next(b for b in blocks if isinstance(b, RecordTable))
    def figures(prefix):
        return next(row[1:] for row in table.rows if row[0].startswith(prefix))

    assert figures("Joint assembly plants") == (
        "13 (2017)", "+3 since 2016 (+30%)", "20 by 2020", "7 below the target (35% of it)")
    assert figures("Kazakhstan's investment in the Expo 2017 district") == (
        "3,000,000,000 USD (2017)", "—", "no target set", "—")
    # only the distance of an indicator short of its target is an alert
    plants = next(i for i, row in enumerate(table.rows) if row[0].startswith("Joint"))
    assert table.alert_cells == ((plants, 4),)
    charts = [b for b in blocks if isinstance(b, IndicatorChart)]
    assert len(charts) == 3
    chart = next(c for c in charts if c.title.startswith("Joint"))
    assert [(p.label, p.value) for p in chart.values] == [("2016", 10), ("2017", 13)]
    assert chart.target.label == "Target: 20 by 2020" and chart.met is False
    assert chart.baseline.label == "Baseline: 8 (2015)"
    assert chart.facts[-1] == "Distance to the target: 7 below the target (35% of it)"


def test_an_indicator_with_no_values_or_target_is_listed_and_charted_empty(empty_repo):
    empty_repo.create("indicators", {"title": "Mutual trade turnover", "unit": "usd"})
    rows = empty_repo.list("indicators", columns=["title", *KIND.measure.fields])
    blocks = measure_section(KIND, rows, BriefingOptions(language="en"))
    table = next(b for b in blocks if isinstance(b, RecordTable))
    assert table.rows[0][1:] == ("no values yet", "—", "no target set", "—")
    chart = next(b for b in blocks if isinstance(b, IndicatorChart))
    assert chart.values == () and chart.target is None and chart.met is None


def test_past_the_chart_limit_the_table_still_lists_every_indicator():
    rows = [{"id": i, "title": f"Indicator {i}", "unit": "number",
             "series": f'[{{"date":"2017","value":"{i}"}}]'} for i in range(CHART_LIMIT + 2)]
    blocks = measure_section(KIND, rows, BriefingOptions(language="en"))
    assert len(next(b for b in blocks if isinstance(b, RecordTable)).rows) == CHART_LIMIT + 2
    assert sum(isinstance(b, IndicatorChart) for b in blocks) == CHART_LIMIT
    assert blocks[-1].text == "… and 2 more indicators: their figures are in the table above."


@pytest.mark.parametrize(("levels", "ticks"), [
    ([Decimal(3_000_000_000)], [0, 1_000_000_000, 2_000_000_000, 3_000_000_000]),
    ([Decimal(13), Decimal(20), Decimal(8)], [0, 5, 10, 15, 20]),
    ([Decimal(45)], [0, 20, 40, 60]),
    ([Decimal("0.3"), Decimal("0.7")], ["0", "0.2", "0.4", "0.6", "0.8"]),
    ([Decimal(-4), Decimal(6)], ["-5", "-2.5", 0, "2.5", 5, "7.5"]),
    ([], [0, "0.25", "0.5", "0.75", 1]),
])
def test_the_value_axis_has_round_marks_holding_zero_and_every_level(levels, ticks):
    got = axis_ticks(levels)
    assert got == [Decimal(t) for t in ticks]
    assert got[0] <= min([0, *levels]) and got[-1] >= max([0, *levels])


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_rendered_briefing_charts_each_indicator_with_its_target(repo, tmp_path, lang):
    grow(repo)
    with language(lang):
        for suffix in ("pdf", "docx"):
            build_briefing(repo, BriefingOptions(language=lang, sections=("indicators",)),
                           tmp_path / f"b.{suffix}", today=TODAY)
    text = pdf_text(tmp_path / "b.pdf")
    if lang == "en":
        for words in ("Target: 20 by 2020", "Baseline: 8 (2015)", "3bn",
                      "Distance to the target: 7 below the target (35% of it)",
                      "Change: +3 since 2016 (+30%)"):
            assert words in text
    else:
        for words in ("Цель: 20 (срок — 2020)", "Базовое значение: 8 (2015)", "3 млрд",
                      "Изменение: +3 к значению за 2016 (+30 %)"):
            assert words in text
    import docx

    paragraphs = [p.text for p in docx.Document(str(tmp_path / "b.docx")).paragraphs]
    plants = next(i for i, p in enumerate(paragraphs) if p.startswith("Joint assembly plants"))
    assert len(docx.Document(str(tmp_path / "b.docx")).inline_shapes) == 3
    assert paragraphs[plants + 2].startswith(("Latest value: 13", "Последнее значение: 13"))


def test_a_hostile_indicator_name_is_printed_literally(empty_repo, tmp_path):
    empty_repo.create("indicators", {"title": HOSTILE, "unit": "number", "series": [
        {"date": "2017-06", "value": "5"}], "target_value": "4"})
    build_briefing(empty_repo, BriefingOptions(language="en", sections=("indicators",)),
                   tmp_path / "b.pdf", today=TODAY)
    text = pdf_text(tmp_path / "b.pdf")
    assert " ".join(HOSTILE.split()) in text
    assert "Target: 4" in text and "June 2017" in text
