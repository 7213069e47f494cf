"""The bundled DejaVu Sans family, registered with reportlab once per process (the 14 standard
fonts have no Cyrillic)."""

from __future__ import annotations

import threading

from reportlab import rl_config
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from tracker.briefing.errors import BriefingError
from tracker.i18n import _
from tracker.paths import resource_path

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
FONT_BOLD_ITALIC = "DejaVuSans-BoldOblique"
_FONT_FILES = {
    FONT: "DejaVuSans.ttf",
    FONT_BOLD: "DejaVuSans-Bold.ttf",
    FONT_ITALIC: "DejaVuSans-Oblique.ttf",
    FONT_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}
_font_lock = threading.Lock()
_fonts_ready = False


def register_fonts() -> None:
    """Register the bundled DejaVu Sans family with reportlab (once per process)."""
    global _fonts_ready
    with _font_lock:
        if _fonts_ready:
            return
        for name, filename in _FONT_FILES.items():
            path = resource_path("fonts", filename)
            if not path.exists():
                raise BriefingError(_("the font file {path} is missing; reinstall the program")
                                    .format(path=path))
            pdfmetrics.registerFont(TTFont(name, str(path)))
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC,
                                      boldItalic=FONT_BOLD_ITALIC)
        # Compressed streams stay binary: ASCII85 on top of Flate only makes files bigger and,
        # without the C accelerator, costs a sixth of a large briefing's build time.
        rl_config.useA85 = 0
        for bold, italic, name in ((0, 0, FONT), (1, 0, FONT_BOLD), (0, 1, FONT_ITALIC),
                                   (1, 1, FONT_BOLD_ITALIC)):
            addMapping(FONT, bold, italic, name)
        _fonts_ready = True
