"""The floor of ``briefing_1000`` (run by ``bench/probes.py bare_briefing``): the briefing's
records in a bare reportlab document, without the app's logic. Not part of the test run."""

from __future__ import annotations

import time


def bare_briefing(repo, out_pdf: str, repeat: int) -> dict:
    """The floor of the whole briefing: the same records without the app's logic -- each data
    section's records (the default briefing's kinds, their columns as shown, the road map in
    one Table as in ``bare_table``) in a bare reportlab Table each, and the timeline's bars (as
    many records as the briefing draws, TIMELINE_LIMIT, the first with both dates) as bare
    Drawings of the same three rectangles a bar is made of, with the same TTF font."""
    from datetime import date

    from reportlab.graphics.shapes import Drawing, Rect
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    from tracker.briefing.gather import TIMELINE_LIMIT
    from tracker.briefing.options import SECTIONS
    from tracker.briefing.pdf.fonts import FONT, register_fonts
    from tracker.model import KINDS
    from tracker.model.catalogue import TIMELINE_KIND

    kinds = [KINDS[s] for s in SECTIONS if s in KINDS]
    span = TIMELINE_KIND.timeline
    register_fonts()
    times, rows_read = [], 0
    for _i in range(repeat):
        t = time.perf_counter()
        style = TableStyle([("FONT", (0, 0), (-1, -1), FONT, 8)])
        story, rows_read = [], 0
        for kind in kinds:
            columns = [f.name for f in kind.columns]
            rows = repo.list(kind.name, columns=columns, max_classification="restricted")
            rows_read += len(rows)
            if rows:
                data = [[str(r[c]) if r[c] is not None else "" for c in columns] for r in rows]
                story.append(Table([[f.label for f in kind.columns], *data], repeatRows=1,
                                   style=style))
        bars = [r for r in repo.list(TIMELINE_KIND.name, columns=[span.start, span.end,
                                                                   span.progress],
                                     max_classification="restricted")
                if r[span.start] and r[span.end]][:TIMELINE_LIMIT]
        first = min(date.fromisoformat(r[span.start]).toordinal() for r in bars)
        last = max(date.fromisoformat(r[span.end]).toordinal() for r in bars)
        scale = 300 / max(last - first, 1)
        for start in range(0, len(bars), 50):  # a page's worth of rows per drawing
            part = bars[start:start + 50]
            d = Drawing(450, 11 * len(part), initialFontName=FONT, initialFontSize=8)
            for i, r in enumerate(part):
                x = 150 + scale * (date.fromisoformat(r[span.start]).toordinal() - first)
                w = max(0.8, scale * (date.fromisoformat(r[span.end]).toordinal() -
                                      date.fromisoformat(r[span.start]).toordinal()))
                y = 11 * (len(part) - i - 1) + 2.2
                d.add(Rect(x, y, w, 6.6, fillColor=colors.HexColor("#c1d4e8"), strokeColor=None))
                d.add(Rect(x, y, w * (r[span.progress] or 0) / 100, 6.6,
                           fillColor=colors.HexColor("#2f6fb3"), strokeColor=None))
                d.add(Rect(x, y, w, 6.6, fillColor=None, strokeColor=colors.HexColor("#2f6fb3"),
                           strokeWidth=0.5))
            story.append(d)
        SimpleDocTemplate(out_pdf, pagesize=A4).build(story)
        times.append(time.perf_counter() - t)
    return {"seconds": times, "rows": rows_read, "bars": len(bars)}


def bare_table(repo, out_pdf: str, repeat: int, chunk: int) -> dict:
    """The floor: the same road-map rows (the briefing's columns, as shown) in one reportlab
    Table (``chunk`` = 0) or in tables of ``chunk`` rows, with the same TTF font."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    from tracker.briefing.pdf.fonts import FONT, register_fonts
    from tracker.model import get_kind

    kind = get_kind("roadmap")
    columns = [f.name for f in kind.columns]
    register_fonts()
    times = []
    for _i in range(repeat):
        t = time.perf_counter()
        rows = repo.list("roadmap", columns=columns, max_classification="restricted")
        data = [[str(r[c]) if r[c] is not None else "" for c in columns] for r in rows]
        head = [f.label for f in kind.columns]
        doc = SimpleDocTemplate(out_pdf, pagesize=A4)
        style = TableStyle([("FONT", (0, 0), (-1, -1), FONT, 8)])
        if chunk:
            story = [Table([head, *data[i:i + chunk]], repeatRows=1, style=style)
                     for i in range(0, len(data), chunk)]
        else:
            story = [Table([head, *data], repeatRows=1, style=style)]
        doc.build(story)
        times.append(time.perf_counter() - t)
    return {"seconds": times, "rows": len(rows)}
