"""发票代码, 发票号码 and 校验码 that decode to the issue date and region.

Numbers come from counters (one per code or per 数电 year+province) advanced by random steps,
not from independent random draws: a million invoices then have unique identity keys by
construction, with no set of seen keys to keep, and each series grows the way a real
issuer's does.
"""

from __future__ import annotations

import random

from .names import Region

_SHUDIAN_CHANNEL = "2"  # position 5: every published sample shows 2 for the platform
_EIGHT_DIGITS = 10**8


class NumberAllocator:
    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._shudian: dict[str, int] = {}
        self._old: dict[str, int] = {}

    def shudian(self, year: int, region: Region) -> str:
        """A 20-digit 数电 number: yy, province, channel, 15-digit sequence."""
        prefix = f"{year % 100:02d}{region.province}{_SHUDIAN_CHANNEL}"
        rng = self._rng
        seq = self._shudian.get(prefix)
        if seq is None:
            seq = 10**8 + int(rng.random() * 9 * 10**8)
        seq += 1 + int(rng.random() * 3000)
        self._shudian[prefix] = seq
        return f"{prefix}{seq:015d}"

    def old(self, kind: str, year: int, region: Region) -> tuple[str, str]:
        """(发票代码, 8-digit 发票号码) for an old-style kind: 01 paper 专票, 10 e-普票, 14 toll."""
        rng = self._rng
        yy = f"{year % 100:02d}"
        batch = 1 + int(rng.random() * 4)
        while True:
            if kind == "01":
                # region4 + yy + batch + kind digit 1 (专票) + copies + amount version
                code = f"{region.code4}{yy}{batch % 10}1{'3' if batch % 2 else '6'}0"
            else:
                tail = "12" if kind == "14" else "11"
                code = f"0{region.code4}{yy}{batch:03d}{tail}"
            seq = self._old.get(code)
            if seq is None:
                seq = 10**6 + int(rng.random() * 4 * 10**7)
            seq += 1 + int(rng.random() * 40)
            if seq < _EIGHT_DIGITS:
                self._old[code] = seq
                return code, f"{seq:08d}"
            # This code's numbers are used up: move on to the next batch, as a tax office
            # issues a new roll.
            self._old[code] = seq
            batch += 1


def check_code(rng: random.Random) -> str:
    """20 random digits: the 校验码 has no public checksum, so any digits are realistic."""
    return f"{rng.getrandbits(67) % 10**20:020d}"
