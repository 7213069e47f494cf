"""The PDF renderer (reportlab): :func:`tracker.briefing.pdf.render.write` lays a
:class:`tracker.briefing.blocks.Document` out as a PDF. The only part of the program that
imports reportlab; it knows the document, never the repository or the options."""
