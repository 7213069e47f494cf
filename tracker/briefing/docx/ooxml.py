"""WordprocessingML built with lxml: paragraphs, runs of literal text, fields, bookmarks,
internal links and tables. python-docx's objects cost a style lookup per call (about a
millisecond) and ``table.cell()`` is quadratic; a briefing of thousands of rows is built here
element by element and inserted once.

Text reaches Word literally: lxml escapes ``&``, ``<`` and ``>``; nothing is parsed as markup or
as a template. ``\\n`` becomes a line break, ``\\t`` a tab. Text in blocks is already cleaned
(control characters out); the bidirectional embedding, override and isolate controls are taken
out here too (:func:`plain`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
SE = etree.SubElement

#: U+202A-U+202E (embeddings, overrides) and U+2066-U+2069 (isolates). The PDF draws them as
#: nothing and keeps the text in the order it was typed; Word and LibreOffice would apply them
#: ("abc\u202edef" shows as "abcfed"), so one file could read differently from the other, and
#: a title could be made to read as something else. They go; the RTL and LTR marks stay.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def w(tag: str) -> str:
    """The qualified name of a WordprocessingML element or attribute."""
    return f"{{{W_NS}}}{tag}"


def plain(text: str) -> str:
    """Block text as Word gets it: the bidirectional controls removed."""
    return BIDI_CONTROLS.sub("", text)


def element(tag: str, **attrs: str) -> Any:
    el = etree.Element(w(tag))
    for name, value in attrs.items():
        el.set(w(name), value)
    return el


def child(parent, tag: str, **attrs: str) -> Any:
    el = SE(parent, w(tag))
    for name, value in attrs.items():
        el.set(w(name), value)
    return el


# --- runs and paragraphs --------------------------------------------------------------------------

def add_text(r, text: str) -> None:
    """Literal text into the run ``r``: ``\\n`` a line break, ``\\t`` a tab."""
    t_tag, br, tab = w("t"), w("br"), w("tab")
    for i, line in enumerate(plain(text).split("\n")):
        if i:
            SE(r, br)
        for j, part in enumerate(line.split("\t")):
            if j:
                SE(r, tab)
            if part:
                t = SE(r, t_tag)
                t.text = part
                if part[0] == " " or part[-1] == " ":
                    t.set(XML_SPACE, "preserve")


def run(parent, text: str = "", *, style: str | None = None, bold: bool = False
        ) -> Any:
    """A run of literal ``text`` appended to ``parent`` (a paragraph or a link)."""
    r = SE(parent, w("r"))
    if style or bold:
        rpr = SE(r, w("rPr"))
        if style:
            SE(rpr, w("rStyle")).set(w("val"), style)
        if bold:
            SE(rpr, w("b"))
    if text:
        add_text(r, text)
    return r


def paragraph(style: str | None = None, text: str = "", *, align: str | None = None,
              run_style: str | None = None, bold: bool = False) -> Any:
    """A new paragraph (not yet placed) in ``style`` holding ``text``."""
    p = element("p")
    if style or align:
        ppr = SE(p, w("pPr"))
        if style:
            SE(ppr, w("pStyle")).set(w("val"), style)
        if align:
            SE(ppr, w("jc")).set(w("val"), align)
    if text:
        run(p, text, style=run_style, bold=bold)
    return p


def paragraph_properties(p) -> Any:
    ppr = p.find(w("pPr"))
    if ppr is None:
        ppr = etree.Element(w("pPr"))
        p.insert(0, ppr)
    return ppr


def page_break_after(p) -> None:
    """Start a new page after the paragraph ``p`` (a break at its end, no empty paragraph)."""
    SE(SE(p, w("r")), w("br")).set(w("type"), "page")


def add_field(parent, instruction: str, cached: str = "", style: str | None = None) -> None:
    """A field (``PAGE``, ``NUMPAGES``, ``PAGEREF name \\h``) as Word writes it: begin,
    instruction, separate, the last result (what a reader shows until it updates), end."""
    def field_run():
        return run(parent, style=style)

    SE(field_run(), w("fldChar")).set(w("fldCharType"), "begin")
    instr = SE(field_run(), w("instrText"))
    instr.set(XML_SPACE, "preserve")
    instr.text = f" {instruction} "
    SE(field_run(), w("fldChar")).set(w("fldCharType"), "separate")
    result = field_run()
    if cached:
        add_text(result, cached)
    SE(field_run(), w("fldChar")).set(w("fldCharType"), "end")


_PLACEHOLDER = re.compile(r"\{(page|pages)\}")
_FIELDS = {"page": "PAGE", "pages": "NUMPAGES"}


def add_page_x_of_y(p, template: str, style: str | None = None) -> None:
    """The translated "Page {page} of {pages}" as literal runs around PAGE and NUMPAGES
    fields: a translation may put the placeholders in any order."""
    pos = 0
    for m in _PLACEHOLDER.finditer(template):
        if m.start() > pos:
            run(p, template[pos:m.start()], style=style)
        add_field(p, _FIELDS[m.group(1)], "1", style=style)
        pos = m.end()
    if pos < len(template):
        run(p, template[pos:], style=style)


def bookmark(p, number: int, name: str) -> None:
    """Bookmark the whole paragraph ``p`` as ``name`` (a contents line's target)."""
    start = element("bookmarkStart", id=str(number), name=name)
    ppr = p.find(w("pPr"))
    if ppr is None:
        p.insert(0, start)
    else:
        ppr.addnext(start)
    SE(p, w("bookmarkEnd")).set(w("id"), str(number))


def internal_link(p, anchor: str) -> Any:
    """A link to the bookmark ``anchor`` appended to ``p``; add runs to it."""
    link = SE(p, w("hyperlink"))
    link.set(w("anchor"), anchor)
    link.set(w("history"), "1")
    return link


# --- tables ---------------------------------------------------------------------------------------

def twips(points: float) -> int:
    return round(points * 20)


@dataclass(frozen=True)
class TableStyles:
    """The style ids a table uses: the table style, cell text, header text, alert text."""
    table: str
    text: str
    heading: str
    alert: str


def table(styles: TableStyles, widths: Sequence[int], *, header: bool) -> Any:
    """An empty table (rows are added with :func:`add_row`): fixed layout, the column widths
    in twips (``gridCol`` for LibreOffice, ``tcW`` in every cell for Word)."""
    tbl = element("tbl")
    pr = child(tbl, "tblPr")
    child(pr, "tblStyle", val=styles.table)
    child(pr, "tblW", w=str(sum(widths)), type="dxa")
    child(pr, "tblLayout", type="fixed")
    # tblLook's hex value and its attributes must agree (LibreOffice reads the hex value).
    child(pr, "tblLook", val="0420" if header else "0400", firstRow="1" if header else "0",
          lastRow="0", firstColumn="0", lastColumn="0", noHBand="0", noVBand="1")
    grid = child(tbl, "tblGrid")
    for width in widths:
        child(grid, "gridCol", w=str(width))
    return tbl


def add_row(tbl, cells: Iterable[str], widths: Sequence[int], para_style: str, *,
            header: bool = False, right: frozenset[int] = frozenset(),
            run_styles: dict[int, str] | None = None, bold: frozenset[int] = frozenset()
            ) -> Any:
    """A row that never splits across pages (``header``: repeated on every page). Columns
    in ``right`` align right; ``run_styles`` gives a column's text a character style (alert),
    ``bold`` makes a column's text bold."""
    tr, tc_tag, tcpr_tag, tcw_tag = SE(tbl, w("tr")), w("tc"), w("tcPr"), w("tcW")
    p_tag, ppr_tag, pstyle_tag, val, wid, typ = (w("p"), w("pPr"), w("pStyle"), w("val"),
                                                 w("w"), w("type"))
    trpr = SE(tr, w("trPr"))
    SE(trpr, w("cantSplit"))
    if header:
        SE(trpr, w("tblHeader"))
    for c, (text, width) in enumerate(zip(cells, widths)):
        tc = SE(tr, tc_tag)
        tcw = SE(SE(tc, tcpr_tag), tcw_tag)
        tcw.set(wid, str(width))
        tcw.set(typ, "dxa")
        p = SE(tc, p_tag)
        ppr = SE(p, ppr_tag)
        SE(ppr, pstyle_tag).set(val, para_style)
        if c in right:
            SE(ppr, w("jc")).set(val, "right")
        if text:
            run(p, text, style=run_styles.get(c) if run_styles else None, bold=c in bold)
    return tr
