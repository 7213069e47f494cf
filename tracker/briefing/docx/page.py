"""The page: paper and margins, and what every page's header and footer say, as the PDF has
them: the classification marking at the top and the bottom of every page (the cover too), the
title and date above the text and the sides and "Page X of Y" below it (not on the cover).
"Page X of Y" is a pair of Word fields (PAGE, NUMPAGES): Word and LibreOffice fill them in.

A letterhead keeps its page setup and its headers and footers: our lines go above its header
content and below its footer content, on the first page too when it has a first-page
letterhead. Where the marking goes is a :class:`MarkingLayout`: the banner (the PDF's) today;
the first-page-corner marking with a copy number of Russian and Belarusian practice is another
layout (``FIRST_PAGE_CORNER``), to be offered as a setting.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from docx.enum.section import WD_ORIENT
from docx.shared import Cm, Mm

from tracker.briefing.blocks import Meta
from tracker.briefing.docx import ooxml
from tracker.briefing.docx.ooxml import w
from tracker.briefing.docx.styles import (
    FOOTER,
    HEADER,
    MARKING,
    OWN_HEADER_STYLES,
    PAGE_LINE,
    RUNNING_FOOT,
    RUNNING_HEAD,
)
from tracker.i18n import _

PAPER = {"a4": (Mm(210), Mm(297)), "letter": (Mm(215.9), Mm(279.4))}
#: The PDF's margins.
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = Cm(2), Cm(2.4), Cm(2.2)
HEADER_DISTANCE, FOOTER_DISTANCE = Cm(0.7), Cm(0.6)
#: The marking's colour per classification (the PDF's).
LEVEL_COLOURS = {"public": "1F6F3F", "internal": "1D4E89", "restricted": "A11D1D"}


@dataclass(frozen=True)
class MarkingLayout:
    """Where the classification marking is printed.

    ``every_page``: at the top and the bottom of every page (the banner); otherwise only at
    the top of the first page. ``align``: "center" or "right". ``copy_number``: a "Copy No. N"
    line under the first page's marking."""
    every_page: bool = True
    align: Literal["center", "right"] = "center"
    copy_number: int | None = None


BANNER = MarkingLayout()
FIRST_PAGE_CORNER = MarkingLayout(every_page=False, align="right")


def setup_page(section, paper: str) -> None:
    """Our own document's paper and margins (a letterhead keeps its own)."""
    width, height = PAPER[paper]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = width, height
    section.left_margin = section.right_margin = MARGIN_X
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.header_distance, section.footer_distance = HEADER_DISTANCE, FOOTER_DISTANCE
    section.gutter = 0


def text_width(section) -> int:
    """The width between the margins, in twips."""
    return round((section.page_width - section.left_margin - section.right_margin) / 635)


def layout_of(meta: Meta) -> MarkingLayout:
    """The marking layout a briefing asks for (the copy numbers are in the body)."""
    return FIRST_PAGE_CORNER if meta.marking_style == "corner" else BANNER


def decorate(section, meta: Meta, ids: dict[str, str], *, own: bool, even_pages: bool = False,
             layout: MarkingLayout = BANNER) -> None:
    """Write the marking, the running lines and the page numbers into the section's headers
    and footers. ``own``: our document (the cover page gets a header and footer of its own);
    a letterhead's first page has its own only when the letterhead has one, its even pages
    only when it has them (``even_pages``)."""
    if own:
        section.different_first_page_header_footer = True
    first_page = section.different_first_page_header_footer
    stories = [(False, section.header, section.footer)]
    if even_pages:
        stories.append((False, section.even_page_header, section.even_page_footer))
    if first_page:
        stories.append((True, section.first_page_header, section.first_page_footer))
    for is_first, header, footer in stories:
        header.is_linked_to_previous = False
        footer.is_linked_to_previous = False
        head, foot = header.part.element, footer.part.element
        _drop_own_lines(head, ids)
        _drop_own_lines(foot, ids)
        _drop_empty_start(head)
        _drop_empty_start(foot)
        cover = is_first  # the cover (a letterhead's first page): no running title, sides
        top = []
        if layout.every_page or is_first:
            top.append(_marking(meta, ids, layout.align))
            if layout.copy_number is not None and is_first:
                top.append(_marking(meta, ids, layout.align, _("Copy No. {n}").format(
                    n=layout.copy_number)))
        if not cover:
            top.append(_running(ids[RUNNING_HEAD], meta.title, meta.date))
        for i, p in enumerate(top):
            head.insert(i, p)
        foot.append(_page_line(meta, ids, None if cover else meta.sides, meta.copies > 1))
        if layout.every_page:
            foot.append(_marking(meta, ids, layout.align))
        _close(head, ids[HEADER])
        _close(foot, ids[FOOTER])


