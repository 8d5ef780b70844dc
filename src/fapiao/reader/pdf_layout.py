"""Positioned text of a PDF page: characters -> lines and words, and label anchoring.

Coordinates are PDF points with y growing downwards (top of the page = 0), as invoices are
read. Characters come from pdfium with their loose boxes (font ascent/descent and advance
width), which are uniform per font and so group into lines more reliably than glyph boxes.

Letter-spaced text (OFD->PDF converters write every character as its own run, with gaps
of one or two character widths) is merged into words by comparing each gap with the gaps
around it instead of with a fixed threshold; labels are searched on whole lines, so a label
whose characters ended up in separate words (合 ... 计) is still found.
"""

from __future__ import annotations

import ctypes
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

import pypdfium2.raw as pdfium_c

_BREAKS = frozenset("\r\n\x02\x03")


@dataclass(slots=True)
class Char:
    raw: str  # as printed
    text: str  # NFKC-normalised, for labels and numbers
    x0: float
    y0: float
    x1: float
    y1: float
    index: int = 0  # drawing order
    word: int = -1
    line: int = -1
    hard_break: bool = False  # an explicit line break follows this character

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(slots=True)
class Word:
    chars: list[Char]
    x0: float = 0.0
    y0: float = 0.0
    x1: float = 0.0
    y1: float = 0.0
    text: str = ""
    raw: str = ""

    def __post_init__(self) -> None:
        cs = self.chars
        self.x0 = min(c.x0 for c in cs)
        self.x1 = max(c.x1 for c in cs)
        self.y0 = min(c.y0 for c in cs)
        self.y1 = max(c.y1 for c in cs)
        self.text = "".join(c.text for c in cs)
        self.raw = "".join(c.raw for c in cs)

    @property
    def em(self) -> float:
        return max(self.y1 - self.y0, 1.0)

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def line(self) -> int:
        return self.chars[0].line


@dataclass(slots=True)
class Line:
    chars: list[Char]
    text: str = ""

    def __post_init__(self) -> None:
        self.text = "".join(c.text for c in self.chars)

    @property
    def y0(self) -> float:
        return min(c.y0 for c in self.chars)

    @property
    def y1(self) -> float:
        return max(c.y1 for c in self.chars)


