"""How many pages a briefing would run to, estimated before it is built: the dialog warns before a
briefing of thousands of pages (``estimate_pages(repo, options)``).

The estimate counts what :mod:`tracker.briefing.gather` would read (each kind section's records
under the options' statuses and clearance; a date range is not applied, so it is an upper
bound then) and lays a sample of each kind's rows out in lines as the tables print them (the
columns sharing a line in proportion to their texts). Against built PDFs of 5,000 records of
each kind it gives 0.7 to 1.3 times the real count: enough to warn before thousands of pages.
"""

from __future__ import annotations

import datetime as _dt
import math

from tracker.briefing.options import BriefingOptions
from tracker.briefing.sections import LIST_LIMIT
from tracker.i18n import _, format_date
from tracker.model import DATE, KIND_ORDER, OVERDUE, get_kind
from tracker.model.figures import DEADLINES_KIND

SAMPLE = 200  # rows of a kind looked at for how many lines a row takes
PAGE_LINES = {"a4": 63.0, "letter": 59.0}  # table lines (8 pt text) a page's frame holds
ROW_EXTRA = 0.6  # a row's padding and rule, in lines
LINE_CHARS = 110  # characters of 8 pt text across the frame, shared by the columns
CELL_PADDING = 2  # characters of a cell's padding
NOTES_PER_RECORD = 0.007  # pages of notes under a table per record (measured: 1 in 5 has some)
SOURCES_PER_RECORD = 0.072  # pages of the sources appendix per printed record (measured)
DEADLINE_ROWS = 31  # rows of the deadlines lists a page holds
FIXED_PAGES = {"summary": 1, "chart": 1, "contacts": 2}  # about a page or two whatever the size


def _texts(kind, row: dict) -> list[str]:
    """A row's cells as the tables print them (dates written out, choices by their labels)."""
    out = []
    for f in kind.columns:
        value = row.get(f.name)
        if value is None or value == "":
            out.append("")
        elif f.type == DATE:
            out.append(format_date(value))
        else:
            out.append(f.choice_label(value) if f.choices else str(value))
    return out


def _lines_per_row(repo, kind, options: BriefingOptions) -> float:
    """Lines a row takes on average in a sample: the columns share a line's characters in
    proportion to their texts' lengths (as the tables fit their widths), each cell wrapped."""
    rows = repo.list(kind.name, status=options.statuses_for(kind.name),
                     max_classification=options.max_classification,
                     columns=[f.name for f in kind.columns], limit=SAMPLE)
    if not rows:
        return 1.0 + ROW_EXTRA
    texts = [_texts(kind, row) for row in rows]
    lengths = [max(4.0, sum(len(t[c]) for t in texts) / len(texts))
               for c in range(len(kind.columns))]
    room = LINE_CHARS - CELL_PADDING * len(lengths)
    widths = [max(len(_(f.label)), room * n / sum(lengths))
              for f, n in zip(kind.columns, lengths, strict=True)]
    total = 0.0
    for cells in texts:
        total += max(1, *(math.ceil(len(t) / w) for t, w in zip(cells, widths, strict=True)))
        total += ROW_EXTRA
    return total / len(rows)


def estimate_pages(repo, options: BriefingOptions, today: _dt.date | None = None) -> int:
    """About how many pages ``build_briefing(repo, options, "x.pdf")`` would write (at least
    2: the cover and the contents). Cheap: a few counts and a sample of each kind's rows."""
    today = today or _dt.date.today()
    page_lines = PAGE_LINES.get(options.paper, PAGE_LINES["a4"])
    pages = 2.0 + sum(n for section, n in FIXED_PAGES.items() if section in options.sections)
    printed = 0
    for name in KIND_ORDER:
        if name not in options.sections:
            continue
        kind = get_kind(name)
        n = repo.count(name, status=options.statuses_for(name),
                       max_classification=options.max_classification)
        printed += n
        pages += n * _lines_per_row(repo, kind, options) / page_lines
        if options.include_notes:
            pages += n * NOTES_PER_RECORD
    if "deadlines" in options.sections:
        listed = repo.count(DEADLINES_KIND.name, status=OVERDUE,
                            max_classification=options.max_classification)
        if DEADLINES_KIND.name in options.sections and not (
                options.statuses_for(DEADLINES_KIND.name) or options.date_from
                or options.date_to):
            listed = min(listed, LIST_LIMIT)  # the lists show their first items only then
        pages += 1 + listed / DEADLINE_ROWS
    if options.include_sources:
        pages += printed * SOURCES_PER_RECORD
    return max(2, round(pages))
