"""The named styles of a DOCX briefing: Word's own (Normal, Title, Heading 1 and 2, header,
footer, the contents' levels) and ours (table text, small text, notes, sources, the marking), so
a Word user restyles a whole briefing by changing a style. Everything in the body uses them;
the only direct formatting is a bold value, a right-aligned number and the marking's colour.

In a briefing of our own the built-in styles get the briefing's look (the PDF's sizes and
colours, Arial). A letterhead's styles are kept as they are; the styles it lacks (Word saves
only those a document uses) are added, without a font of their own, so they follow the
letterhead's Normal.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from tracker.briefing.blocks import ALERT_COLOUR
from tracker.briefing.docx.ooxml import W_NS, w

FONT = "Arial"  # on every Word; LibreOffice uses a metric twin or DejaVu Sans, all with Cyrillic
INK, GREY, NAVY, NOTES_GREY = "1B1F24", "5B6573", "14324F", "3D4550"
ALERT = ALERT_COLOUR.lstrip("#").upper()

LANGUAGE_TAGS = {"en": "en-GB", "ru": "ru-RU"}
#: The table text's size in points (the column widths are fitted for it).
TABLE_TEXT_SIZE = 8.5

# Names as Word writes them in styles.xml (built-in ones in lower case: "heading 1").
NORMAL, TITLE, SUBTITLE = "Normal", "Title", "Subtitle"
HEADING = {1: "heading 1", 2: "heading 2"}
TOC_HEADING, TOC = "TOC Heading", {1: "toc 1", 2: "toc 2"}
HEADER, FOOTER = "header", "footer"
SMALL, BODY = "Small", NORMAL
TABLE, TABLE_TEXT, TABLE_HEADING, ALERT_TEXT = ("Briefing Table", "Table Text",
                                                "Table Heading", "Alert")
COVER_MARKING, COVER_LINE, COVER_NOTE = "Cover Marking", "Cover Line", "Cover Note"
NOTES_HEADING, NOTE_TITLE, NOTE = "Notes Heading", "Note Title", "Note"
SOURCE, SOURCE_DETAILS, CITATION, QUOTATION = ("Source", "Source Details", "Citation",
                                               "Quotation")
MARKING, RUNNING_HEAD, RUNNING_FOOT, PAGE_LINE = ("Classification Marking", "Running Head",
                                                  "Running Foot", "Page Line")
CHART_TITLE = "Chart Title"
# A note or a visit brief: its title, a bold lead line, points, the memo's heading block, the
# reader's boxes, the copy number at the top of each copy.
BRIEF_TITLE, LEAD, POINT, MEMO_LABEL, MEMO_VALUE, DECISION, COPY_NUMBER = (
    "Brief Title", "Lead", "Point", "Memo Label", "Memo Value", "Decision", "Copy Number")
#: Paragraph styles only our header and footer lines use: a letterhead made from an older
#: briefing loses those lines (its marking and title) before the new ones go in.
OWN_HEADER_STYLES = (MARKING, RUNNING_HEAD, RUNNING_FOOT, PAGE_LINE)


@dataclass(frozen=True)
class StyleDef:
    """One style: its name, type, preferred id, base, and the inner XML of its pPr and rPr
    (``{frame}`` and ``{middle}``: the text width and its half, in twips)."""
    name: str
    kind: str
    style_id: str
    based: str | None = None
    ppr: str = ""
    rpr: str = ""
    builtin: bool = False
    table: str = ""  # a table style's tblPr and tblStylePr

    def xml(self, style_id: str, based_id: str | None, frame: int) -> str:
        parts = [f'<w:style xmlns:w="{W_NS}" w:type="{self.kind}" w:styleId="{style_id}"'
                 + ("" if self.builtin else ' w:customStyle="1"')
                 # Normal stays the paragraph style of a paragraph that names none.
                 + (' w:default="1"' if self.name == NORMAL else "") + ">",
                 f'<w:name w:val="{self.name}"/>']
        if based_id:
            parts.append(f'<w:basedOn w:val="{based_id}"/>')
        parts.append('<w:qFormat/>' if self.kind != "table" else '<w:uiPriority w:val="59"/>')
        if self.ppr:
            parts.append("<w:pPr>" + self.ppr.format(frame=frame, middle=frame // 2)
                         + "</w:pPr>")
        if self.rpr:
            parts.append(f"<w:rPr>{self.rpr}</w:rPr>")
        parts.append(self.table)
        return "".join(parts) + "</w:style>"


def _sz(points: float) -> str:
    half = round(points * 2)
    return f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'


def _colour(rgb: str) -> str:
    return f'<w:color w:val="{rgb}"/>'


_KEEP = "<w:keepNext/><w:keepLines/>"
_BORDER = '<w:{side} w:val="single" w:sz="{sz}" w:space="{space}" w:color="{colour}"/>'


def _border(side: str, sz: int, colour: str, space: int = 1) -> str:
    return _BORDER.format(side=side, sz=sz, space=space, colour=colour)


_TABLE_XML = (
    "<w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr>"
    "<w:tblPr><w:tblBorders>"
    + _border("bottom", 2, "C8CCD2", 0) + _border("insideH", 2, "C8CCD2", 0)
    + "</w:tblBorders><w:tblCellMar>"
    '<w:top w:w="50" w:type="dxa"/><w:left w:w="80" w:type="dxa"/>'
    '<w:bottom w:w="60" w:type="dxa"/><w:right w:w="80" w:type="dxa"/>'
    "</w:tblCellMar></w:tblPr>"
    '<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:bCs/></w:rPr><w:tcPr><w:tcBorders>'
    + _border("bottom", 6, "4A5563", 0)
    + '</w:tcBorders><w:shd w:val="clear" w:color="auto" w:fill="E4E8EE"/></w:tcPr>'
    "</w:tblStylePr>"
    '<w:tblStylePr w:type="band2Horz"><w:tcPr>'
    '<w:shd w:val="clear" w:color="auto" w:fill="F6F7F9"/></w:tcPr></w:tblStylePr>'
)


def _spacing(before: int = 0, after: int = 0) -> str:
    return f'<w:spacing w:before="{before}" w:after="{after}"/>'


_TABS = ('<w:tabs><w:tab w:val="center" w:pos="{middle}"/>'
         '<w:tab w:val="right" w:pos="{frame}"/></w:tabs>')
#: The running lines: text on the left, the rest at the right margin (the centre stop cleared).
_ONE_TAB = '<w:tabs><w:tab w:val="clear" w:pos="{middle}"/></w:tabs>'
_TOC_TAB = '<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{frame}"/></w:tabs>'

#: Every style a briefing uses, bases before the styles built on them.
STYLES: tuple[StyleDef, ...] = (
    StyleDef(NORMAL, "paragraph", "Normal", None, builtin=True,
             ppr='<w:spacing w:after="80" w:line="264" w:lineRule="auto"/>',
             rpr=f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}"/>'
                 + _colour(INK) + _sz(10)),
    StyleDef(TITLE, "paragraph", "Title", NORMAL, builtin=True,
             ppr=_spacing(240, 240) + '<w:jc w:val="center"/>',
             rpr="<w:b/><w:bCs/>" + _colour(NAVY) + _sz(26)),
    StyleDef(SUBTITLE, "paragraph", "Subtitle", NORMAL, builtin=True,
             ppr=_spacing(0, 120) + '<w:jc w:val="center"/>', rpr=_colour(INK) + _sz(16)),
    StyleDef(HEADING[1], "paragraph", "Heading1", NORMAL, builtin=True,
             ppr=_KEEP + _spacing(240, 160) + '<w:outlineLvl w:val="0"/>',
             rpr="<w:b/><w:bCs/>" + _colour(NAVY) + _sz(16)),
    StyleDef(HEADING[2], "paragraph", "Heading2", NORMAL, builtin=True,
             ppr=_KEEP + _spacing(200, 100) + '<w:outlineLvl w:val="1"/>',
             rpr="<w:b/><w:bCs/>" + _colour(NAVY) + _sz(12)),
    StyleDef(TOC_HEADING, "paragraph", "TOCHeading", HEADING[1], builtin=True,
             ppr='<w:outlineLvl w:val="9"/>'),
    StyleDef(TOC[1], "paragraph", "TOC1", NORMAL, builtin=True,
             ppr=_TOC_TAB + _spacing(0, 60), rpr=_sz(11)),
    StyleDef(TOC[2], "paragraph", "TOC2", NORMAL, builtin=True,
             ppr=_TOC_TAB + _spacing(0, 40) + '<w:ind w:left="320"/>',
             rpr=_colour(GREY) + _sz(10)),
    StyleDef(HEADER, "paragraph", "Header", NORMAL, builtin=True,
             ppr=_TABS + _spacing(0, 0), rpr=_colour(GREY) + _sz(8)),
    StyleDef(FOOTER, "paragraph", "Footer", NORMAL, builtin=True,
             ppr=_TABS + _spacing(0, 0), rpr=_colour(GREY) + _sz(8)),
    StyleDef(MARKING, "paragraph", "ClassificationMarking", HEADER,
             ppr=_spacing(0, 60) + '<w:jc w:val="center"/>', rpr="<w:b/><w:bCs/>" + _sz(9)),
    StyleDef(RUNNING_HEAD, "paragraph", "RunningHead", HEADER,
             ppr="<w:pBdr>" + _border("bottom", 4, "AAB2BD") + "</w:pBdr>" + _ONE_TAB
             + _spacing(0, 0)),
    StyleDef(RUNNING_FOOT, "paragraph", "RunningFoot", FOOTER,
             ppr="<w:pBdr>" + _border("top", 4, "AAB2BD") + "</w:pBdr>" + _ONE_TAB
             + _spacing(60, 60)),
    StyleDef(PAGE_LINE, "paragraph", "PageLine", FOOTER,
             ppr=_spacing(60, 60) + '<w:jc w:val="right"/>'),
    StyleDef(SMALL, "paragraph", "Small", NORMAL, ppr=_spacing(0, 120),
             rpr=_colour(GREY) + _sz(8.5)),
    StyleDef(TABLE_TEXT, "paragraph", "TableText", NORMAL,
             ppr='<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>',
             rpr=_sz(TABLE_TEXT_SIZE)),
    StyleDef(TABLE_HEADING, "paragraph", "TableHeading", TABLE_TEXT, ppr="<w:keepNext/>",
             rpr="<w:b/><w:bCs/>"),
    StyleDef(COVER_MARKING, "paragraph", "CoverMarking", NORMAL,
             ppr=_spacing(1700, 680) + '<w:jc w:val="center"/>',
             rpr="<w:b/><w:bCs/>" + _colour(GREY) + _sz(12)),
    StyleDef(COVER_LINE, "paragraph", "CoverLine", NORMAL,
             ppr=_spacing(0, 80) + '<w:jc w:val="center"/>', rpr=_sz(11)),
    StyleDef(COVER_NOTE, "paragraph", "CoverNote", NORMAL,
             ppr=_spacing(0, 60) + '<w:jc w:val="center"/>', rpr=_colour(GREY) + _sz(9)),
    StyleDef(NOTES_HEADING, "paragraph", "NotesHeading", NORMAL,
             ppr=_KEEP + _spacing(120, 60), rpr="<w:b/><w:bCs/>" + _sz(9)),
    StyleDef(NOTE_TITLE, "paragraph", "NoteTitle", NORMAL,
             ppr=_KEEP + _spacing(70, 0), rpr="<w:b/><w:bCs/>" + _sz(8)),
    StyleDef(NOTE, "paragraph", "Note", NORMAL,
             ppr=_spacing(0, 0) + '<w:ind w:left="240"/>', rpr=_colour(NOTES_GREY) + _sz(8)),
    StyleDef(SOURCE, "paragraph", "Source", NORMAL, ppr=_KEEP + _spacing(200, 20),
             rpr="<w:b/><w:bCs/>" + _sz(10.5)),
    StyleDef(SOURCE_DETAILS, "paragraph", "SourceDetails", NORMAL,
             ppr=_KEEP + _spacing(0, 60), rpr=_colour(GREY) + _sz(8.5)),
    StyleDef(CITATION, "paragraph", "Citation", NORMAL,
             ppr=_KEEP + _spacing(80, 20) + '<w:ind w:left="280"/>',
             rpr="<w:b/><w:bCs/>" + _sz(9)),
    StyleDef(QUOTATION, "paragraph", "Quotation", NORMAL,
             ppr=_spacing(0, 40) + '<w:ind w:left="280"/>', rpr=_sz(9)),
    StyleDef(BRIEF_TITLE, "paragraph", "BriefTitle", NORMAL,
             ppr=_KEEP + _spacing(0, 200), rpr="<w:b/><w:bCs/>" + _colour(NAVY) + _sz(18)),
    StyleDef(LEAD, "paragraph", "Lead", NORMAL, ppr="<w:keepNext/>" + _spacing(80, 40),
             rpr="<w:b/><w:bCs/>"),
    # A point: the bullet is typed ("•" and a tab), so it prints the same on any letterhead.
    StyleDef(POINT, "paragraph", "Point", NORMAL,
             ppr='<w:tabs><w:tab w:val="left" w:pos="284"/></w:tabs>' + _spacing(0, 60)
             + '<w:ind w:left="284" w:hanging="284"/>'),
    StyleDef(MEMO_LABEL, "paragraph", "MemoLabel", NORMAL, ppr=_spacing(20, 20),
             rpr="<w:b/><w:bCs/>" + _colour(GREY) + _sz(9)),
    StyleDef(MEMO_VALUE, "paragraph", "MemoValue", NORMAL, ppr=_spacing(20, 20),
             rpr=_sz(9.5)),
    StyleDef(DECISION, "paragraph", "Decision", NORMAL, ppr=_spacing(120, 160),
             rpr=_sz(10.5)),
    StyleDef(COPY_NUMBER, "paragraph", "CopyNumber", NORMAL, ppr=_spacing(0, 120),
             rpr=_sz(9)),
    StyleDef(ALERT_TEXT, "character", "Alert", None, rpr=_colour(ALERT)),
    StyleDef(TABLE, "table", "BriefingTable", None, table=_TABLE_XML),
    StyleDef(CHART_TITLE, "paragraph", "ChartTitle", NORMAL, ppr=_KEEP + _spacing(240, 40),
             rpr="<w:b/><w:bCs/>" + _sz(10)),
)


def install(styles_element, frame: int, own: bool, language: str = "en") -> dict[str, str]:
    """Put the briefing's styles into ``styles_element`` (styles.xml's root); their ids by name.

    ``own``: our own document, whose built-in styles take the briefing's look. Otherwise (a
    letterhead) a style it has is kept as it is, and one it lacks is added without a font of its
    own. ``frame`` is the text width in twips (the tab stops of the header, footer, contents);
    ``language`` the text's language (our Normal's, for spelling and hyphenation).
    """
    found = {}
    for el in styles_element.iter(w("style")):
        name = el.find(w("name"))
        if name is not None:
            found.setdefault(name.get(w("val"), "").lower(), el)
    taken = {el.get(w("styleId")) for el in styles_element.iter(w("style"))}
    ids: dict[str, str] = {}
    for d in STYLES:
        old = found.get(d.name.lower())
        if old is not None and not (own and d.builtin):
            ids[d.name] = old.get(w("styleId"))
            continue
        style_id = old.get(w("styleId")) if old is not None else _free_id(d.style_id, taken)
        taken.add(style_id)
        based = ids.get(d.based) if d.based else None
        new = etree.fromstring(_definition(d, own, language).xml(style_id, based, frame))
        if old is not None:
            styles_element.replace(old, new)
        else:
            styles_element.append(new)
        ids[d.name] = style_id
    return ids


def _definition(d: StyleDef, own: bool, language: str) -> StyleDef:
    """Our Normal says the text's language; a letterhead's added styles leave the font to its
    Normal."""
    rpr = d.rpr
    if own and d.name == NORMAL:
        rpr += f'<w:lang w:val="{LANGUAGE_TAGS.get(language, language)}"/>'
    elif not own and rpr.startswith("<w:rFonts"):
        rpr = rpr.split("/>", 1)[1]
    return StyleDef(d.name, d.kind, d.style_id, d.based, d.ppr, rpr, d.builtin, d.table)


def _free_id(preferred: str, taken: set[str]) -> str:
    style_id, n = preferred, 1
    while style_id in taken:
        n += 1
        style_id = f"{preferred}{n}"
    return style_id
