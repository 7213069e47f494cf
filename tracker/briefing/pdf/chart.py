"""The road-map status chart: horizontal bars, one per status (and overdue), drawn in the
document's own font; for the DOCX briefing the same drawing as a picture (:func:`chart_png`)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.renderbase import Renderer, getStateDelta
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics

from tracker.briefing.blocks import ALERT_COLOUR, Bar
from tracker.briefing.pdf.fonts import FONT, FONT_BOLD, register_fonts

BAR_HEIGHT = 22
LABEL_WIDTH = 150


def status_chart(bars: Sequence[Bar], frame_width: float) -> Drawing:
    """A horizontal bar chart of ``bars`` (listed top to bottom), each in its own colour, its
    ``part`` in the alert colour first (two stacked series: the part, then the rest)."""
    # Top to bottom in the order given: the category axis draws from the bottom.
    register_fonts()  # measured below
    bars = list(reversed(bars))
    values = [bar.value for bar in bars]
    height = BAR_HEIGHT * len(values) + 36
    drawing = Drawing(frame_width, height, initialFontName=FONT, initialFontSize=9)
    chart = HorizontalBarChart()
    chart.x, chart.y = LABEL_WIDTH, 28
    texts = [f"{b.value} ({b.note})" if b.note else str(b.value) for b in bars]
    # room on the right for the longest number ("6 (1 of them overdue)")
    right = max(40, max(pdfmetrics.stringWidth(t, FONT_BOLD, 8) for t in texts) + 12)
    chart.width, chart.height = frame_width - LABEL_WIDTH - right, BAR_HEIGHT * len(values)
    parts = [min(bar.part, bar.value) for bar in bars]
    chart.data = [parts, [v - p for v, p in zip(values, parts, strict=True)]]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.categoryNames = [bar.label for bar in bars]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 9
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -6
    chart.categoryAxis.strokeColor = colors.HexColor("#8a94a3")
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    top = max(values) or 1
    step = max(1, nice_step(top))
    chart.valueAxis.valueMax = step * (-(-top // step))
    chart.valueAxis.valueStep = step
    chart.valueAxis.strokeColor = colors.HexColor("#8a94a3")
    chart.valueAxis.gridStrokeColor = colors.HexColor("#e1e5ea")
    chart.valueAxis.visibleGrid = 1
    chart.barWidth = BAR_HEIGHT * 0.7
    chart.groupSpacing = BAR_HEIGHT * 0.3
    chart.bars.strokeColor = None
    for i, bar in enumerate(bars):
        chart.bars[(0, i)].fillColor = colors.HexColor(ALERT_COLOUR)
        chart.bars[(1, i)].fillColor = colors.HexColor(bar.colour)
    chart.barLabelFormat = [None, "values"]  # one label, after the whole bar
    chart.barLabelArray = [[None] * len(bars), texts]
    chart.barLabels.fontName = FONT_BOLD
    chart.barLabels.fontSize = 8
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 4
    drawing.add(chart)
    return drawing


def nice_step(top: int) -> int:
    """A round step for the value axis (1, 2 or 5 times a power of ten), about a fifth of
    ``top``."""
    raw = top / 5
    magnitude = 10 ** max(0, len(str(int(raw))) - 1)
    for m in (1, 2, 5, 10):
        if raw <= m * magnitude:
            return int(m * magnitude)
    return int(10 * magnitude)


# --- the same chart as a picture (the DOCX briefing) ---------------------------------------------

def chart_png(bars: Sequence[Bar], frame_width: float, dpi: int = 200) -> bytes:
    """The chart :func:`status_chart` draws, as a PNG of ``frame_width`` points at ``dpi``.
    The same bars give the same bytes."""
    register_fonts()
    return drawing_png(status_chart(bars, frame_width), dpi)


def drawing_png(drawing: Drawing, dpi: int = 200) -> bytes:
    """A drawing of rectangles, lines, polygons and unrotated strings as a PNG at ``dpi``
    (reportlab's own bitmap renderer needs pycairo; this paints the same drawing with Pillow,
    reportlab's own dependency). The same drawing gives the same bytes."""
    from PIL import Image, ImageDraw  # only a Word briefing needs Pillow

    register_fonts()
    supersample = 3  # antialiasing: drawn three times larger, then scaled down
    scale = dpi / 72 * supersample
    size = (max(1, round(drawing.width * scale)), max(1, round(drawing.height * scale)))
    image = Image.new("RGB", size, "white")
    PillowPainter(ImageDraw.Draw(image), scale, drawing.height).draw(drawing, _NoCanvas())
    image = image.resize((max(1, round(drawing.width * dpi / 72)),
                          max(1, round(drawing.height * dpi / 72))), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(dpi, dpi))  # no time or text chunks: the same bytes each time
    return out.getvalue()


class _NoCanvas:
    def saveState(self):
        pass

    def restoreState(self):
        pass


def _rgba(colour, opacity=None):
    if colour is None:
        return None
    r, g, b = colour.rgb()
    alpha = getattr(colour, "alpha", 1) if opacity is None else opacity
    return (round(r * 255), round(g * 255), round(b * 255),
            round(255 * (1 if alpha is None else alpha)))


class PillowPainter(Renderer):
    """Paints the shapes a bar chart is made of (rectangles, lines, polygons, unrotated
    strings) with Pillow, following reportlab's graphics state."""

    def __init__(self, draw, scale: float, height: float):
        self.canvas_draw, self.scale, self.height = draw, scale, height
        self.fonts: dict[tuple[str, int], object] = {}

    def initState(self, x, y):
        self._tracker.push({"transform": (1, 0, 0, 1, x, y)})

    def applyStateChanges(self, delta, newState):
        pass

    def drawNode(self, node):
        self._tracker.push(getStateDelta(node))
        self.drawNodeDispatcher(node)
        self._tracker.pop()

    def _point(self, x, y):
        a, b, c, d, e, f = self._tracker.getCTM()
        return ((a * x + c * y + e) * self.scale, (self.height - (b * x + d * y + f)) * self.scale)

    def _zoom(self) -> float:
        a, b, c, d, _e, _f = self._tracker.getCTM()
        return abs(a * d - b * c) ** 0.5 * self.scale

    def _paint(self, points, close=True):
        state = self._tracker.getState()
        fill = _rgba(state["fillColor"], state.get("fillOpacity")) if close else None
        stroke = _rgba(state["strokeColor"], state.get("strokeOpacity"))
        if fill:
            self.canvas_draw.polygon(points, fill=fill)
        if stroke and state["strokeWidth"]:
            width = max(1, round(state["strokeWidth"] * self._zoom()))
            self.canvas_draw.line(points + (points[:1] if close else []), fill=stroke,
                                  width=width)

    def drawRect(self, rect):
        x, y, w, h = rect.x, rect.y, rect.width, rect.height
        self._paint([self._point(x, y), self._point(x + w, y), self._point(x + w, y + h),
                     self._point(x, y + h)])

    def drawLine(self, line):
        self._paint([self._point(line.x1, line.y1), self._point(line.x2, line.y2)], close=False)

    def drawPolyLine(self, polyline):
        p = polyline.points
        self._paint([self._point(p[i], p[i + 1]) for i in range(0, len(p), 2)], close=False)

    def drawPolygon(self, polygon):
        p = polygon.points
        self._paint([self._point(p[i], p[i + 1]) for i in range(0, len(p), 2)])

    def drawString(self, string):
        state = self._tracker.getState()
        fill = _rgba(state["fillColor"])
        if fill is None or not string.text:
            return
        size = max(1, round(state["fontSize"] * self._zoom()))
        key = (state["fontName"], size)
        font = self.fonts.get(key)
        if font is None:
            from PIL import ImageFont

            path = pdfmetrics.getFont(state["fontName"]).face.filename
            font = self.fonts[key] = ImageFont.truetype(path, size)
        anchor = {"middle": "ms", "end": "rs", "numeric": "rs"}.get(state["textAnchor"], "ls")
        self.canvas_draw.text(self._point(string.x, string.y), string.text, font=font,
                              fill=fill, anchor=anchor)
