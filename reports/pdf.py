"""HTML to PDF with WeasyPrint, in the calling process (a worker), with the official font embedded.

Hướng dẫn 36-HD/VPTW asks for Times New Roman; Liberation Serif 2.x is metric-compatible and has every
Vietnamese letter. It is loaded by file path from Debian's fonts-liberation2, so that Liberation 1.x (which
lacks most accented letters and would split words in two fonts) never stands in for it; tests check that the
PDF holds this one family, embedded, and nothing else.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

FONT_FAMILY = "Liberation Serif"
FONT_FILES = {
    ("normal", "normal"): "LiberationSerif-Regular.ttf",
    ("bold", "normal"): "LiberationSerif-Bold.ttf",
    ("normal", "italic"): "LiberationSerif-Italic.ttf",
    ("bold", "italic"): "LiberationSerif-BoldItalic.ttf",
}


class FontMissing(RuntimeError):
    pass


def font_dir() -> Path:
    return Path(settings.DOCUMENT_FONT_DIR)


def font_face_css() -> str:
    directory = font_dir()
    rules = []
    for (weight, style), filename in FONT_FILES.items():
        path = directory / filename
        if not path.exists():
            raise FontMissing(
                f"Thiếu phông chữ {path}. Cài gói Debian fonts-liberation2 (lệnh bin/run và bin/test tự cài)."
            )
        rules.append(
            f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{path.as_uri()}"); '
            f"font-weight: {weight}; font-style: {style}; }}"
        )
    return "\n".join(rules)


@dataclass
class RenderedPdf:
    content: bytes
    checksum: str
    page_count: int


def render_html(template: str, context: dict) -> str:
    settings_ctx = {
        "font_faces": font_face_css(),
        "font_family": FONT_FAMILY,
        "margins": settings.DOCUMENT_MARGINS_MM,
    }
    return render_to_string(template, {**context, "doc": settings_ctx})


def html_to_pdf(html: str) -> RenderedPdf:
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(font_config=fonts)
    buffer = io.BytesIO()
    document.write_pdf(buffer)
    content = buffer.getvalue()
    return RenderedPdf(content=content, checksum=hashlib.sha256(content).hexdigest(), page_count=len(document.pages))
