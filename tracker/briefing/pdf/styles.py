"""How the briefing looks in reportlab: paragraph styles, colours, the paper, user text as
``Paragraph`` markup."""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle

from tracker.briefing.pdf.fonts import FONT, FONT_BOLD
from tracker.briefing.text import clean

LEVEL_COLOURS = {"public": "#1f6f3f", "internal": "#1d4e89", "restricted": "#a11d1d"}
RED = "#b3261e"  # alerts: overdue items, a key figure that needs attention
INK = "#1b1f24"
GREY = "#5b6573"
NAVY = "#14324f"


def page_size(paper: str) -> tuple[float, float]:
    return A4 if paper == "a4" else LETTER


def escape(text: str) -> str:
    """``xml.sax.saxutils.escape`` (whose import pulls in urllib): ``&``, ``<``, ``>``."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def markup(value: Any, limit: int | None = None) -> str:
    """User text for a ``Paragraph``: cleaned, escaped (prints literally), newlines kept."""
    return escape(clean(value, limit)).replace("\n", "<br/>")


def make_styles() -> dict[str, ParagraphStyle]:
    ink = colors.HexColor(INK)
    grey = colors.HexColor(GREY)
    base = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14, textColor=ink,
                          spaceAfter=4, alignment=TA_LEFT)

    def s(name, **kw):
        return ParagraphStyle(name, parent=base, **kw)

    return {
        "body": base,
        "small": s("small", fontSize=8.5, leading=11.5, textColor=grey, spaceAfter=6),
        "h1": s("h1", fontName=FONT_BOLD, fontSize=16, leading=20, spaceBefore=10,
                spaceAfter=8, textColor=colors.HexColor(NAVY)),
        "h2": s("h2", fontName=FONT_BOLD, fontSize=12, leading=16, spaceBefore=10,
                spaceAfter=5, textColor=colors.HexColor(NAVY)),
        "toc0": s("toc0", fontSize=11, leading=17),
        "toc1": s("toc1", fontSize=10, leading=15, leftIndent=16, textColor=grey),
        "cell": s("cell", fontSize=8, leading=10, spaceAfter=0),
        "cell_bold": s("cell_bold", fontName=FONT_BOLD, fontSize=8, leading=10, spaceAfter=0),
        "cell_bold_red": s("cell_bold_red", fontName=FONT_BOLD, fontSize=8, leading=10,
                           spaceAfter=0, textColor=colors.HexColor(RED)),
        "cover_marking": s("cover_marking", fontName=FONT_BOLD, fontSize=12, leading=16,
                           alignment=TA_CENTER, textColor=grey),
        "cover_title": s("cover_title", fontName=FONT_BOLD, fontSize=26, leading=32,
                         alignment=TA_CENTER, textColor=colors.HexColor(NAVY),
                         spaceAfter=12),
        "cover_sides": s("cover_sides", fontSize=16, leading=22, alignment=TA_CENTER,
                         textColor=ink),
        "cover_line": s("cover_line", fontSize=11, leading=16, alignment=TA_CENTER),
        "cover_note": s("cover_note", fontSize=9, leading=13, alignment=TA_CENTER,
                        textColor=grey),
        "chart_title": s("chart_title", fontName=FONT_BOLD, fontSize=10, leading=13,
                         spaceBefore=12, spaceAfter=2),
        # A note or a visit brief: its title, a bold lead line, points, the memo's labels.
        "title": s("title", fontName=FONT_BOLD, fontSize=18, leading=22, spaceAfter=10,
                   textColor=colors.HexColor(NAVY)),
        "lead": s("lead", fontName=FONT_BOLD, spaceBefore=4, spaceAfter=2),
        "bullet": s("bullet", leftIndent=14, bulletIndent=2, spaceAfter=3, bulletFontName=FONT),
        "memo_label": s("memo_label", fontName=FONT_BOLD, fontSize=9, leading=12,
                        spaceAfter=0, textColor=grey),
        "memo_value": s("memo_value", fontSize=9.5, leading=12.5, spaceAfter=0),
        "decision": s("decision", fontSize=10.5, leading=16, spaceBefore=6, spaceAfter=8),
    }

