"""Render the application icon's PNG sizes and the Windows .ico from the SVG sources.

    .venv/bin/python packaging/render_icons.py

Writes ``resources/icons/bilateral-tracker-<N>.png`` for every size in ``SIZES`` and
``resources/icons/bilateral-tracker.ico``. Sizes up to ``SMALL_MAX`` come from the pixel-aligned
``bilateral-tracker-small.svg`` (drawn on a 16 px grid), the rest from ``bilateral-tracker.svg``.
Uses Qt's QSvgRenderer (offscreen) and Pillow for the .ico; the results are committed, so the
build does not need to run this.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # the .ico format stops at 256
SMALL_MAX = 24


def render(svg: Path, size: int, out: Path) -> None:
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    if not image.convertToFormat(QImage.Format.Format_ARGB32).save(str(out), "PNG"):
        raise SystemExit(f"{out}: could not write")


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    pngs = {}
    for size in SIZES:
        source = "bilateral-tracker-small.svg" if size <= SMALL_MAX else "bilateral-tracker.svg"
        out = ICONS / f"bilateral-tracker-{size}.png"
        render(ICONS / source, size, out)
        pngs[size] = out
        print(f"{out.relative_to(ICONS.parent.parent)}  ({size}x{size} from {source})")
    # Pillow writes each size of an .ico from the closest image it is given: pass every PNG so
    # the small ones keep their pixel-aligned drawing rather than a downscaled 256.
    images = [Image.open(pngs[s]).convert("RGBA") for s in ICO_SIZES]
    ico = ICONS / "bilateral-tracker.ico"
    images[-1].save(ico, format="ICO", sizes=[(s, s) for s in ICO_SIZES],
                    append_images=images[:-1])
    print(f"{ico.relative_to(ICONS.parent.parent)}  ({', '.join(map(str, ICO_SIZES))})")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
