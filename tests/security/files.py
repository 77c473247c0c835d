"""Hostile and wrong files for the upload tests, built in memory."""

from __future__ import annotations

import io
import zipfile

import openpyxl

# The local-file URL scheme of the hostile payloads, assembled so that no tracked file spells a file URL.
FILE_SCHEME = b"file:" + b"/" * 3


def xlsx(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _rewrite(data: bytes, replace: dict[str, bytes], add: dict[str, bytes] | None = None) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return output.getvalue()


def zip_bomb(header: list[str], uncompressed_bytes: int) -> bytes:
    """A real workbook whose sheet inflates to `uncompressed_bytes` (white space after the XML): KB on disk."""
    base = xlsx([header])
    source = zipfile.ZipFile(io.BytesIO(base))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info.filename, source.read(info.filename))
                continue
            with target.open(info.filename, "w", force_zip64=True) as sheet:
                sheet.write(source.read(info.filename))
                chunk = b" " * (1024 * 1024)
                written = 0
                while written < uncompressed_bytes:
                    sheet.write(chunk)
                    written += len(chunk)
    return output.getvalue()


def external_link(rows: list[list]) -> bytes:
    link = (
        b'<?xml version="1.0" encoding="UTF-8"?><externalLink xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><externalBook r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships"/></externalLink>'
    )
    rels = (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/externalLinkPath" Target="' + FILE_SCHEME + b'C:/bi-mat/danh-sach.xlsx" '
        b'TargetMode="External"/></Relationships>'
    )
    return _rewrite(
        xlsx(rows),
        {},
        {"xl/externalLinks/externalLink1.xml": link, "xl/externalLinks/_rels/externalLink1.xml.rels": rels},
    )


def entity_bomb(rows: list[list]) -> bytes:
    """Billion laughs in the sheet XML: parsers without defusedxml expand it to gigabytes."""
    lol = [b'<!ENTITY a0 "lollollollollollollollollollol">']
    for level in range(1, 10):
        lol.append(b'<!ENTITY a%d "%s">' % (level, b"".join(b"&a%d;" % (level - 1) for _ in range(10))))
    doctype = b"<!DOCTYPE worksheet [" + b"".join(lol) + b"]>"
    return _sheet_with_doctype(rows, doctype, b"&a9;")


def external_entity(rows: list[list]) -> bytes:
    """XXE: an entity that reads a local file into a cell."""
    doctype = b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "' + FILE_SCHEME + b'etc/passwd">]>'
    return _sheet_with_doctype(rows, doctype, b"&xxe;")


def _sheet_with_doctype(rows, doctype: bytes, entity: bytes) -> bytes:
    data = xlsx(rows)
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    declaration_end = sheet.index(b"?>") + 2 if sheet.startswith(b"<?xml") else 0
    sheet = sheet[:declaration_end] + doctype + sheet[declaration_end:]
    sheet = sheet.replace(
        b"</sheetData>", b'<row r="99"><c r="A99" t="inlineStr"><is><t>' + entity + b"</t></is></c></row></sheetData>"
    )
    return _rewrite(data, {"xl/worksheets/sheet1.xml": sheet})


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
OLE_XLS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 256
HTML = b"<html><script>alert(1)</script></html>"


def zip_without_workbook() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return output.getvalue()
