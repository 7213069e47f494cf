"""Files attached to records: declarations only, no I/O.

A file is kept inside the database by the SHA-256 of its content (stored once however often it is
attached); an attachment names it on a record with a file name, a size and a media type. What is
declared here: how a name given by a file system, a user or an imported file becomes a name safe
to show and to write anywhere (:func:`clean_file_name`); what a file is, from its first bytes and
its name (:func:`media_type`); which files the application hands to the system's viewer
(:func:`openable`) and reads text from (:data:`TEXT_TYPES`); the size limit; and how the text of
a file with pages reads as a source's text (page marks, :func:`page_at`).
"""

from __future__ import annotations

import re
import unicodedata

from tracker.i18n import N_, _, current_language

#: The setting that holds the largest file one may attach, in MB (MiB).
LIMIT_SETTING = "attachment_limit_mb"
DEFAULT_LIMIT_MB = 100
MAX_LIMIT_MB = 1000  # what the setting may be raised to
MB = 1024 * 1024
#: A stored file name is at most this many bytes in UTF-8 (file systems allow 255; room is left
#: for the prefixes of temporary copies).
MAX_NAME_BYTES = 200
FALLBACK_NAME = "attachment"

# Characters Windows refuses in a file name (besides the path separators and controls).
_WINDOWS_FORBIDDEN = str.maketrans({c: "_" for c in '<>:"|?*'})
# Device names Windows reserves whatever the extension (CON.txt is the console).
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{dev}{n}" for dev in ("COM", "LPT") for n in [*"0123456789", "¹", "²", "³"]})


def _visible(ch: str) -> bool:
    """False for characters that change how a name reads without being seen: controls (C0, C1),
    format characters (bidi overrides and isolates, zero-width ones, the BOM), surrogates and
    line or paragraph separators."""
    return unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Zl", "Zp")


