"""A defensive zip opener for OFD and XLSX: bombs are refused, sloppy producers tolerated.

Caps come from Limits: total uncompressed size, number of entries and, per entry, the
compression ratio. Names are normalised ("Doc_0\\Pages\\..", "./OFD.xml", "/OFD.xml") and
looked up case-insensitively, because real OFD producers write all of these. When a local
header disagrees with the central directory (zipfile refuses such entries) the entry is read
from the raw bytes at the recorded offset.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from fapiao.reader.base import Limits, ReadError

CORRUPT_MESSAGE = "文件已损坏或不完整：请重新下载原件后再上传。"
UNSAFE_MESSAGE = (
    "文件结构异常（解压后体积过大或条目过多，可能是压缩炸弹）：已拒绝读取。"
    "请从电子税务局或开票方重新下载原件后再上传。"
)
ENCRYPTED_MESSAGE = "压缩包已加密，无法读取：请上传未加密的原件。"
# Tiny entries may compress extremely well (a page of spaces); the ratio only matters once
# the entry is big enough to hurt.
_RATIO_FLOOR = 1024 * 1024
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")


def normalize_name(name: str) -> str:
    name = name.replace("\\", "/")
    while name.startswith(("./", "/")):
        name = name[2:] if name.startswith("./") else name[1:]
    parts: list[str] = []
    for part in name.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/".join(parts)


class SafeZip:
    def __init__(self, blob: bytes, *, limits: Limits) -> None:
        self._blob = blob
        self._limits = limits
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(blob))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
            raise ReadError("corrupt_file", CORRUPT_MESSAGE) from exc
        if len(infos) > limits.max_zip_entries:
            raise ReadError("unsafe_file", UNSAFE_MESSAGE)
        declared = 0
        self._by_name: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            if info.is_dir():
                continue
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > _RATIO_FLOOR and ratio > limits.max_zip_ratio:
                raise ReadError("unsafe_file", UNSAFE_MESSAGE)
            declared += info.file_size
            self._by_name.setdefault(normalize_name(info.filename).lower(), info)
        if declared > limits.max_unzipped_bytes:
            raise ReadError("unsafe_file", UNSAFE_MESSAGE)
        self._read_total = 0

    def names(self) -> list[str]:
        """Normalised names (original case) of the files in the archive."""
        return [normalize_name(i.filename) for i in self._by_name.values()]

    def has(self, name: str) -> bool:
        return normalize_name(name).lower() in self._by_name

    def read(self, name: str) -> bytes:
        info = self._by_name.get(normalize_name(name).lower())
        if info is None:
            raise KeyError(name)
        if info.flag_bits & 0x1:
            raise ReadError("corrupt_file", ENCRYPTED_MESSAGE)
        budget = self._limits.max_unzipped_bytes - self._read_total
        try:
            with self._zip.open(info) as handle:
                data = handle.read(budget + 1)
        except zipfile.BadZipFile:
            data = self._read_raw(info, budget)
        except (zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
            raise ReadError("corrupt_file", CORRUPT_MESSAGE) from exc
        if len(data) > budget:
            raise ReadError("unsafe_file", UNSAFE_MESSAGE)
        self._read_total += len(data)
        return data

    def get(self, name: str) -> bytes | None:
        return self.read(name) if self.has(name) else None

    def _read_raw(self, info: zipfile.ZipInfo, budget: int) -> bytes:
        """Read an entry whose local header zipfile rejects (wrong name, bad flags)."""
        try:
            start = info.header_offset
            header = _LOCAL_HEADER.unpack_from(self._blob, start)
            if header[0] != b"PK\x03\x04":
                raise ReadError("corrupt_file", CORRUPT_MESSAGE)
            name_len, extra_len = header[9], header[10]
            data_start = start + _LOCAL_HEADER.size + name_len + extra_len
            payload = self._blob[data_start : data_start + info.compress_size]
            if info.compress_type == zipfile.ZIP_STORED:
                return payload[: budget + 1]
            if info.compress_type == zipfile.ZIP_DEFLATED:
                return zlib.decompressobj(-15).decompress(payload, budget + 1)
        except (struct.error, zlib.error) as exc:
            raise ReadError("corrupt_file", CORRUPT_MESSAGE) from exc
        raise ReadError("corrupt_file", CORRUPT_MESSAGE)
