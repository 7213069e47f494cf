"""The section of a kind whose records are indicators (a kind declaring a ``Measure``): a table
of every indicator's figures (the note), then each indicator's chart with its target (the
annex). Pure functions of the gathered rows; every figure comes from
``tracker.model.indicators`` and is written in the briefing's language."""

from __future__ import annotations

from typing import Any

from tracker.briefing.blocks import (
    Block,
    ChartPoint,
    Footnote,
    Heading,
    IndicatorChart,
    Paragraph,
    RecordTable,
)
from tracker.briefing.options import BriefingOptions
from tracker.briefing.text import CELL_LIMIT, notes_text, one_line, superscript
from tracker.i18n import _, format_compact, format_period, ngettext
from tracker.model import Kind
from tracker.model.indicators import (
    Reading,
    amount,
    axis_ticks,
    change_text,
    distance_text,
    latest_text,
    reading,
    target_text,
)
from tracker.model.values import period_start

CHART_LIMIT = 50  # charts drawn in one briefing; the table lists every indicator


def measure_section(kind: Kind, rows: list[dict[str, Any]], options: BriefingOptions
                    ) -> list[Block]:
    """The kind's heading, a table of the figures of every indicator (their notes under it),
    then a chart of each (at most CHART_LIMIT)."""
    n = len(rows)
    blocks: list[Block] = [Heading(_(kind.plural)), Paragraph(
        ngettext("{n} record.", "{n} records.", n).format(n=n), "small")]
    if not rows:
        return [*blocks, Paragraph(_("No records match the options."))]
    readings = [reading(row, kind.measure) for row in rows]
    blocks.append(figures_table(kind, rows, readings, options))
    for row, r in list(zip(rows, readings, strict=True))[:CHART_LIMIT]:
        blocks.append(indicator_chart(kind, row, r))
    if n > CHART_LIMIT:
        blocks.append(Paragraph(ngettext(
            "… and {n} more indicator: its figures are in the table above.",
            "… and {n} more indicators: their figures are in the table above.",
            n - CHART_LIMIT).format(n=n - CHART_LIMIT), "small"))
    return blocks


def figures_table(kind: Kind, rows: list[dict], readings: list[Reading],
                  options: BriefingOptions) -> RecordTable:
    body, notes = [], []
    for row, r in zip(rows, readings, strict=True):
        title = one_line(row.get("title"), CELL_LIMIT)
        text = notes_text(row.get("notes")) if options.include_notes else ""
        if text:
            mark = superscript(len(notes) + 1)
            notes.append(Footnote(mark, one_line(row["title"], 300), text))
            title += " " + mark
        body.append((title, latest_text(r), change_text(r) or "—", target_text(r),
                     distance_text(r) if r.target is not None else "—"))
    header = (_(kind.title_label), _("Latest value"), _("Change"), _("Target"),
              _("Distance to the target"))
    return RecordTable(header, tuple(body), ("text", "text", "text", "text", "text"),
                       alert_cells=tuple((i, 4) for i, r in enumerate(readings)
                                         if r.met is False),
                       notes_label=_(kind.field("notes").label) if notes else "",
                       notes=tuple(notes))


def _day(period: str | None) -> int | None:
    return period_start(period).toordinal() if period else None


def indicator_chart(kind: Kind, row: dict[str, Any], r: Reading) -> IndicatorChart:
    """The chart of one indicator, its words in the briefing's language."""
    values = tuple(ChartPoint(_day(p.date), p.value, format_period(p.date),
                              format_compact(p.value)) for p in r.points)
    target = baseline = None
    if r.target is not None:
        target = ChartPoint(_day(r.target_on), r.target,
                            _("Target: {value}").format(value=target_text(r)))
    if r.baseline is not None:
        text = amount(r.baseline, r.unit)
        if r.baseline_on:
            text = _("{value} ({date})").format(value=text, date=format_period(r.baseline_on))
        baseline = ChartPoint(_day(r.baseline_on), r.baseline,
                              _("Baseline: {value}").format(value=text))
    levels = [p.value for p in r.points] + [x.value for x in (target, baseline) if x]
    facts = [_("Latest value: {text}").format(text=latest_text(r))]
    if change_text(r):
        facts.append(_("Change: {text}").format(text=change_text(r)))
    facts.append(_("Target: {text}").format(text=target_text(r)))
    if r.target is not None:
        facts.append(_("Distance to the target: {text}").format(text=distance_text(r)))
    unit = kind.field(kind.measure.unit)
    return IndicatorChart(
        title=one_line(row.get("title"), 300), unit=unit.choice_label(r.unit),
        values=values, target=target, baseline=baseline,
        ticks=tuple((t, format_compact(t)) for t in axis_ticks(levels)), facts=tuple(facts),
        met=r.met, words=(_("Values"), _("Target"), _("Baseline")))
