"""Tables and blocks of literal lines: the line wrapper, column widths fitted to the content,
tables chunked to CHUNK_ROWS rows (header repeated on every page), and a flowable of pre-wrapped
lines. Cell text is drawn literally (never parsed as markup) and lays out many times faster
than a ``Paragraph``."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from functools import partial

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Table, TableStyle

from tracker.briefing.pdf.fonts import FONT, FONT_BOLD
from tracker.briefing.pdf.styles import RED
from tracker.briefing.text import MARKS

CHUNK_ROWS = 500  # rows per reportlab Table (one 10,000-row Table lays out ~3x slower)
PAD = 9  # a cell's padding and a little air, in points
MIN_TEXT = 60.0  # the narrowest a text column is squeezed to
SAMPLE_ROWS = 300  # rows measured to fit the widths


class LineWrapper:
    """Greedy word wrapping with a cache of word widths (the vocabulary of a briefing repeats);
    words wider than the line are broken between characters."""

    def __init__(self):
        self._widths: dict[tuple[str, str, float], float] = {}

    def width(self, text: str, font: str, size: float) -> float:
        key = (text, font, size)
        w = self._widths.get(key)
        if w is None:
            if len(self._widths) > 200_000:
                self._widths.clear()
            w = self._widths[key] = stringWidth(text, font, size)
        return w

    def lines(self, text: str, width: float, font: str, size: float) -> list[str]:
        out: list[str] = []
        space = self.width(" ", font, size)
        for paragraph in text.split("\n"):
            line: list[str] = []
            used = 0.0
            for word in paragraph.split():
                w = self.width(word, font, size)
                if w > width:
                    if line:
                        out.append(" ".join(line))
                    pieces = self._break(word, width, font, size)
                    out.extend(pieces[:-1])
                    line, used = [pieces[-1]], self.width(pieces[-1], font, size)
                elif line and used + space + w > width:
                    if len(line) > 1 and not word.strip(MARKS):
                        # A footnote mark never starts a line alone: its word comes along.
                        last = line.pop()
                        out.append(" ".join(line))
                        line, used = [last, word], self.width(last, font, size) + space + w
                    else:
                        out.append(" ".join(line))
                        line, used = [word], w
                else:
                    used = used + space + w if line else w
                    line.append(word)
            out.append(" ".join(line))
        while len(out) > 1 and not out[-1]:
            out.pop()
        return out

    def _break(self, word: str, width: float, font: str, size: float) -> list[str]:
        pieces, current, used = [], "", 0.0
        for ch in word:
            w = self.width(ch, font, size)
            if current and used + w > width:
                pieces.append(current)
                current, used = "", 0.0
            current += ch
            used += w
        pieces.append(current)
        return pieces


#: One drawn line: (text, font, size, leading, colour, indent).
Line = tuple[str, str, float, float, colors.Color, float]


class Lines(Flowable):
    """A block of pre-wrapped lines drawn with plain ``drawString`` (literal text, no markup);
    splits across pages between any two lines, or only before the rows listed in ``breaks``
    (ascending indexes) when given."""

    def __init__(self, rows: list[Line], after: float = 0.0, breaks: list[int] | None = None):
        super().__init__()
        self.rows = rows
        self.spaceAfter = after
        self.breaks = breaks

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        self.height = sum(r[3] for r in self.rows)
        return availWidth, self.height

    def split(self, availWidth, availHeight):
        used, n = 0.0, 0
        for r in self.rows:
            if used + r[3] > availHeight:
                break
            used += r[3]
            n += 1
        if self.breaks is not None:
            i = bisect_right(self.breaks, n)
            n = self.breaks[i - 1] if i else 0
        if n == 0 or n >= len(self.rows):
            return []
        rest = None if self.breaks is None else [b - n for b in self.breaks if b > n]
        first = Lines(self.rows[:n], 0.0)
        first.spaceBefore = getattr(self, "spaceBefore", 0)
        return [first, Lines(self.rows[n:], self.spaceAfter, rest)]

    def draw(self):
        canv = self.canv
        y = self.height
        colour = face = None
        for text, font, size, leading, fill, indent in self.rows:
            y -= leading
            if fill != colour:
                canv.setFillColor(fill)
                colour = fill
            if (font, size) != face:  # each setFont writes operators: only on a change
                canv.setFont(font, size)
                face = (font, size)
            if text:
                canv.drawString(indent, y + (leading - size) / 2 + size * 0.22, text)


class BriefingTable(Table):
    """A ``Table`` that says how many body rows it draws (progress counts them)."""

    @property
    def body_rows(self) -> int:
        return max(self._nrows - 1, 1)


class TableChunk(Flowable):
    """A chunk of a record table not made yet: the doc template turns it into its
    :class:`BriefingTable` when the layout reaches it (``BriefingDoc.filterFlowables``), and
    drops the table once it is drawn. A long annex so holds one chunk's table (its wrapped
    cells and reportlab's style object per cell) at a time, not those of every page to come."""

    def __init__(self, make: Callable[[], BriefingTable], body_rows: int):
        super().__init__()
        self.make, self.body_rows = make, body_rows

    def wrap(self, availWidth, availHeight):
        raise TypeError("a TableChunk is laid out as the table it makes (BriefingDoc)")