def _marking(meta: Meta, ids: dict[str, str], align: str, text: str | None = None):
    p = ooxml.paragraph(ids[MARKING], align=None if align == "center" else align)
    r = ooxml.run(p)
    ooxml.child(ooxml.child(r, "rPr"), "color", val=LEVEL_COLOURS.get(meta.level, "000000"))
    ooxml.add_text(r, text if text is not None else meta.marking)
    return p


def _running(style: str, left: str, right: str):
    """One line: ``left`` at the margin, ``right`` at the right margin."""
    p = ooxml.paragraph(style, left)
    ooxml.run(p, "\t" + right)
    return p


def _page_line(meta: Meta, ids: dict[str, str], sides: str | None, copies: bool = False):
    """The footer line: the sides on the left (not on the cover), "Page X of Y" on the
    right. Numbered copies restart their page numbers and say "Page X" only: the pages of
    one section (SECTIONPAGES) are counted by Word but not by LibreOffice, which shows the
    whole document's."""
    p = ooxml.paragraph(ids[RUNNING_FOOT if sides is not None else PAGE_LINE])
    if sides is not None:
        ooxml.run(p, sides + "\t")
    ooxml.add_page_x_of_y(p, _("Page {page}") if copies else _("Page {page} of {pages}"))
    return p


def restart_numbering(sect_pr) -> None:
    """The section's pages are numbered from 1 (each numbered copy is a section)."""
    for old in sect_pr.findall(w("pgNumType")):
        sect_pr.remove(old)
    number = ooxml.element("pgNumType", start="1")
    # pgNumType comes after pgSz, pgMar, paperSrc, pgBorders, lnNumType (the schema's order).
    before = [c for c in sect_pr if isinstance(c.tag, str) and c.tag.split("}")[-1] in (
        "footnotePr", "endnotePr", "type", "pgSz", "pgMar", "paperSrc", "pgBorders",
        "lnNumType", "headerReference", "footerReference")]
    if before:
        before[-1].addnext(number)
    else:
        sect_pr.insert(0, number)


def _drop_own_lines(story, ids: dict[str, str]) -> None:
    """Lines an earlier briefing wrote (a letterhead made from one): its marking and title."""
    own = {ids[name] for name in OWN_HEADER_STYLES}
    for p in story.findall(w("p")):
        style = p.find(f"{w('pPr')}/{w('pStyle')}")
        if style is not None and style.get(w("val")) in own:
            story.remove(p)


def _drop_empty_start(story) -> None:
    """A new header or footer starts with one empty paragraph: it would be a blank line."""
    paragraphs = story.findall(w("p"))
    if len(paragraphs) == 1 and len(story) == 1 and not "".join(paragraphs[0].itertext()) \
            and paragraphs[0].find(f".//{w('drawing')}") is None:
        story.remove(paragraphs[0])


def _close(story, style: str) -> None:
    """A header or footer must end with a paragraph (not a table)."""
    if len(story) == 0 or story[-1].tag != w("p"):
        story.append(ooxml.paragraph(style))
