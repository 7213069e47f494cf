"""An indicator's chart: its dated values as a line over time, its target as a dashed level (a
diamond at its date), its baseline as a dotted one, the value axis's round marks. Drawn from
plain shapes (lines, rectangles, polygons, strings) in the document's font, so that the DOCX
briefing paints the same drawing as a picture (``chart.drawing_png``)."""

from __future__ import annotations

from reportlab.graphics.shapes import Drawing, Line, Polygon, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from tracker.briefing.blocks import ChartPoint, IndicatorChart
from tracker.briefing.pdf.fonts import FONT, FONT_BOLD

HEIGHT = 175
LINE = colors.HexColor("#2f6fb3")
TARGET = colors.HexColor("#b86e00")
MET = colors.HexColor("#2e8b57")
BASELINE = colors.HexColor("#7f8ea3")
GRID = colors.HexColor("#e1e5ea")
AXIS = colors.HexColor("#8a94a3")
INK = colors.HexColor("#1b1f24")
GREY = colors.HexColor("#5b6573")
YEAR_DAYS = 365


class _Frame:
    """Where values and days fall on the drawing."""

    def __init__(self, chart: IndicatorChart, left: float, right: float, bottom: float,
                 top: float):
        self.left, self.right, self.bottom, self.top = left, right, bottom, top
        ticks = [float(v) for v, _t in chart.ticks]
        self.lo, self.hi = min(ticks), max(ticks)
        if self.hi == self.lo:
            self.hi = self.lo + 1
        days = [p.day for p in (*chart.values, chart.target, chart.baseline)
                if p is not None and p.day is not None]
        first, last = (min(days), max(days)) if days else (0, 0)
        pad = max(YEAR_DAYS // 2, (last - first) // 12)
        self.first, self.last = first - pad, last + pad

    def x(self, day: int) -> float:
        return self.left + (self.right - self.left) * (day - self.first) / (self.last - self.first)

    def y(self, value) -> float:
        return self.bottom + (self.top - self.bottom) * (float(value) - self.lo) / (
            self.hi - self.lo)


def indicator_drawing(chart: IndicatorChart, width: float, *, pattern: bool = False
                      ) -> Drawing:
    """The chart of one indicator, ``width`` points wide. ``pattern``: each dashed line is one
    line with a dash pattern (a PDF draws the same dashes from it, in one operator) instead of
    a stroke per dash (which the picture painter needs)."""
    d = Drawing(width, HEIGHT, initialFontName=FONT, initialFontSize=8)
    label_width = max(stringWidth(text, FONT, 7.5) for _v, text in chart.ticks)
    f = _Frame(chart, left=label_width + 10, right=width - 12, bottom=30, top=HEIGHT - 30)
    d.add(String(1, HEIGHT - 10, chart.unit, fontName=FONT, fontSize=7.5, fillColor=GREY))
    _legend(d, chart, width, pattern)
    for value, text in chart.ticks:
        y = f.y(value)
        d.add(Line(f.left, y, f.right, y, strokeColor=AXIS if value == 0 else GRID,
                   strokeWidth=0.6))
        d.add(String(f.left - 5, y - 2.5, text, fontName=FONT, fontSize=7.5, fillColor=GREY,
                     textAnchor="end"))
    if chart.baseline is not None:
        _level(d, f, chart.baseline, BASELINE, dash=(1.2, 2.2), above=False, pattern=pattern)
    if chart.target is not None:
        _level(d, f, chart.target, MET if chart.met else TARGET, dash=(5, 3), above=True,
               pattern=pattern)
    _values(d, f, chart.values)
    return d


def _legend(d: Drawing, chart: IndicatorChart, width: float, pattern: bool) -> None:
    """The legend at the top right: a sample of each line drawn and its word."""
    items = [(chart.words[0], LINE, None)]
    if chart.target is not None:
        items.append((chart.words[1], MET if chart.met else TARGET, (5, 3)))
    if chart.baseline is not None:
        items.append((chart.words[2], BASELINE, (1.2, 2.2)))
    x = width
    for word, colour, dash in reversed(items):
        x -= stringWidth(word, FONT, 7.5)
        d.add(String(x, HEIGHT - 10, word, fontName=FONT, fontSize=7.5, fillColor=INK))
        x -= 22
        _dashed(d, x, HEIGHT - 7.5, x + 18, colour, dash, 1.4, pattern)
        x -= 12


def _dashed(d: Drawing, x1: float, y: float, x2: float, colour, dash, width: float,
            pattern: bool = False) -> None:
    """A horizontal line from ``x1`` to ``x2``, dashed (as separate strokes, which a picture
    painter draws as they are, or with ``pattern`` as one line with the dash pattern: the same
    dashes from ``x1`` on) or solid."""
    if dash is None:
        d.add(Line(x1, y, x2, y, strokeColor=colour, strokeWidth=width))
        return
    if pattern:
        d.add(Line(x1, y, x2, y, strokeColor=colour, strokeWidth=width,
                   strokeDashArray=list(dash)))
        return
    on, off = dash
    x = x1
    while x < x2:
        d.add(Line(x, y, min(x + on, x2), y, strokeColor=colour, strokeWidth=width))
        x += on + off


def _marker(d: Drawing, x: float, y: float, colour, diamond: bool = False) -> None:
    r = 3.2
    if diamond:
        d.add(Polygon([x, y + r + 1, x + r + 1, y, x, y - r - 1, x - r - 1, y],
                      fillColor=colour, strokeColor=colors.white, strokeWidth=0.6))
    else:
        d.add(Rect(x - r, y - r, 2 * r, 2 * r, fillColor=colour, strokeColor=colors.white,
                   strokeWidth=0.6))


def _level(d: Drawing, f: _Frame, point: ChartPoint, colour, dash, above: bool,
           pattern: bool) -> None:
    """A target or baseline: a level across the plot, its label above it (a target) or under
    it (a baseline): at the right end, or beside its diamond when it has a date (on the side
    with more room)."""
    y = f.y(point.value)
    _dashed(d, f.left, y, f.right, colour, dash, 1.2, pattern)
    x, anchor = f.right, "end"
    if point.day is not None:
        at = f.x(point.day)
        _marker(d, at, y, colour, diamond=True)
        x, anchor = (at - 8, "end") if at > (f.left + f.right) / 2 else (at + 8, "start")
    d.add(String(x, y + 4 if above else y - 10, point.label, fontName=FONT_BOLD, fontSize=7.5,
                 fillColor=colour, textAnchor=anchor))


def _values(d: Drawing, f: _Frame, values: tuple[ChartPoint, ...]) -> None:
    """The values' line, a square at each, the newest value written above it, and as many
    dates under the axis as fit (the first and the last always)."""
    if not values:
        return
    points = [(f.x(p.day), f.y(p.value)) for p in values]
    if len(points) > 1:
        d.add(PolyLine([c for xy in points for c in xy], strokeColor=LINE, strokeWidth=1.8))
    for x, y in points:
        _marker(d, x, y, LINE)
    x, y = points[-1]
    d.add(String(x, y + 7, values[-1].note, fontName=FONT_BOLD, fontSize=8, fillColor=LINE,
                 textAnchor="middle"))
    shown: list[tuple[float, float]] = []  # (left, right) of the dates written
    order = [len(values) - 1, 0, *range(1, len(values) - 1)]
    for i in order:
        x = points[i][0]
        half = stringWidth(values[i].label, FONT, 7.5) / 2 + 4
        if any(x - half < right and x + half > left for left, right in shown):
            continue
        shown.append((x - half, x + half))
        d.add(Line(x, f.bottom, x, f.bottom - 3, strokeColor=AXIS, strokeWidth=0.6))
        d.add(String(x, f.bottom - 12, values[i].label, fontName=FONT, fontSize=7.5,
                     fillColor=GREY, textAnchor="middle"))
