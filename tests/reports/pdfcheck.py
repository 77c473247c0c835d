"""Reading a rendered PDF the way document-format.md says to check it: boxes, fonts, text and positions."""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader

MM = 72 / 25.4


@dataclass
class TextRun:
    page: int
    x: float
    y: float
    text: str


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def page_sizes_mm(data: bytes) -> list[tuple[float, float]]:
    return [(float(p.mediabox.width) / MM, float(p.mediabox.height) / MM) for p in reader(data).pages]


def fonts(data: bytes) -> set[tuple[str, bool]]:
    """(base font name without the subset prefix, embedded?) of every font used on every page."""
    found: set[tuple[str, bool]] = set()
    for page in reader(data).pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            name = str(font.get("/BaseFont", "")).lstrip("/")
            name = name.split("+", 1)[-1]
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            found.add((name, embedded))
    return found


def text_runs(data: bytes) -> list[TextRun]:
    runs: list[TextRun] = []
    for index, page in enumerate(reader(data).pages):

        def visit(text, cm, tm, font_dict, font_size, index=index):
            if text.strip():
                # Text space -> user space: apply the text matrix then the current transformation matrix.
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                runs.append(TextRun(index, x, y, text))

        page.extract_text(visitor_text=visit)
    return runs


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in reader(data).pages]
