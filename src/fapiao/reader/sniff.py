"""Which reader a file needs, decided by its bytes; the file name is only a hint."""

from __future__ import annotations

import io
import zipfile

from fapiao.reader.base import ReadError

FORMATS = ("xml", "ofd", "pdf", "image", "xlsx")

_IMAGE_MAGIC = (
    b"\xff\xd8\xff",  # JPEG
    b"\x89PNG\r\n\x1a\n",
    b"II*\x00",  # TIFF little-endian
    b"MM\x00*",  # TIFF big-endian
    b"BM",  # BMP
)
_HEIC_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1", b"heim", b"heis", b"avif")
_EXTENSIONS = {
    ".xml": "xml",
    ".ofd": "ofd",
    ".pdf": "pdf",
    ".xlsx": "xlsx",
    ".jpg": "image",
    ".jpeg": "image",
    ".png": "image",
    ".webp": "image",
    ".tif": "image",
    ".tiff": "image",
    ".bmp": "image",
    ".heic": "image",
    ".heif": "image",
}

UNSUPPORTED_MESSAGE = (
    "无法识别的文件类型：请上传发票的 PDF、OFD、XML 文件，或 JPG/PNG 照片，"
    "或电子税务局导出的 Excel（.xlsx）。"
)
CORRUPT_MESSAGE = "文件已损坏或不完整：请重新下载原件后再上传。"
EMPTY_MESSAGE = "文件是空的（0 字节）：请重新下载或重新拍摄后再上传。"


def _zip_kind(blob: bytes) -> str | None:
    try:
        names = zipfile.ZipFile(io.BytesIO(blob)).namelist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return None
    folded = {n.replace("\\", "/").lstrip("./").lower() for n in names}
    if "ofd.xml" in folded:
        return "ofd"
    if "[content_types].xml" in folded and any(n.startswith("xl/") for n in folded):
        return "xlsx"
    return None


def _opens(blob: bytes) -> bool:
    try:
        zipfile.ZipFile(io.BytesIO(blob))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return False
    return True


def _looks_like_xml(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 BOM
        return b"<\x00" in text[:8] or b"\x00<" in text[:8]
    return text.startswith(b"<?xml") or text[:40].lower().startswith(b"<einvoice")


def sniff(blob: bytes, filename: str | None = None) -> str:
    """One of FORMATS, or ReadError("empty_file" / "unsupported_format")."""
    if not blob:
        raise ReadError("empty_file", EMPTY_MESSAGE)
    head = blob[:64]
    # Some producers put junk (a BOM, whitespace) before %PDF; readers tolerate 1 KB of it.
    if b"%PDF-" in blob[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        kind = _zip_kind(blob)
        if kind:
            return kind
        hint = _hint(filename)
        if hint in ("ofd", "xlsx"):
            # A broken zip named .ofd: let the OFD reader say what is wrong with it.
            return hint
        if not _opens(blob):
            raise ReadError("corrupt_file", CORRUPT_MESSAGE)
        raise ReadError("unsupported_format", UNSUPPORTED_MESSAGE)
    if head.startswith(_IMAGE_MAGIC):
        return "image"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIC_BRANDS:
        return "image"
    if _looks_like_xml(head):
        return "xml"
    raise ReadError("unsupported_format", UNSUPPORTED_MESSAGE)


def _hint(filename: str | None) -> str | None:
    if not filename or "." not in filename:
        return None
    return _EXTENSIONS.get("." + filename.rsplit(".", 1)[-1].lower())
