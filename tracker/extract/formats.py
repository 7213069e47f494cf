"""Reading the text of a file, page by page: PDF (pypdf), Word (.docx) and OpenDocument (.odt)
text by reading the zip's XML with a bounded reader, HTML (the standard library's parser, text
only) and plain text (UTF-8, UTF-16 with a byte-order mark, Windows-1251).

Runs in the extraction worker (:mod:`tracker.extract.worker`), a process of its own under time
and memory limits; each reader also stops by itself at :class:`Bounds` (pages, characters, bytes
of XML expanded from a zip) and says why in a note code (:data:`NOTES`). ``emit(page, text)``
receives the pages in order.

Why not python-docx for Word files: it may be imported only by the Word briefing renderer
(import-linter), it parses the whole document into memory without a bound, and a zip bomb's
``word/document.xml`` must be stopped while it expands; reading the XML as a stream here covers
OpenDocument text with the same code.
"""

from __future__ import annotations

import codecs
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from xml.parsers.expat import ExpatError

from tracker.model.attachments import CSV, DOCX, HTML, ODT, PDF, TEXT

Emit = Callable[[int, str], None]

#: Why a reading stopped or failed (stored, and translated where shown).
NOTES = ("encrypted", "damaged", "pages", "chars", "expanded", "timeout", "memory", "crashed",
         "no-text", "unsupported")


@dataclass(frozen=True)
class Bounds:
    max_pages: int = 5000
    max_chars: int = 10_000_000
    max_xml_bytes: int = 64 * 1024 * 1024  # bytes of XML read out of a zip (a zip bomb stops)
    max_members: int = 10_000


class Stop(Exception):  # noqa: N818 - a reading that ends early, with its note code
    def __init__(self, note: str, status: str = "partial"):
        super().__init__(note)
        self.note, self.status = note, status


def read(path: str, kind: str, bounds: Bounds, emit: Emit) -> None:
    """The text of the file at ``path`` of media type ``kind`` through ``emit``; raises
    :class:`Stop` when it ends before the whole text is read."""
    readers = {PDF: read_pdf, DOCX: read_docx, ODT: read_odt, HTML: read_html, TEXT: read_text,
               CSV: read_text}
    reader = readers.get(kind)
    if reader is None:
        raise Stop("unsupported", "none")
    reader(path, bounds, emit)


# --- PDF ----------------------------------------------------------------------------------------

def read_pdf(path: str, bounds: Bounds, emit: Emit) -> None:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PyPdfError

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # a damaged file's warnings
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")  # many are encrypted with an empty password
            except (DependencyError, NotImplementedError, PyPdfError, ValueError, KeyError):
                opened = 0
            if not opened:
                raise Stop("encrypted", "failed")
        count = len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError, OSError) as exc:
        raise Stop("damaged", "failed") from exc
    damaged = False
    for i in range(min(count, bounds.max_pages)):
        try:
            text = reader.pages[i].extract_text() or ""
        except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
                RecursionError, ZeroDivisionError, OverflowError, UnicodeError):
            damaged = True
            continue
        emit(i + 1, text)
    if count > bounds.max_pages:
        raise Stop("pages")
    if damaged:
        raise Stop("damaged")


# --- Word and OpenDocument: the zip's XML, as a bounded stream ----------------------------------

MAX_RATIO = 100  # expanded / compressed bytes of XML (documents: 5 to 30; zip bombs: 400+)
RATIO_FREE_BYTES = 1024 * 1024


class _Bounded(io.RawIOBase):
    """A zip member's bytes, refused beyond ``limit`` or when they expand more than MAX_RATIO
    times the compressed bytes read so far (counted as read, whatever the zip declares)."""

    def __init__(self, raw, limit: int, compressed: int):
        super().__init__()
        self.raw, self.limit, self.compressed, self.count = raw, limit, compressed, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size if size and size > 0 else 65536)
        self.count += len(data)
        if self.count > self.limit:
            raise Stop("expanded")
        left = getattr(self.raw, "_compress_left", None)  # the stdlib's count, if it keeps one
        if isinstance(left, int) and self.count > RATIO_FREE_BYTES:
            consumed = max(1, self.compressed - left)
            if self.count > MAX_RATIO * consumed:
                raise Stop("expanded")
        return data


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main "
T = "urn:oasis:names:tc:opendocument:xmlns:text:1.0 "
#: How each format keeps its text (expat's "namespace local" names).
_DOCX = {"member": "word/document.xml", "paragraph": {W + "p"}, "text": {W + "t"},
         "tab": {W + "tab"}, "break": {W + "br", W + "cr"},
         "page": {W + "lastRenderedPageBreak"}, "space": set()}
_ODT = {"member": "content.xml", "paragraph": {T + "p", T + "h"}, "text": None,
        "tab": {T + "tab"}, "break": {T + "line-break"}, "page": {T + "soft-page-break"},
        "space": {T + "s"}}


def read_docx(path: str, bounds: Bounds, emit: Emit) -> None:
    _read_office(path, bounds, emit, _DOCX)


def read_odt(path: str, bounds: Bounds, emit: Emit) -> None:
    _read_office(path, bounds, emit, _ODT)


