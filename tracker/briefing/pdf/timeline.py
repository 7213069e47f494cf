"""The timeline figure: a reportlab drawing of a :class:`~tracker.briefing.blocks.Timeline` —
the records' titles on the left, their bars in time on the right under an axis of years and
months, the today line dashed across. In a PDF it is a flowable that splits between rows at a
page's end (the axis drawn again, the group's label repeated above its continued rows); for a
Word briefing the same drawings become pictures (:func:`timeline_pngs`).

Everything is drawn in the document's font; titles are cut to their room with "…"; a bar that
runs past the axis is cut at the edge with a small arrow, never dropped.
"""

from __future__ import annotations

from reportlab.graphics.shapes import Drawing, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable

from tracker.briefing.blocks import Timeline, TimelineRow
from tracker.briefing.pdf.fonts import FONT, FONT_BOLD, register_fonts

ROW = 11.0  # points per row
MARKS = 10.0  # points per row of the axis' marks (two rows)
LEGEND = 14.0  # the legend's line, above the first part
SIZE = 6.8  # the font size of titles and marks
MIN_ROWS = 3  # a part of the figure holds at least this many rows (else: the next page)
# Rows per picture in a Word briefing: the first fits under its heading, the others fill a
# page (a picture never runs off one; Word moves one that does not fit to the next).
DOCX_FIRST_ROWS, DOCX_ROWS = 30, 55
INK = colors.HexColor("#1b1f24")
GREY = colors.HexColor("#5b6573")
GRID = colors.HexColor("#e1e5ea")
GRID_STRONG = colors.HexColor("#b8c0ca")
BAND = colors.HexColor("#eef1f5")

Line_ = tuple[str, object]  # ("group", label) or ("row", TimelineRow)


def lines_of(block: Timeline) -> list[Line_]:
    """The figure's lines top to bottom: each group's label, then its rows."""
    out: list[Line_] = []
    for group in block.groups:
        out.append(("group", group.label))
        out.extend(("row", r) for r in group.rows)
    return out