@dataclass(slots=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def em(self) -> float:
        return max(self.y1 - self.y0, 1.0)


@dataclass(slots=True)
class Hit:
    """A label found on a line: its box, and the characters of its line after it."""

    box: Box
    line: Line
    end: int  # index in line.chars just after the label
    match: re.Match[str]


@dataclass
class PageText:
    width: float
    height: float
    chars: list[Char]
    lines: list[Line] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.lines = _group_lines(self.chars)
        self.words = _group_words(self.lines)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def find(self, pattern: re.Pattern[str]) -> Iterator[Hit]:
        """Every match of `pattern` on a line's normalised text, top to bottom."""
        for line in self.lines:
            for match in pattern.finditer(line.text):
                chars = line.chars[match.start() : match.end()]
                if not chars:
                    continue
                box = Box(
                    min(c.x0 for c in chars), min(c.y0 for c in chars),
                    max(c.x1 for c in chars), max(c.y1 for c in chars),
                )  # fmt: skip
                yield Hit(box, line, match.end(), match)

    def right_of(self, hit: Hit, *, stop_x: float = float("inf")) -> list[Word]:
        """Word pieces to the right of a label on its row, nearest first: the rest of the
        label's own word (when label and value were written as one run), then the words
        whose vertical extent overlaps the label's (values may sit a little higher or
        lower than their labels) and which start before `stop_x`."""
        out: list[Word] = []
        tail: list[Char] = []
        if hit.end < len(hit.line.chars):
            last_word = hit.line.chars[hit.end - 1].word
            for ch in hit.line.chars[hit.end :]:
                if ch.word != last_word:
                    break
                tail.append(ch)
        if tail:
            out.append(Word(tail))
        box = hit.box
        seen = {id(c) for c in tail}
        start = tail[-1].x1 if tail else box.x1
        for word in self.words:
            # OCR boxes may overlap the label's end by a little.
            if word.x0 < start - 0.5 * box.em or word.x0 >= stop_x:
                continue
            if id(word.chars[0]) in seen:
                continue
            overlap = min(word.y1, box.y1) - max(word.y0, box.y0)
            if overlap < 0.3 * min(word.em, box.em):
                continue
            out.append(word)
        out.sort(key=lambda w: w.x0)
        return out

    def near(self, hit: Hit, *, lines: float = 1.3, reach_em: float = 16.0) -> list[Word]:
        """Words right of a label but off its row, up to `lines` label heights above or
        below (a dot-matrix print moved off its boxes), nearest first."""
        box = hit.box
        out: list[tuple[float, Word]] = []
        for word in self.words:
            dy = abs(word.cy - box.cy)
            dx = word.x0 - box.x1
            if -box.em <= dx <= reach_em * box.em and dy <= lines * box.em:
                out.append((dy + 0.2 * max(dx, 0.0), word))
        out.sort(key=lambda pair: pair[0])
        return [word for _, word in out]

    def words_in(self, x0: float, y0: float, x1: float, y1: float) -> list[Word]:
        return [w for w in self.words if w.x0 >= x0 and w.x1 <= x1 and y0 <= w.cy <= y1]


def run_of(words: list[Word], *, max_gap_em: float = 2.0) -> list[Word]:
    """The first word and those following it closely (a value printed in groups, such as a
    校验码 written 12345 67890 ...)."""
    if not words:
        return []
    out = [words[0]]
    for word in words[1:]:
        if word.x0 - out[-1].x1 > max_gap_em * out[-1].em:
            break
        out.append(word)
    return out


def page_text(textpage: object, width: float, height: float) -> PageText:
    """Positioned, normalised characters of one pdfium text page."""
    count = pdfium_c.FPDFText_CountChars(textpage)
    rect = pdfium_c.FS_RECTF()
    get_unicode = pdfium_c.FPDFText_GetUnicode
    get_box = pdfium_c.FPDFText_GetLooseCharBox
    is_generated = pdfium_c.FPDFText_IsGenerated
    rect_ref = ctypes.byref(rect)
    chars: list[Char] = []
    for i in range(count):
        code = get_unicode(textpage, i)
        if code == 0 or code == 0xFFFE:
            continue
        ch = chr(code)
        if ch in _BREAKS:
            if chars and not is_generated(textpage, i):
                chars[-1].hard_break = True
            continue
        if ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf"):
            continue
        if not get_box(textpage, i, rect_ref):
            continue
        if rect.right - rect.left <= 0 and rect.top - rect.bottom <= 0:
            continue
        norm = unicodedata.normalize("NFKC", ch) if not ch.isascii() else ch
        chars.append(
            Char(ch, norm, rect.left, height - rect.top, rect.right, height - rect.bottom, i)
        )
    return PageText(width, height, chars)


def _group_lines(chars: list[Char]) -> list[Line]:
    """Characters whose vertical centres agree within half a character height, then split
    where the text carries an explicit line break."""
    rows: list[list[Char]] = []
    anchors: list[tuple[float, float]] = []  # (centre, height) of each row's first char
    for ch in sorted(chars, key=lambda c: c.cy):
        if anchors:
            cy, h = anchors[-1]
            if abs(ch.cy - cy) <= 0.5 * min(h, ch.height):
                rows[-1].append(ch)
                continue
        rows.append([ch])
        anchors.append((ch.cy, ch.height))
    lines: list[Line] = []
    for row in rows:
        if any(c.hard_break for c in row):
            # Text drawn as one run with embedded newlines stays in drawing order.
            current: list[Char] = []
            for ch in sorted(row, key=lambda c: c.index):
                current.append(ch)
                if ch.hard_break:
                    lines.append(Line(current))
                    current = []
            if current:
                lines.append(Line(current))
        else:
            row.sort(key=lambda c: c.x0)
            lines.append(Line(row))
    for k, line in enumerate(lines):
        for ch in line.chars:
            ch.line = k
    return lines


def _splits(chars: list[Char]) -> list[bool]:
    """split[i]: a word ends after chars[i]."""
    n = len(chars)
    gaps = [chars[i + 1].x0 - chars[i].x1 for i in range(n - 1)]
    pitches = [chars[i + 1].x0 - chars[i].x0 for i in range(n - 1)]
    out = []
    for i in range(n - 1):
        if chars[i].hard_break:
            out.append(True)
            continue
        em = max(min(chars[i].height, chars[i + 1].height), 1.0)
        gap = gaps[i]
        # Only gaps of a few character widths can be letter-spacing; wider ones separate
        # table cells, whatever their neighbours look like.
        if gap > 3.5 * em:
            out.append(True)
            continue
        near = [gaps[j] for j in (i - 1, i + 1) if 0 <= j < n - 1 and gaps[j] <= 3 * em]
        ref = max(min(near), 0.0) if near else 0.0
        split = gap > max(0.45 * em, 1.6 * ref + 0.2 * em)
        pitch = pitches[i]
        if split and pitch <= 4 * em:
            for j in (i - 1, i + 1):
                # The same pitch as a letter-spaced neighbour: one run (a narrow "." or "："
                # inside it leaves a wider gap but keeps the pitch).
                spaced = 0 <= j < n - 1 and 0.15 * em <= gaps[j] <= 3 * em
                if spaced and 0.87 * pitches[j] <= pitch <= 1.15 * pitches[j]:
                    split = False
        out.append(split)
    return out


def _group_words(lines: list[Line]) -> list[Word]:
    words: list[Word] = []
    for line in lines:
        chars = line.chars
        if not chars:
            continue
        current = [chars[0]]
        for ch, split in zip(chars[1:], _splits(chars), strict=True):
            if split:
                words.append(Word(current))
                current = []
            current.append(ch)
        words.append(Word(current))
    for k, word in enumerate(words):
        for ch in word.chars:
            ch.word = k
    return words