def _read_office(path: str, bounds: Bounds, emit: Emit, spec: dict) -> None:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise Stop("damaged", "failed") from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > bounds.max_members:
            raise Stop("damaged", "failed")
        member = next((i for i in infos if i.filename == spec["member"]), None)
        if member is None:
            raise Stop("damaged", "failed")
        if member.flag_bits & 0x1:
            raise Stop("encrypted", "failed")
        try:
            with zf.open(member) as raw:
                _OfficeText(spec, emit, bounds).parse(
                    _Bounded(raw, bounds.max_xml_bytes, member.compress_size))
        except Stop:
            raise
        except (ExpatError, zipfile.BadZipFile, OSError, EOFError, ValueError,
                NotImplementedError, RuntimeError) as exc:
            raise Stop("damaged") from exc


class _OfficeText:
    """A document's text as the XML parser (expat, no tree) meets it: memory stays flat however
    the document is built. A document type declaration (never in a Word or OpenDocument file;
    how entity bombs begin) stops the reading."""

    def __init__(self, spec: dict, emit: Emit, bounds: Bounds):
        self.spec, self.emit, self.bounds = spec, emit, bounds
        self.page, self.lines, self.parts = 1, [], []
        self.depth = 0  # inside a paragraph (ODT) / inside a text element (Word)
        self.chars = 0

    def parse(self, stream) -> None:
        from xml.parsers import expat

        parser = expat.ParserCreate(namespace_separator=" ")
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self._doctype
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._data
        while data := stream.read(65536):
            parser.Parse(data, False)
        parser.Parse(b"", True)
        self.new_page()

    def _doctype(self, *_args) -> None:
        raise Stop("damaged")

    def _inside(self) -> set:
        return self.spec["text"] if self.spec["text"] is not None else self.spec["paragraph"]

    def _start(self, name: str, attrs: dict) -> None:
        spec = self.spec
        if name in self._inside():
            self.depth += 1
        if name in spec["page"] or (name == W + "br" and attrs.get(W + "type") == "page"):
            self.new_page()
        elif name in spec["tab"]:
            self.parts.append("\t")
        elif name in spec["break"]:
            self.parts.append("\n")
        elif name in spec["space"]:
            self.parts.append(" " * max(1, min(int(attrs.get(T + "c") or 1), 100)))

    def _end(self, name: str) -> None:
        if name in self._inside():
            self.depth = max(0, self.depth - 1)
        if name in self.spec["paragraph"]:
            self.lines.append("".join(self.parts))
            self.parts = []

    def _data(self, text: str) -> None:
        if self.depth:
            room = self.bounds.max_chars - self.chars
            self.parts.append(text[:max(0, room)])
            self.chars += len(text)
            if self.chars > self.bounds.max_chars:
                self.new_page()
                raise Stop("chars")

    def new_page(self) -> None:
        self.lines.append("".join(self.parts))
        self.parts = []
        text = "\n".join(line for line in self.lines if line).strip()
        if text:
            self.emit(self.page, text)
        self.lines = []
        self.page += 1


# --- HTML and plain text ------------------------------------------------------------------------

class _Text(HTMLParser):
    SKIP = {"script", "style", "noscript", "template", "head", "svg", "object"}
    BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table",
             "section", "article", "blockquote", "pre", "hr", "dd", "dt"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skipping = 0
        self.parts: list[str] = []
        self.size = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data) -> None:
        if not self.skipping:
            self.parts.append(data)
            self.size += len(data)


def read_html(path: str, bounds: Bounds, emit: Emit) -> None:
    parser = _Text()
    for piece in _decoded(path):
        parser.feed(piece)
        if parser.size > bounds.max_chars:
            _emit_pages("".join(parser.parts)[:bounds.max_chars], bounds, emit)
            raise Stop("chars")
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    _emit_pages("\n".join(line for line in lines if line), bounds, emit)


def read_text(path: str, bounds: Bounds, emit: Emit) -> None:
    parts, size = [], 0
    for piece in _decoded(path):
        parts.append(piece)
        size += len(piece)
        if size > bounds.max_chars:
            _emit_pages("".join(parts)[:bounds.max_chars], bounds, emit)
            raise Stop("chars")
    _emit_pages("".join(parts), bounds, emit)


def _emit_pages(text: str, bounds: Bounds, emit: Emit) -> None:
    """Pages of a text file are separated by form feeds (as printers and pdftotext have them)."""
    pages = text.split("\f")
    for n, page in enumerate(pages[:bounds.max_pages], start=1):
        if page.strip():
            emit(n, page)
    if len(pages) > bounds.max_pages:
        raise Stop("pages")


def encoding_of(head: bytes) -> str:
    """The encoding of a text file from its first bytes: a byte-order mark (UTF-8, UTF-16),
    else UTF-8 if they decode as such, else Windows-1251 (Cyrillic, as Russian Windows saves)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not only a character cut at the end of the sample
            return "cp1251"
    return "utf-8"


def _decoded(path: str, chunk: int = 1 << 20):
    """The file's text, a piece at a time, in the encoding :func:`encoding_of` finds from its
    first megabyte (a byte that does not decode later becomes U+FFFD)."""
    with open(path, "rb") as fh:
        head = fh.read(chunk)
        decoder = codecs.getincrementaldecoder(encoding_of(head))(errors="replace")
        data = head
        while data:
            yield decoder.decode(data)
            data = fh.read(chunk)
        yield decoder.decode(b"", final=True)
