"""bytes -> ExtractionResult: size check, sniff, the reader for the format, resolution.

Never raises for bad input: every failure is a "failed" result with a stable code and a
Chinese message saying what to do. Readers register by format; the heavier ones (PDF,
images, Excel) are imported only when a file needs them, and a reader that is not
installed means "unsupported_format", not a crash.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import time
from collections.abc import Callable
from pathlib import Path

from fapiao.reader import ofd, xml_einvoice
from fapiao.reader.base import ExtractionResult, Limits, RawInvoice, ReadError
from fapiao.reader.resolve import missing_key_fields, resolve
from fapiao.reader.sniff import sniff

log = logging.getLogger(__name__)

Reader = Callable[..., list[RawInvoice]]

_READERS: dict[str, Reader] = {}
_LAZY_MODULES = {
    "pdf": "fapiao.reader.pdf_scan",  # the text layer, or OCR for a scan
    "image": "fapiao.reader.image",
    "xlsx": "fapiao.reader.xlsx_export",
}
_FORMAT_NAMES = {"pdf": "PDF", "image": "图片", "xlsx": "Excel"}
CORRUPT_MESSAGE = "文件已损坏或不完整：请重新下载原件后再上传。"
NO_INVOICE_MESSAGE = "文件中没有找到发票：请确认上传的是发票原件。"


def register(fmt: str, fn: Reader) -> None:
    """Register the reader for a format (one of sniff.FORMATS); the last one wins."""
    _READERS[fmt] = fn


register("xml", xml_einvoice.read)
register("ofd", ofd.read)


def reader_for(fmt: str) -> Reader:
    if fmt not in _READERS and fmt in _LAZY_MODULES:
        module_name = _LAZY_MODULES[fmt]
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            if getattr(exc, "name", None) != module_name:
                log.warning("reader for %s cannot be imported: %s", fmt, exc)
        else:
            if fmt not in _READERS and callable(getattr(module, "read", None)):
                register(fmt, module.read)
    if fmt not in _READERS:
        name = _FORMAT_NAMES.get(fmt, fmt)
        raise ReadError(
            "unsupported_format",
            f"暂时无法读取{name}文件：请改为上传同一张发票的 OFD 或 XML 文件，或手工录入。",
        )
    return _READERS[fmt]


def _too_large(size: int, limits: Limits) -> ReadError:
    mb = limits.max_bytes / (1024 * 1024)
    return ReadError(
        "too_large",
        f"文件过大（{size / (1024 * 1024):.1f} MB，上限 {mb:.0f} MB）："
        "请上传发票原件，照片请压缩或裁剪后再上传。",
    )


def extract_bytes(
    blob: bytes,
    *,
    filename: str,
    limits: Limits | None = None,
    today: dt.date | None = None,
    buyer_tax_id: str | None = None,
) -> ExtractionResult:
    """`buyer_tax_id`: the tax id of the organisation the file belongs to (see
    calibrate.known_buyer)."""
    limits = limits or Limits()
    today = today or dt.date.today()
    started = time.perf_counter()

    def done(result: ExtractionResult) -> ExtractionResult:
        result.elapsed_ms = (time.perf_counter() - started) * 1000
        return result

    try:
        if len(blob) > limits.max_bytes:
            raise _too_large(len(blob), limits)
        raws = reader_for(sniff(blob, filename))(blob, limits=limits)
        if not raws:
            raise ReadError("no_invoice_found", NO_INVOICE_MESSAGE)
        # "partial": a key field the file did not give (derived values do not count).
        unread = [missing_key_fields(raw.data) for raw in raws]
        invoices = [resolve(raw, today=today, buyer_tax_id=buyer_tax_id) for raw in raws]
    except ReadError as exc:
        return done(ExtractionResult(filename, "failed", [], exc, 0.0))
    except Exception:
        # A reader bug or a file that trips a library: the file is treated as unreadable
        # and the caller (a worker) keeps running.
        log.exception("reader crashed on %s", filename)
        error = ReadError("corrupt_file", CORRUPT_MESSAGE)
        return done(ExtractionResult(filename, "failed", [], error, 0.0))
    partial = any(
        inv.sources.get(name) != "qr"
        for inv, names in zip(invoices, unread, strict=True)
        for name in names
    )
    return done(ExtractionResult(filename, "partial" if partial else "ok", invoices, None, 0.0))


def extract_path(
    path: str | Path,
    *,
    limits: Limits | None = None,
    today: dt.date | None = None,
    buyer_tax_id: str | None = None,
) -> ExtractionResult:
    limits = limits or Limits()
    name = str(path)
    started = time.perf_counter()
    try:
        size = Path(path).stat().st_size
        if size > limits.max_bytes:
            raise _too_large(size, limits)
        blob = Path(path).read_bytes()
    except ReadError as exc:
        return ExtractionResult(name, "failed", [], exc, (time.perf_counter() - started) * 1000)
    except OSError as exc:
        message = f"无法打开文件（{exc.strerror}）：请检查文件路径和权限。"
        error = ReadError("unreadable_file", message)
        return ExtractionResult(name, "failed", [], error, (time.perf_counter() - started) * 1000)
    return extract_bytes(blob, filename=name, limits=limits, today=today, buyer_tax_id=buyer_tax_id)
