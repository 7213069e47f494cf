"""The road-map status chart: horizontal bars, one per status (and overdue), drawn in the
document's own font."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors

from tracker.briefing.blocks import Bar
from tracker.briefing.pdf.fonts import FONT, FONT_BOLD

BAR_HEIGHT = 22
LABEL_WIDTH = 150


def status_chart(bars: Sequence[Bar], frame_width: float) -> Drawing:
    """A horizontal bar chart of ``bars`` (listed top to bottom), each in its own colour."""
    # Top to bottom in the order given: the category axis draws from the bottom.
    bars = list(reversed(bars))
    values = [bar.value for bar in bars]
    height = BAR_HEIGHT * len(values) + 36
    drawing = Drawing(frame_width, height, initialFontName=FONT, initialFontSize=9)
    chart = HorizontalBarChart()
    chart.x, chart.y = LABEL_WIDTH, 28
    chart.width, chart.height = frame_width - LABEL_WIDTH - 40, BAR_HEIGHT * len(values)
    chart.data = [values]
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
        chart.bars[(0, i)].fillColor = colors.HexColor(bar.colour)
    chart.barLabelFormat = "%d"
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
