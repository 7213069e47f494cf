"""The DOCX renderer: a :class:`~tracker.briefing.blocks.Document` as a Word file (python-docx).

``render`` lays the document out; ``ooxml`` builds WordprocessingML elements (runs, fields,
tables) with lxml; ``styles`` declares the named styles a Word user restyles; ``page`` sets the
page and writes the marking and "Page X of Y" into the headers and footers; ``package`` saves
the file byte for byte the same for the same data; ``template`` reads a letterhead safely.
"""