class Tables:
    """Makes the tables of one document: widths fitted within ``frame_width``, cells wrapped."""

    def __init__(self, wrapper: LineWrapper, cell: ParagraphStyle, frame_width: float,
                 check_cancel: Callable[[], None]):
        self.wrapper, self.size, self.leading = wrapper, cell.fontSize, cell.leading
        self.frame_width = frame_width
        self.check_cancel = check_cancel

    def _measure(self, header: Sequence[str], body: Sequence[Sequence[str]]
                 ) -> tuple[list[float], list[float]]:
        """Each column's natural width (its widest value on one line) and its minimum (no
        column narrower than its longest word, header or value, up to a cap)."""
        width, size = self.wrapper.width, self.size
        sample = body[:SAMPLE_ROWS]
        natural, minimum = [], []
        for c, head in enumerate(header):
            head_min = max((width(w, FONT_BOLD, size) for w in head.split()), default=0)
            word_min = max((width(w, FONT, size) for row in sample if row[c]
                            for w in row[c].split()), default=0)
            widest = max((width(row[c], FONT, size) for row in sample if row[c]), default=0)
            natural.append(max(widest, head_min, 12) + PAD)
            minimum.append(min(max(head_min, word_min), 110) + PAD)
        return natural, minimum

    def fit_widths(self, header: Sequence[str], body: Sequence[Sequence[str]],
                   types: Sequence[str]) -> list[float]:
        """Column widths from the content (a sample of rows): dates, numbers and choices as wide
        as they need (within a cap), text columns share the rest in proportion to their text."""
        natural, minimum = self._measure(header, body)
        fixed = [i for i, t in enumerate(types) if t != "text"]
        text = [i for i, t in enumerate(types) if t == "text"]
        widths = list(natural)
        for i in fixed:  # wide enough for the value and, when it is short, the whole header
            full_header = self.wrapper.width(header[i], FONT_BOLD, self.size) + PAD
            widths[i] = max(minimum[i], min(max(natural[i], full_header), 95))
        total = self.frame_width
        if not text:
            scale = total / sum(widths)
            return [w * scale for w in widths]
        rest = total - sum(widths[i] for i in fixed)
        if rest < MIN_TEXT * len(text):
            squeeze = (total - MIN_TEXT * len(text)) / sum(widths[i] for i in fixed)
            for i in fixed:
                widths[i] = max(minimum[i], widths[i] * max(squeeze, 0.4))
            rest = total - sum(widths[i] for i in fixed)
        want = sum(natural[i] for i in text)
        if want <= rest:  # everything fits: the spare room goes to the text columns
            for i in text:
                widths[i] = natural[i] + (rest - want) * natural[i] / want
        else:
            _share(widths, natural, minimum, text, rest)
        over = sum(widths) - total
        if over > 0:  # take the excess from the columns wider than their longest word
            slack = {i: w - minimum[i] for i, w in enumerate(widths) if w > minimum[i]}
            room = sum(slack.values())
            for i, extra in slack.items():
                widths[i] -= min(over, room) * extra / room
        scale = total / sum(widths)
        return [w * scale for w in widths]

    def cell(self, text: str, width: float, font: str = FONT) -> str:
        """A table cell as plain text wrapped to the column (drawn literally: no markup is
        parsed, and it lays out many times faster than a Paragraph)."""
        if not text:
            return ""
        return "\n".join(self.wrapper.lines(text, width - 8, font, self.size))

    def chunked(self, header: Sequence[str], body: Sequence[Sequence[str]],
                types: Sequence[str], *, alert: bool = False,
                alert_cells: Sequence[tuple[int, int]] = ()) -> list[Flowable]:
        """Tables of at most CHUNK_ROWS rows, each repeating the header row on every page;
        ``alert``: every body row in red, else the ``alert_cells`` (row, column)."""
        widths = self.fit_widths(header, body, types)
        right = [c for c, t in enumerate(types) if t == "int"]
        head = [self.cell(h, widths[c], FONT_BOLD) for c, h in enumerate(header)]
        red = colors.HexColor(RED)

        def make(start: int) -> BriefingTable:
            self.check_cancel()
            data = [head]
            for cells in body[start:start + CHUNK_ROWS]:
                data.append([self.cell(text, widths[c]) for c, text in enumerate(cells)])
            extra = []
            if alert:
                extra.append(("TEXTCOLOR", (0, 1), (-1, -1), red))
            for i, c in alert_cells:
                if start <= i < start + CHUNK_ROWS:
                    extra.append(("TEXTCOLOR", (c, i - start + 1), (c, i - start + 1), red))
            return self.table(data, widths, header=True, right=right, extra=extra)

        # Each chunk's table is made when the layout reaches it (TableChunk).
        return [TableChunk(partial(make, start), min(CHUNK_ROWS, len(body) - start))
                for start in range(0, len(body), CHUNK_ROWS)]

    def table(self, data, widths, header: bool = True, right: Sequence[int] = (),
              extra: list | None = None) -> BriefingTable:
        table = BriefingTable(data, colWidths=widths, repeatRows=1 if header else 0)
        stripes = [colors.white, colors.HexColor("#f6f7f9")]
        style = [
            ("FONT", (0, 0), (-1, -1), FONT, self.size),
            ("LEADING", (0, 0), (-1, -1), self.leading),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#c8ccd2")),
        ]
        for c in right:
            style.append(("ALIGN", (c, 1), (c, -1), "RIGHT"))
        if header:
            style += [
                ("FONT", (0, 0), (-1, 0), FONT_BOLD, self.size),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e4e8ee")),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor("#4a5563")),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), stripes),
            ]
        else:
            style += [("ROWBACKGROUNDS", (0, 0), (-1, -1), stripes)]
        table.setStyle(TableStyle(style + (extra or [])))
        return table


def _share(widths: list[float], natural: list[float], minimum: list[float], text: list[int],
           rest: float) -> None:
    """Share ``rest`` among the text columns by the square root of their natural width (long
    titles get more, short columns keep enough), never below what a column needs when it fits
    on one line."""
    remaining = {i: natural[i] ** 0.5 for i in text}
    room = rest
    while remaining:
        unit = room / sum(remaining.values())
        small = [i for i in remaining if natural[i] <= unit * remaining[i]]
        if not small:
            for i, weight in remaining.items():
                widths[i] = max(MIN_TEXT, minimum[i], unit * weight)
            break
        for i in small:
            widths[i] = natural[i]
            room -= natural[i]
            del remaining[i]
