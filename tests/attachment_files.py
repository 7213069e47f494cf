"""Files to attach, made in the tests: PDF (reportlab), Word (python-docx), OpenDocument text
(its XML in a zip) and hostile ones (a zip bomb inside a Word file, a PDF of 10,000 pages built
by hand, an encrypted PDF, a PDF whose page tree loops)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path


def pdf(path: Path, pages: list[str]) -> Path:
    """A PDF with one line of text on each page (reportlab)."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    for text in pages:
        c.drawString(72, 720, text)
        c.showPage()
    c.save()
    return path


def docx(path: Path, pages: list[str]) -> Path:
    """A Word file with one paragraph per page, a page break between them (python-docx)."""
    import docx as python_docx

    doc = python_docx.Document()
    for i, text in enumerate(pages):
        if i:
            doc.add_page_break()
        doc.add_paragraph(text)
    doc.save(str(path))
    return path


def odt(path: Path, pages: list[str]) -> Path:
    """An OpenDocument text with a soft page break between its paragraphs."""
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    body = "<text:soft-page-break/>".join(f"<text:p>{p}</text:p>" for p in pages)
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns}>'
               f"<office:body><office:text>{body}</office:text></office:body>"
               "</office:document-content>")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def zip_bomb_docx(path: Path, expanded_mb: int = 300) -> Path:
    """A Word file whose document.xml expands to ``expanded_mb`` MB of one paragraph's runs."""
    head = (b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            b'wordprocessingml/2006/main"><w:body><w:p>')
    run = b"<w:r><w:t>bomb</w:t></w:r>" * 4000
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as out:
            out.write(head)
            for _ in range(expanded_mb * 1024 * 1024 // len(run)):
                out.write(run)
            out.write(b"</w:p></w:body></w:document>")
    return path


def many_pages_pdf(path: Path, pages: int = 10_000, text: str = "page") -> Path:
    """A PDF of ``pages`` pages sharing one content stream, written by hand (reportlab would
    take a minute)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", None,
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    first_page = len(objects) + 1
    kids = " ".join(f"{first_page + i} 0 R" for i in range(pages))
    objects[1] = f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode()
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> >>")
    objects += [page] * pages
    return write_pdf(path, objects)


def looping_pdf(path: Path) -> Path:
    """A PDF whose page tree holds itself (a reader that follows it never ends)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
               b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 3 0 R] /Count 2 >>"]
    return write_pdf(path, objects)


def write_pdf(path: Path, objects: list[bytes]) -> Path:
    """``objects`` (numbered from 1, the catalogue first) as a PDF file with its cross-reference
    table (also bench/attachments.py's)."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    path.write_bytes(out.getvalue())
    return path


def encrypted_pdf(path: Path, text: str, password: str = "secret") -> Path:
    """A PDF encrypted with a user password (RC4: pypdf needs no other library for it)."""
    from pypdf import PdfReader, PdfWriter

    plain = pdf(path.with_suffix(".plain.pdf"), [text])
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password=password, owner_password=password + "!", algorithm="RC4-128")
    with open(path, "wb") as fh:
        writer.write(fh)
    plain.unlink()
    return path
