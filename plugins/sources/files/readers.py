"""Reading a file as text: plain text, markdown and code as UTF-8, PDFs through pypdf.

A file that is not text (a NUL byte, or mostly undecodable bytes) is skipped, not guessed.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from pathlib import Path

MARKDOWN = {".md", ".markdown", ".mdx", ".rst", ".org", ".adoc"}
SNIFF_BYTES = 8192


class Unreadable(Exception):
    """The file cannot be used: the message says why (shown as a skip reason)."""


@dataclass(frozen=True)
class Document:
    kind: str  # markdown | text | pdf
    text: str = ""
    pages: tuple[str, ...] = ()  # PDFs: one text per page


def read_document(path: Path, size: int, max_text: int, max_pdf: int) -> Document:
    if path.suffix.lower() == ".pdf":
        if size > max_pdf:
            raise Unreadable(f"larger than max_pdf_bytes ({size} > {max_pdf})")
        return Document("pdf", pages=_pdf_pages(path))
    if size > max_text:
        raise Unreadable(f"larger than max_file_bytes ({size} > {max_text})")
    data = path.read_bytes()
    kind = "markdown" if path.suffix.lower() in MARKDOWN else "text"
    return Document(kind, text=_decode(data))


def _decode(data: bytes) -> str:
    if b"\x00" in data[:SNIFF_BYTES]:
        raise Unreadable("binary (contains NUL bytes)")
    text = data.decode("utf-8", errors="replace")
    if text.count("\ufffd") > max(8, len(text) // 100):
        raise Unreadable("not UTF-8 text")
    return text.removeprefix("\ufeff")


def _pdf_pages(path: Path) -> tuple[str, ...]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed PDFs log per object
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(path)
            if reader.is_encrypted and not reader.decrypt(""):  # many open with no password
                raise Unreadable("encrypted PDF")
            return tuple(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise Unreadable(f"not a readable PDF ({exc})") from exc
