"""A letterhead: a user's .docx (or .dotx) whose page setup, headers and footers (a first-page
letterhead with its emblem) a briefing is written into.

The file comes from outside, so it is read within limits before python-docx sees it: its size,
its number of parts, each part's and the whole's unpacked size (counted as it inflates, never
trusting the zip's header), no encrypted parts, no macros (.docm, .dotm, a VBA project), a Word
document's main part. Anything else is refused with one line naming the file. Its body is
dropped (a letterhead belongs in its headers), and so are links to other files (an attached
template on a server, linked pictures) that Word would try to open.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

from tracker.briefing.docx.ooxml import w
from tracker.briefing.errors import BriefingError
from tracker.i18n import _

MAX_FILE = 20 * 1024 * 1024  # bytes on disk
MAX_UNPACKED = 64 * 1024 * 1024  # all parts, inflated
MAX_PARTS = 500
MAX_RATIO = 200  # a part's inflated size over its packed size (above 1 MB)
CHUNK = 64 * 1024

DOCUMENT = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
TEMPLATE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
HYPERLINK = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink")


class LetterheadError(BriefingError):
    """A letterhead cannot be used; ``str()`` is one line naming the file."""


def read(path: str | Path) -> bytes:
    """The letterhead's checked bytes, ready for python-docx (a .dotx relabelled as a
    document): read in bounded chunks, refused with :class:`LetterheadError` when it is not a
    plain Word document or unpacks too large."""
    path = Path(path)
    try:
        if path.is_dir():
            raise LetterheadError(_("the letterhead {path} is a folder, not a Word document")
                                  .format(path=path))
        if path.stat().st_size > MAX_FILE:
            raise LetterheadError(_("the letterhead {path} is larger than {mb} MB").format(
                path=path, mb=MAX_FILE >> 20))
        raw = path.read_bytes()
    except OSError as exc:
        raise LetterheadError(_("cannot read the letterhead {path}: {error}").format(
            path=path, error=exc.strerror or exc)) from None
    parts = _unpack(path, raw)
    types = parts.get("[Content_Types].xml", b"")
    if any(name.lower().endswith("vbaproject.bin") for name in parts) or \
            b"macroenabled" in types.lower():
        raise LetterheadError(_("the letterhead {path} contains macros; save it as a Word "
                                "document (.docx) without them").format(path=path))
    if DOCUMENT not in types:
        if TEMPLATE not in types:
            raise _not_word(path)
        parts["[Content_Types].xml"] = types.replace(TEMPLATE, DOCUMENT)  # a .dotx
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in parts.items():
            dst.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data)
    return out.getvalue()


def _not_word(path: Path) -> LetterheadError:
    return LetterheadError(_("the letterhead {path} is not a Word document (.docx)").format(
        path=path))


def _unpack(path: Path, raw: bytes) -> dict[str, bytes]:
    """Every part, inflated in chunks against the limits (a zip bomb stops at the limit)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _not_word(path) from None
    if len(infos) > MAX_PARTS:
        raise LetterheadError(_("the letterhead {path} has too many parts ({n})").format(
            path=path, n=len(infos)))
    too_large = LetterheadError(_("the letterhead {path} unpacks to more than {mb} MB").format(
        path=path, mb=MAX_UNPACKED >> 20))
    parts: dict[str, bytes] = {}
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise LetterheadError(_("the letterhead {path} is encrypted").format(path=path))
        if info.file_size > MAX_UNPACKED or (info.file_size > 1 << 20 and info.file_size
                                             > MAX_RATIO * max(info.compress_size, 1)):
            raise too_large
        chunks = []
        try:
            with archive.open(info) as member:
                while chunk := member.read(CHUNK):
                    total += len(chunk)
                    if total > MAX_UNPACKED:
                        raise too_large
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, OSError,
                ValueError):
            raise LetterheadError(_("the letterhead {path} is damaged (part {part})").format(
                path=path, part=info.filename)) from None
        parts[info.filename] = b"".join(chunks)
    return parts


def open_letterhead(path: str | Path, data: bytes):
    """python-docx's document of the checked ``data`` (from :func:`read`), body emptied, links
    to other files dropped."""
    import docx

    try:
        doc = docx.Document(io.BytesIO(data))
        doc.sections[-1].header  # noqa: B018 - the section must be readable
    except Exception:  # noqa: BLE001 - python-docx raises anything on a broken package
        raise LetterheadError(_("the letterhead {path} cannot be read as a Word document")
                              .format(path=path)) from None
    _drop_external_links(doc)
    body = doc.element.body
    for item in list(body):
        if item.tag != w("sectPr"):
            body.remove(item)
    return doc


def _drop_external_links(doc) -> None:
    """Links to other files (an attached template, a linked picture or object) and whatever
    uses them; web links stay."""
    for part in doc.part.package.iter_parts():
        root = getattr(part, "element", None)
        for rel_id, rel in list(part.rels.items()):
            if not rel.is_external or rel.reltype == HYPERLINK:
                continue
            if root is not None:
                users = [el for el in root.iter() if rel_id in (el.get(_R_ID), el.get(_R_LINK))]
                for user in users:
                    if user.getparent() is not None:
                        user.getparent().remove(user)
            del part.rels[rel_id]


_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_R_ID, _R_LINK = _R + "id", _R + "link"