def fit(text: str, width: float, font: str, size: float) -> str:
    """``text`` cut with "…" to ``width`` points."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:  # the longest prefix that fits with its "…"
        mid = (lo + hi + 1) // 2
        if pdfmetrics.stringWidth(text[:mid] + "…", font, size) <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


def pale(colour: str, share: float = 0.3) -> colors.Color:
    """``colour`` mixed with white (solid: the same in a PDF and in a picture)."""
    c = colors.HexColor(colour)
    return colors.Color(1 - share * (1 - c.red), 1 - share * (1 - c.green),
                        1 - share * (1 - c.blue))


class _Geometry:
    def __init__(self, width: float):
        self.width = width
        self.label_width = min(0.33 * width, 180.0)
        self.x0 = self.label_width + 4
        self.chart = max(10.0, width - self.x0 - 2)

    def x(self, at: float) -> float:
        return self.x0 + at * self.chart


def drawing(block: Timeline, lines: list[Line_], width: float, *, legend: bool) -> Drawing:
    """One part of the figure: the legend (``legend``), the axis, then ``lines``."""
    register_fonts()
    g = _Geometry(width)
    height = (LEGEND if legend else 0) + 2 * MARKS + ROW * len(lines) + 1
    d = Drawing(width, height, initialFontName=FONT, initialFontSize=SIZE)
    top = height
    if legend:
        _legend(d, block, top)
        top -= LEGEND
    body_top = top - 2 * MARKS
    bottom = body_top - ROW * len(lines)
    for i, (what, _value) in enumerate(lines):  # group bands under the grid
        if what == "group":
            y = body_top - ROW * (i + 1)
            d.add(Rect(0, y, width, ROW, fillColor=BAND, strokeColor=None))
    for marks, colour, y in ((block.lower, GRID, top - 2 * MARKS),
                             (block.upper, GRID_STRONG, top - MARKS)):
        for m in marks:
            if 0 < m.at < 1:
                d.add(Line(g.x(m.at), y, g.x(m.at), bottom, strokeColor=colour,
                           strokeWidth=0.5))
    _axis(d, block, g, top)
    for i, (what, value) in enumerate(lines):
        y = body_top - ROW * (i + 1)
        if what == "group":
            d.add(String(3, y + 3.2, fit(str(value), width - 6, FONT_BOLD, SIZE),
                         fontName=FONT_BOLD, fontSize=SIZE, fillColor=INK))
        else:
            _row(d, block, g, value, y)
    if block.today is not None:
        x = g.x(block.today)
        d.add(Line(x, bottom, x, top - MARKS, strokeColor=colors.HexColor("#b3261e"),
                   strokeWidth=0.8, strokeDashArray=[2, 1.5]))
    d.add(Line(g.label_width, bottom, g.label_width, top - 2 * MARKS, strokeColor=GRID_STRONG,
               strokeWidth=0.5))
    d.add(Line(0, bottom, width, bottom, strokeColor=GRID_STRONG, strokeWidth=0.5))
    return d


def _legend(d: Drawing, block: Timeline, top: float) -> None:
    x, y = 0.0, top - LEGEND + 4
    for colour, label, shape in block.legend:
        if shape == "due":
            d.add(_diamond(x + 4, y + 3, 3.2, colors.HexColor(colour)))
        elif shape == "start":
            d.add(Polygon([x + 1, y - 0.2, x + 7, y + 3, x + 1, y + 6.2],
                          fillColor=colors.HexColor(colour), strokeColor=None))
        else:
            d.add(Rect(x, y + 0.5, 9, 5, fillColor=colors.HexColor(colour), strokeColor=None))
        d.add(String(x + 12, y, label, fontName=FONT, fontSize=SIZE, fillColor=INK))
        x += 12 + pdfmetrics.stringWidth(label, FONT, SIZE) + 10


def _axis(d: Drawing, block: Timeline, g: _Geometry, top: float) -> None:
    d.add(String(3, top - 2 * MARKS + 3.5, fit(block.header, g.label_width - 6, FONT_BOLD,
                                                 SIZE),
                 fontName=FONT_BOLD, fontSize=SIZE, fillColor=INK))
    today_box = None
    if block.today is not None:  # "Today" in a box; the marks' labels it would cover left out
        w = pdfmetrics.stringWidth(block.today_label, FONT, SIZE) + 4
        x = min(g.x(block.today) + 1, g.width - w)
        today_box = (x, x + w)
    for marks, y, font in ((block.upper, top - MARKS, FONT_BOLD),
                           (block.lower, top - 2 * MARKS, FONT)):
        for i, m in enumerate(marks):
            end = marks[i + 1].at if i + 1 < len(marks) else 1.0
            d.add(Line(g.x(m.at), y, g.x(m.at), y + MARKS - 1, strokeColor=GRID_STRONG,
                       strokeWidth=0.5))
            left = g.x(m.at) + 2
            right = left + pdfmetrics.stringWidth(m.label, font, SIZE)
            if right > g.x(end) - 1:
                continue  # no room for the whole label: none (a cut year misleads)
            if font == FONT and today_box and right > today_box[0] and left < today_box[1]:
                continue
            d.add(String(left, y + 2.8, m.label, fontName=font, fontSize=SIZE, fillColor=INK))
    if today_box is not None:
        y = top - 2 * MARKS
        d.add(Rect(today_box[0], y + 1, today_box[1] - today_box[0], MARKS - 2,
                   fillColor=colors.white, strokeColor=colors.HexColor("#b3261e"),
                   strokeWidth=0.5))
        d.add(String(today_box[0] + 2, y + 2.8, block.today_label, fontName=FONT,
                     fontSize=SIZE, fillColor=colors.HexColor("#b3261e")))
    d.add(Line(0, top - 2 * MARKS, g.width, top - 2 * MARKS, strokeColor=GRID_STRONG,
               strokeWidth=0.5))


def _diamond(cx: float, cy: float, r: float, colour) -> Polygon:
    return Polygon([cx, cy - r, cx + r, cy, cx, cy + r, cx - r, cy], fillColor=colour,
                   strokeColor=None)


def _arrow(x: float, cy: float, pointing: int, colour) -> Polygon:
    """A small arrow at an edge the bar runs past (``pointing`` -1: left, 1: right)."""
    return Polygon([x, cy - 2.6, x + 3.4 * pointing, cy, x, cy + 2.6], fillColor=colour,
                   strokeColor=None)


def _row(d: Drawing, block: Timeline, g: _Geometry, row: TimelineRow, y: float) -> None:
    ink = colors.HexColor(row.colour) if row.alert else INK
    d.add(String(8, y + 3.2, fit(row.label, g.label_width - 12, FONT, SIZE), fontName=FONT,
                 fontSize=SIZE, fillColor=ink))
    cy = y + ROW / 2
    colour = colors.HexColor(row.colour)
    if row.shape == "none" or row.start is None or row.end is None:
        # on a white ground: the grid's lines would cross the words
        w = pdfmetrics.stringWidth(block.undated, FONT, SIZE)
        d.add(Rect(g.x0 + 1, y + 1, w + 4, ROW - 2, fillColor=colors.white, strokeColor=None))
        d.add(String(g.x0 + 3, y + 3.2, block.undated, fontName=FONT, fontSize=SIZE,
                     fillColor=GREY))
        return
    a, b = max(0.0, row.start), min(1.0, row.end)
    if row.shape == "bar" and a < b:
        x0, x1 = g.x(a), g.x(b)
        w = max(0.8, x1 - x0)
        d.add(Rect(x0, y + 2.2, w, ROW - 4.4, fillColor=pale(row.colour), strokeColor=None))
        if row.progress:
            d.add(Rect(x0, y + 2.2, w * row.progress / 100, ROW - 4.4, fillColor=colour,
                       strokeColor=None))
        d.add(Rect(x0, y + 2.2, w, ROW - 4.4, fillColor=None, strokeColor=colour,
                   strokeWidth=1.0 if row.alert else 0.5))
    elif row.shape == "due" and 0 <= (row.start + row.end) / 2 <= 1:
        # a day due at either end of the axis: the diamond drawn whole, inside the figure
        cx = min(max(g.x((row.start + row.end) / 2), g.x0 + 3.4), g.width - 3.4)
        d.add(_diamond(cx, cy, 3.4, colour))
    elif row.shape == "start" and 0 <= row.start <= 1:
        x = g.x(row.start)
        d.add(Polygon([x, cy - 3.2, x + 5.5, cy, x, cy + 3.2], fillColor=colour,
                      strokeColor=None))
    if row.start < 0:  # runs past (or lies beyond) the left edge
        d.add(_arrow(g.x0 + 0.5, cy, -1, colour))
    if row.end > 1:  # ... the right edge
        d.add(_arrow(g.x(1.0) - 0.5, cy, 1, colour))


class TimelineFlowable(Flowable):
    """The figure in a PDF's story: as tall as its rows, split between two rows at the end of
    a page (the axis drawn again on the next; a group's label repeated above rows continued)."""

    def __init__(self, block: Timeline, lines: list[Line_] | None = None, first: bool = True):
        super().__init__()
        self.block, self.first = block, first
        self.lines = lines_of(block) if lines is None else lines
        self._drawing: Drawing | None = None

    def _height(self, rows: int) -> float:
        return (LEGEND if self.first else 0) + 2 * MARKS + ROW * rows + 1

    def wrap(self, available_width, available_height):
        self.width = available_width
        self.height = self._height(len(self.lines))
        return self.width, self.height

    def split(self, available_width, available_height):
        fits = int((available_height - self._height(0)) // ROW)
        if fits >= len(self.lines):
            return [self]
        if fits < MIN_ROWS:
            return []  # to the next page, whole
        if self.lines[fits - 1][0] == "group":  # a group's label never ends a page
            fits -= 1
        head, rest = self.lines[:fits], self.lines[fits:]
        if rest[0][0] == "row":  # the group goes on: its label again above its rows
            label = next(v for what, v in reversed(head) if what == "group")
            rest = [("group", label), *rest]
        return [TimelineFlowable(self.block, head, self.first),
                TimelineFlowable(self.block, rest, first=False)]

    def draw(self):
        if self._drawing is None:
            self._drawing = drawing(self.block, self.lines, self.width, legend=self.first)
        self._drawing.drawOn(self.canv, 0, 0)


def parts(block: Timeline, first: int = DOCX_FIRST_ROWS, rows: int = DOCX_ROWS
          ) -> list[list[Line_]]:
    """The figure's lines in parts of at most ``first`` rows, then ``rows`` (a group's label
    repeated above rows continued from the part before; never a label alone at a part's
    end)."""
    lines, out = lines_of(block), []
    while lines:
        n = min(rows if out else first, len(lines))
        if n < len(lines) and lines[n - 1][0] == "group":
            n -= 1
        head, lines = lines[:n], lines[n:]
        out.append(head)
        if lines and lines[0][0] == "row":
            label = next(v for what, v in reversed(head) if what == "group")
            lines = [("group", label), *lines]
    return out


def timeline_pngs(block: Timeline, frame_width: float, dpi: int = 200) -> list[bytes]:
    """The figure as pictures of ``frame_width`` points (a Word briefing), in :func:`parts`,
    the legend on the first. The same block gives the same bytes."""
    from tracker.briefing.pdf.chart import drawing_png

    return [drawing_png(drawing(block, part, frame_width, legend=i == 0), dpi)
            for i, part in enumerate(parts(block))]
