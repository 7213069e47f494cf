"""Saving: the same document gives the same bytes. python-docx stamps every zip member with the
time of the save and keeps whatever its template (or a letterhead) says in the file's properties;
here the properties come from the briefing (its date, title, author), the zip is rewritten in
the same member order with fixed times, the template's thumbnail goes and app.xml is ours."""

from __future__ import annotations

import datetime as _dt
import io
import re
import zipfile

from tracker.briefing.blocks import Meta
from tracker.briefing.docx.ooxml import plain
from tracker.briefing.docx.styles import LANGUAGE_TAGS

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
THUMBNAIL = re.compile(r"docProps/thumbnail\.\w+")
APP_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties"><Application>Bilateral Tracker</Application></Properties>')
_THUMB_REL = re.compile(rb"<Relationship [^>]*Target=\"/?docProps/thumbnail\.\w+\"\s*/>")
_THUMB_TYPE = re.compile(rb"<Override PartName=\"/docProps/thumbnail\.\w+\"[^>]*/>")


def set_properties(doc, meta: Meta) -> None:
    """The file's properties from the briefing alone (nothing of python-docx's or a
    letterhead's: no old title, author, comments or dates)."""
    cp = doc.core_properties
    when = _dt.datetime.combine(meta.today, _dt.time())
    cp.title, cp.subject = plain(meta.title)[:255], plain(meta.subject)[:255]
    cp.author = cp.last_modified_by = plain(meta.author)[:255]
    for name in ("category", "comments", "content_status", "identifier", "keywords",
                 "version"):
        setattr(cp, name, "")
    cp.created = cp.modified = when
    if cp.last_printed is not None:  # it cannot be removed; a letterhead's date would show
        cp.last_printed = when
    cp.revision = 1
    cp.language = LANGUAGE_TAGS.get(meta.language, meta.language)


def save(doc, filename: str) -> None:
    """Write ``doc`` to ``filename``: members in python-docx's order, fixed times and
    attributes, no thumbnail, our app.xml."""
    raw = io.BytesIO()
    doc.save(raw)
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, \
            zipfile.ZipFile(filename, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            name = info.filename
            if THUMBNAIL.fullmatch(name):
                continue
            data = src.read(name)
            if name == "_rels/.rels":
                data = _THUMB_REL.sub(b"", data)
            elif name == "[Content_Types].xml":
                data = _THUMB_TYPE.sub(b"", data)
            elif name == "docProps/app.xml":
                data = APP_XML
            member = zipfile.ZipInfo(name, FIXED_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.create_system = 0
            member.external_attr = 0
            dst.writestr(member, data, compresslevel=6)
