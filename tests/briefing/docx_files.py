"""Word files for the DOCX briefing's tests: a ministry letterhead, hostile "letterheads", and
LibreOffice as the stand-in for Word (PDF conversion with a private profile)."""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import zipfile
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from PIL import Image, ImageDraw

LETTERHEAD_LINES = ("МИНИСТЕРСТВО ИНОСТРАННЫХ ДЕЛ", "РЕСПУБЛИКИ БЕЛАРУСЬ",
                    "ул. Ленинградская, 19, 220030, г. Минск")
LETTERHEAD_FOOTER = "Бланк МИД: нижний колонтитул первой страницы"
LETTERHEAD_BODY = "Текст письма из бланка"
#: What Word leaves out of a letterhead's styles.xml: only the styles a document uses are saved.
MISSING_STYLES = ("Heading 1", "Heading 2", "Title", "Subtitle", "Table Grid", "Header",
                  "Footer", "TOC Heading")


def emblem_png() -> bytes:
    image = Image.new("RGB", (120, 120), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((5, 5, 115, 115), outline=(0, 80, 40), width=6)
    draw.polygon([(60, 20), (95, 95), (25, 95)], fill=(200, 30, 30))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def letterhead(path: Path) -> bytes:
    """A letterhead as a ministry makes one in Word: Times New Roman 14 pt, a 3 cm left margin,
    the emblem and the ministry's name in the first-page header, a first-page footer, a line of
    body text, and no heading, title or table styles."""
    doc = docx.Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)
    section = doc.sections[0]
    section.top_margin, section.left_margin, section.right_margin = Cm(2), Cm(3), Cm(1.5)
    section.different_first_page_header_footer = True
    header = section.first_page_header
    first = header.paragraphs[0]
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    first.add_run().add_picture(io.BytesIO(emblem_png()), width=Cm(1.6))
    for line in LETTERHEAD_LINES:
        p = header.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run(line).bold = line.isupper()
    section.first_page_footer.paragraphs[0].add_run(LETTERHEAD_FOOTER)
    doc.add_paragraph(LETTERHEAD_BODY)
    styles = doc.styles.element
    for style in list(doc.styles):
        base = style.name[:-5] if style.name.endswith(" Char") else style.name
        if base in MISSING_STYLES:
            styles.remove(style.element)
    out = io.BytesIO()
    doc.save(out)
    path.write_bytes(out.getvalue())
    return out.getvalue()


def relabel(data: bytes, path: Path, content_type: bytes, extra: dict[str, bytes] | None = None
            ) -> None:
    """``data`` with its main part's content type replaced (a .dotx, a .docm)."""
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                part = part.replace(b"application/vnd.openxmlformats-officedocument."
                                    b"wordprocessingml.document.main+xml", content_type)
            dst.writestr(info.filename, part)
        for name, part in (extra or {}).items():
            dst.writestr(name, part)


DOTX = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
DOCM = b"application/vnd.ms-word.document.macroEnabled.main+xml"


def zip_bomb(path: Path, megabytes: int = 80) -> None:
    """A small file whose document part inflates to ``megabytes`` of zeros."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as member:
            block = b"\0" * (1 << 20)
            for _i in range(megabytes):
                member.write(block)


def lying_sizes(path: Path, megabytes: int = 80) -> None:
    """A zip whose header says the document part is 1 KB; it inflates to ``megabytes``."""
    good = io.BytesIO()
    with zipfile.ZipFile(good, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", b"x" * 1000)
        z.writestr("word/document.xml", b"A" * (megabytes << 20))
    data = bytearray(good.getvalue())
    for signature, name_at, size_at in ((b"PK\x03\x04", 30, 22), (b"PK\x01\x02", 46, 24)):
        for m in re.finditer(re.escape(signature), bytes(data)):
            start = m.start()
            if bytes(data[start + name_at:start + name_at + 17]) == b"word/document.xml":
                data[start + size_at:start + size_at + 4] = (1024).to_bytes(4, "little")
    path.write_bytes(bytes(data))


def billion_laughs(path: Path, base: bytes) -> None:
    """``base`` with a document part of nested entities (a billion "a"s if expanded)."""
    entities = b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]), b"&%s;" % bytes([97 + i]) * 10)
                        for i in range(9))
    document = (b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
                + entities + b']><w:document xmlns:w="http://schemas.openxmlformats.org/'
                b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&j;</w:t></w:r></w:p>'
                b"</w:body></w:document>")
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, document if info.filename == "word/document.xml"
                         else src.read(info.filename))


# --- LibreOffice --------------------------------------------------------------------------------

def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(source: Path, folder: Path, timeout: float = 180) -> Path:
    """``source`` converted to PDF by LibreOffice with a profile of its own (a second soffice
    on a shared profile hands its job to the first); the whole process group is killed on a
    timeout (``soffice`` is a wrapper around ``soffice.bin``)."""
    profile = (folder / "profile").resolve()
    command = [soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless",
               "--invisible", "--norestore", "--nolockcheck", "--nodefault", "--nologo",
               "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(folder), str(source)]
    env = dict(os.environ, SAL_USE_VCLPLUGIN="svp", HOME=str(profile))
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True, env=env)
    try:
        output, _err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise
    pdf = folder / (source.stem + ".pdf")
    if process.returncode != 0 or not pdf.exists():
        raise RuntimeError(f"soffice failed ({process.returncode}): "
                           f"{output.decode(errors='replace')}")
    return pdf