def clean_file_name(name: object) -> str:
    """A name safe to show and to use as a file name on any system, keeping the letters the
    user wrote (Cyrillic included): the last part of a path only (``../../x`` is ``x``); no
    control, format (bidi override) or invisible separator characters; no characters Windows
    refuses; no leading or trailing dots or spaces; not a name Windows reserves for a device
    (``CON``, ``LPT1.txt``); at most :data:`MAX_NAME_BYTES` bytes, cut in the name and not in its
    extension. Applied twice it changes nothing."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch if _visible(ch) else "" for ch in text)
    text = " ".join(text.translate(_WINDOWS_FORBIDDEN).split())
    text = text.strip(" .")
    if not text:
        return FALLBACK_NAME
    if text.split(".", 1)[0].rstrip(" ").upper() in _RESERVED:
        text = "_" + text
    if len(text.encode("utf-8")) <= MAX_NAME_BYTES:
        return text
    stem, dot, ext = text.rpartition(".")
    if not dot or not stem or len(ext) > 16 or not ext.isalnum():
        stem, ext = text, ""
    room = MAX_NAME_BYTES - (len(ext.encode("utf-8")) + 1 if ext else 0)
    stem = stem.encode("utf-8")[:room].decode("utf-8", "ignore").rstrip(" .") or FALLBACK_NAME
    return f"{stem}.{ext}" if ext else stem


# --- what a file is ---------------------------------------------------------------------------

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
HTML = "text/html"
TEXT = "text/plain"
CSV = "text/csv"
OCTETS = "application/octet-stream"
EXECUTABLE = "application/x-executable"
#: Media types whose text is extracted and searched.
TEXT_TYPES = frozenset({PDF, DOCX, ODT, HTML, TEXT, CSV})

_BY_EXTENSION = {
    "pdf": PDF, "docx": DOCX, "odt": ODT, "html": HTML, "htm": HTML, "txt": TEXT, "csv": CSV,
    "doc": "application/msword", "rtf": "application/rtf", "xml": "application/xml",
    "xls": "application/vnd.ms-excel", "ppt": "application/vnd.ms-powerpoint",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
    "tif": "image/tiff", "tiff": "image/tiff", "bmp": "image/bmp", "webp": "image/webp",
    "zip": "application/zip", "eml": "message/rfc822",
}
_MAGIC = (
    (b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"), (b"GIF89a", "image/gif"), (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"), (b"{\\rtf", "application/rtf"),
    (b"MZ", EXECUTABLE), (b"\x7fELF", EXECUTABLE), (b"#!", EXECUTABLE),
    (b"\xcf\xfa\xed\xfe", EXECUTABLE), (b"\xfe\xed\xfa\xcf", EXECUTABLE),
)
_ODF = b"mimetypeapplication/vnd.oasis.opendocument."
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.casefold() if dot and stem else ""


def media_type(name: str, head: bytes) -> str:
    """What a file is, from its first bytes (a few KB) first and its name second: a PDF is a PDF
    whatever it is called, a program is a program."""
    ext = extension(name)
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"PK\x03\x04"):
        if head[30:30 + len(_ODF)] == _ODF:
            sub = head[30 + len(_ODF):30 + len(_ODF) + 40].split(b"PK", 1)[0]
            return "application/vnd.oasis.opendocument." + sub.decode("ascii", "replace")
        if ext == "docx" or b"word/" in head:
            return DOCX
        known = _BY_EXTENSION.get(ext, "")
        return known if known.startswith("application/vnd.") else "application/zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE file: Word, Excel, PowerPoint 97-2003
        known = _BY_EXTENSION.get(ext, "")
        return known if ext in ("doc", "xls", "ppt") else OCTETS
    if _looks_like_text(head):
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:200].lower()
        if ext in ("html", "htm") or start.startswith((b"<!doctype html", b"<html")):
            return HTML
        known = _BY_EXTENSION.get(ext)
        return known if known in (CSV, "application/xml", "message/rfc822") else TEXT
    if ext in ("txt", "csv", "html", "htm"):  # binary content under a text file's name
        return OCTETS
    return _BY_EXTENSION.get(ext, OCTETS)


def _looks_like_text(head: bytes) -> bool:
    if head.startswith(_BOMS[1:]):
        return True
    if b"\x00" in head:
        return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls * 50 < max(len(head), 1)


#: Extensions the application hands to the system's viewer. Anything else (programs, scripts,
#: shortcuts, macro-enabled documents, unknown types) can only be saved.
OPENABLE = frozenset({"pdf", "docx", "doc", "odt", "rtf", "txt", "csv", "xlsx", "xls", "ods",
                      "pptx", "ppt", "odp", "png", "jpg", "jpeg", "gif", "tif", "tiff", "bmp",
                      "webp", "html", "htm"})


def openable(name: str, kind: str) -> bool:
    """True when a file named ``name`` of media type ``kind`` may be opened in the system's viewer:
    its extension is a document's or an image's, and its content is not a program."""
    return extension(name) in OPENABLE and kind != EXECUTABLE


# --- sizes ------------------------------------------------------------------------------------

def format_size(n: int) -> str:
    """A file size as people read it: 512 bytes, 12 KB, 3.4 MB (in the interface language)."""
    from babel.numbers import format_decimal

    if n < 1024:
        return _("{n} B").format(n=n)
    for unit, label in ((MB * 1024, _("{n} GB")), (MB, _("{n} MB")), (1024, _("{n} KB"))):
        if n >= unit:
            value = n / unit
            shown = format_decimal(round(value, 1) if value < 100 else round(value),
                                   format="#,##0.#", locale=current_language())
            return label.format(n=shown)
    raise AssertionError(n)  # pragma: no cover


def limit_bytes(setting: str | None) -> int:
    """The largest file one may attach, from the setting's text (the default when unset or not a
    whole number in range)."""
    try:
        mb = int(str(setting).strip())
    except (TypeError, ValueError):
        return DEFAULT_LIMIT_MB * MB
    return (mb if 1 <= mb <= MAX_LIMIT_MB else DEFAULT_LIMIT_MB) * MB


# --- text with pages --------------------------------------------------------------------------

#: The line that starts page ``n`` in a source made from an attachment's text.
PAGE_MARK = "— {n} —"
_PAGE_MARK_RE = re.compile(r"^— (\d{1,6}) —$", re.MULTILINE)


def text_with_pages(pages: list[tuple[int, str]]) -> str:
    """An attachment's text as a source's text: each page under a line with its number."""
    return "\n\n".join(f"{PAGE_MARK.format(n=page)}\n{text.strip()}" for page, text in pages)


def page_at(text: str, position: int) -> int | None:
    """The page of a source's text (:func:`text_with_pages`) that ``position`` is on; None when
    the text has no page marks before it."""
    found = None
    for m in _PAGE_MARK_RE.finditer(text, 0, max(0, position) + 1):
        if m.start() > position:
            break
        found = int(m.group(1))
    return found


# --- what reading a file's text gave ----------------------------------------------------------

#: Why reading a file's text stopped (the note codes of tracker.extract), as the user is told.
TEXT_NOTES = {
    "encrypted": N_("it is encrypted"),
    "damaged": N_("it is damaged or malformed"),
    "pages": N_("it has more pages than are read"),
    "chars": N_("its text is longer than is read"),
    "expanded": N_("its content expands far beyond its size (a zip bomb?)"),
    "timeout": N_("reading it took longer than allowed"),
    "memory": N_("reading it needed more memory than allowed"),
    "crashed": N_("the reader stopped unexpectedly"),
    "no-text": N_("no text is read from this kind of file"),
    "unsupported": N_("no text is read from this kind of file"),
}


def describe_text(status: str | None, note: str | None) -> str:
    """What became of a file's text, in a few words (the attachments list, the CLI)."""
    reason = _(TEXT_NOTES[note]) if note in TEXT_NOTES else (note or "")
    if status == "pending":
        return _("text not read yet")
    if status == "done":
        return _("text searchable")
    if status == "partial":
        return _("text searchable in part: {reason}").format(reason=reason)
    if status == "none":
        return _("no text: {reason}").format(reason=reason) if reason else _("no text")
    return _("text not read: {reason}").format(reason=reason) if reason else _("text not read")


def found_in(name: str | None, page: int | None) -> str:
    """Where a search found its words in an attached file: "file.pdf, page 4"."""
    if not name:
        return ""
    if page is None:
        return _("in {file}").format(file=name)
    return _("in {file}, page {page}").format(file=name, page=page)
