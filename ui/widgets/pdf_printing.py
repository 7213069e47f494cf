"""Printing a PDF shown in a ``QPdfDocument``: each page rendered to an image at the printer's
resolution (at least 300 dpi) and drawn at its true size (the briefing's preview and Print…)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

PRINT_DPI = 300


def make_printer(document: QPdfDocument, name: str) -> QPrinter:
    """A high-resolution printer for ``document``'s paper (its first page's size; the print
    dialog may change it), printing the whole page: the PDF carries its own margins."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setResolution(PRINT_DPI)
    printer.setFullPage(True)  # the PDF carries its own margins: print it at true size
    printer.setDocName(name)
    if document.pageCount() > 0:
        # The paper the briefing was laid out for (A4 or Letter); the dialog may change it.
        points = document.pagePointSize(0)
        printer.setPageSize(QPageSize(QSizeF(points), QPageSize.Unit.Point, "",
                                      QPageSize.SizeMatchPolicy.FuzzyMatch))
        printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    return printer


def print_document(document: QPdfDocument, printer: QPrinter) -> int | None:
    """Render each page of ``document`` in the printer's range (in order, at least 300 dpi) onto
    ``printer``; returns how many, or None when the printer could not be started."""
    count = document.pageCount()
    first, last = 1, count
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first = max(1, printer.fromPage())
        last = min(count, printer.toPage() or count)
    painter = QPainter()
    if not painter.begin(printer):
        return None
    printed = 0
    try:
        dpi = printer.resolution()
        scale_up = max(1.0, PRINT_DPI / max(dpi, 1))
        target = printer.pageLayout().fullRectPixels(dpi)
        if not printer.fullPage():
            target = printer.pageLayout().paintRectPixels(dpi)
        for index in range(first - 1, last):
            if printed:
                printer.newPage()
            points = document.pagePointSize(index)
            w_px = points.width() / 72 * dpi
            h_px = points.height() / 72 * dpi
            fit = min(target.width() / w_px, target.height() / h_px, 1.0)
            w, h = int(w_px * fit), int(h_px * fit)
            image = document.render(index, QSize(int(w * scale_up), int(h * scale_up)))
            x = (target.width() - w) // 2
            y = (target.height() - h) // 2
            painter.drawImage(QRectF(x, y, w, h), image)
            printed += 1
    finally:
        painter.end()
    return printed
