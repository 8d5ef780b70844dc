"""Layout-agnostic reading of the parties' tax ids: candidates from the whole page, assigned
by several cues instead of one layout's label-to-the-right rule.

Candidates are the alphanumeric runs of every line, wherever they sit: a run may be the tail
of a word that also holds its label ("纳税人识别号：9144…" written as one text run), be made
of one-character runs, or be split into pieces; characters closer than a gap of GLUE_EM are
read as one value. A run is a tax id when a tax-id label (纳税人识别号, 统一社会信用代码,
税号, 识别号) ends just left of it or sits just above it, or when it is an 18-character 统一
社会信用代码 whose check character is right (and no account or phone label precedes it).

Its party comes from, in order of strength: a 购买方/销售方 prefix in its own label; the
party anchor that governs it (a 购买方/销售方 heading, vertical side label or prefixed label
above it or to its left, the nearest in reading distance); failing both, reading order
(the buyer is printed first on every layout seen), which only guesses (UNSURE).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fapiao.core.taxid import check_tax_id, is_valid_uscc
from fapiao.reader.base import RawInvoice, Source
from fapiao.reader.fields import put
from fapiao.reader.pdf_fields import markers
from fapiao.reader.pdf_layout import Box, Char, PageText

GLUE_EM = 0.6  # characters closer than this (in character heights) belong to one value
CELL_EM = 3.0  # a wider gap ends the text a label is looked for in
SURE = 0.95
UNSURE = 0.8
WEAK = 0.6

_ALNUM = re.compile(r"[0-9A-Z]")
_TAX_LABEL_END = re.compile(r"(?:纳税人识别号|识别号|税号|信用代码|税务登记号)[:：]?$")
_TAX_LABEL = re.compile(r"纳税人识别号|识别号|税号|信用代码")
# Values of other labels that can look like a tax id (accounts, phone numbers, the 20-digit
# invoice number and 校验码): searched in the whole text left of the run, which holds the
# bank name between 开户行及账号 and the account.
_NOT_TAX = re.compile(r"账号|帐号|电话|开户行|手机|卡号|号码|(?<!信用)代码|校验码|编号|机器")
_BUYER = r"购买方|购方|购货单位|买方|受票方"
_SELLER = r"销售方|销方|销货单位|卖方|开票方"
_PREFIX = re.compile(rf"({_BUYER}|{_SELLER})(?:信息)?[:：]?\S{{0,16}}$")
_ANCHOR = re.compile(rf"(?:{_BUYER}|{_SELLER})(?!\s*[:：]?\s*[(（]?章)")
_STAMP_FOOTER = re.compile(r"[(（]章[)）]")


@dataclass
class Token:
    """An alphanumeric run on one line, with the text of its line left of it."""

    text: str
    chars: list[Char]
    line: int
    left: str  # the line's text left of the run, back to a wide gap (where labels are)

    @property
    def box(self) -> Box:
        cs = self.chars
        return Box(min(c.x0 for c in cs), min(c.y0 for c in cs),
                   max(c.x1 for c in cs), max(c.y1 for c in cs))  # fmt: skip


@dataclass
class Anchor:
    side: str  # "buyer" | "seller"
    box: Box


def _em(a: Char, b: Char) -> float:
    return max(min(a.height, b.height), 1.0)


def tokens(pt: PageText) -> list[Token]:
    """Every alphanumeric run of the page (upper-cased, NFKC), glued across small gaps."""
    out: list[Token] = []
    for k, line in enumerate(pt.lines):
        chars = line.chars
        run: list[Char] = []
        start = 0
        for i, ch in enumerate([*chars, None]):
            alnum = ch is not None and bool(_ALNUM.match(ch.text.upper()))
            if alnum and run:
                prev = run[-1]
                assert ch is not None
                if ch.x0 - prev.x1 > GLUE_EM * _em(prev, ch) or prev.hard_break:
                    out.append(_token(run, k, chars, start))
                    run = []
            if alnum:
                assert ch is not None
                if not run:
                    start = i
                run.append(ch)
            elif run:
                out.append(_token(run, k, chars, start))
                run = []
    return out


def _token(run: list[Char], line: int, chars: list[Char], start: int) -> Token:
    left: list[str] = []
    nxt = run[0]
    for ch in reversed(chars[:start]):
        if nxt.x0 - ch.x1 > CELL_EM * _em(ch, nxt) or len(left) > 30:
            break
        left.append(ch.text)
        nxt = ch
    text = "".join(c.text for c in run).upper()
    return Token(text, list(run), line, "".join(reversed(left)).replace(" ", ""))


def anchors(pt: PageText) -> list[Anchor]:
    """购买方/销售方 side labels, headings and prefixed labels, wherever they are."""
    found = [Anchor(m.kind, m.box) for m in markers(pt) if m.kind in ("buyer", "seller")]
    for line in pt.lines:
        if _STAMP_FOOTER.search(line.text) and len(line.text) < 12:
            continue
        for match in _ANCHOR.finditer(line.text):
            chars = line.chars[match.start() : match.end()]
            side = "buyer" if re.fullmatch(_BUYER, match.group(0)) else "seller"
            top, bottom = min(c.y0 for c in chars), max(c.y1 for c in chars)
            found.append(Anchor(side, Box(chars[0].x0, top, chars[-1].x1, bottom)))
    return found


def _label_near(pt: PageText, box: Box) -> bool:
    """A tax-id label just above the value (forms that put labels over their boxes), or
    left of it but off its row by up to a line (a print moved off the form's boxes)."""
    for line in pt.lines:
        if not _TAX_LABEL.search(line.text):
            continue
        for match in _TAX_LABEL.finditer(line.text):
            chars = line.chars[match.start() : match.end()]
            lx0, lx1 = chars[0].x0, chars[-1].x1
            ly1 = max(c.y1 for c in chars)
            em = max(c.height for c in chars)
            cy = (min(c.y0 for c in chars) + ly1) / 2
            above = 0 <= box.y0 - ly1 <= 2.5 * em and lx0 - 2 * em <= box.x0 <= lx1 + 2 * em
            beside = abs(box.cy - cy) <= 1.3 * em and -em <= box.x0 - lx1 <= 12 * em
            if above or beside:
                return True
    return False


@dataclass
class TaxIdCandidate:
    value: str
    token: Token
    labelled: bool
    side: str | None  # from the label's own prefix, else the governing anchor
    certain: bool  # side from a prefix or an anchor (not reading order)


def _governing(box: Box, found: list[Anchor]) -> str | None:
    """The anchor above or left of the box at the smallest reading distance."""
    best: tuple[float, str] | None = None
    for a in found:
        em = a.box.em
        if a.box.x0 > box.x0 + em or a.box.y0 > box.cy + em:
            continue
        dy = max(0.0, box.cy - a.box.y1)
        dx = max(0.0, box.x0 - a.box.x1)
        distance = dy + 0.25 * dx
        if best is None or distance < best[0]:
            best = (distance, a.side)
    return best[1] if best else None


def tax_id_candidates(pt: PageText) -> list[TaxIdCandidate]:
    found = anchors(pt)
    out: list[TaxIdCandidate] = []
    for tok in tokens(pt):
        if not 15 <= len(tok.text) <= 24 or sum(ch.isdigit() for ch in tok.text) < 6:
            continue
        labelled = bool(_TAX_LABEL_END.search(tok.left))
        if len(tok.text) > 18 and is_valid_uscc(tok.text[:18]):
            # A stamp or the next cell run into the id: its first 18 pass the check.
            tok = Token(tok.text[:18], tok.chars[:18], tok.line, tok.left)
        elif len(tok.text) > 20:
            continue
        if not labelled and _NOT_TAX.search(tok.left):
            continue
        check = check_tax_id(tok.text)
        if not labelled and not (check.valid and check.form == "uscc18"):
            if not _label_near(pt, tok.box):
                continue
            labelled = True
        prefix = _PREFIX.search(tok.left) if labelled else None
        if prefix:
            own = "buyer" if re.match(_BUYER, prefix.group(1)) else "seller"
            out.append(TaxIdCandidate(tok.text, tok, labelled, own, True))
            continue
        side = _governing(tok.box, found)
        out.append(TaxIdCandidate(tok.text, tok, labelled, side, side is not None))
    return out


def assign_tax_ids(pt: PageText) -> dict[str, tuple[str, bool]]:
    """{"buyer"|"seller": (tax id, side certain)} for the parties found on the page."""
    cands = tax_id_candidates(pt)
    out: dict[str, tuple[str, bool]] = {}
    spare: list[TaxIdCandidate] = []
    for side in ("buyer", "seller"):
        mine = [c for c in cands if c.side == side]
        if not mine:
            continue
        # Labelled ones first, then the first printed (a stamp repeats the seller's id).
        mine.sort(key=lambda c: (not c.labelled, c.token.line, c.token.box.x0))
        out[side] = (mine[0].value, mine[0].certain)
        # Another labelled id under the same anchor: the other party's, whose own anchor
        # was not read (a guess, below).
        spare += [c for c in mine[1:] if c.labelled and c.value != mine[0].value]
    for cand in spare:
        other = "seller" if cand.side == "buyer" else "buyer"
        out.setdefault(other, (cand.value, False))
    unplaced = [c for c in cands if c.side is None and c.value not in {v for v, _ in out.values()}]
    unplaced.sort(key=lambda c: (c.token.line, c.token.box.x0))
    for side in ("buyer", "seller"):
        if side not in out and unplaced:
            out[side] = (unplaced.pop(0).value, False)
    return out


def apply_tax_ids(raw: RawInvoice, pt: PageText, source: Source) -> None:
    """Put the assigned tax ids into `raw`, reconciled with what the label reader found:
    the same value -> the higher confidence; a missing one -> filled; a different one ->
    the better-placed value, marked for review (the page says two things)."""
    for side, (value, certain) in assign_tax_ids(pt).items():
        name = f"{side}_tax_id"
        check = check_tax_id(value)
        confidence = (SURE if certain else UNSURE) if check.valid else WEAK
        current = getattr(raw.data, name)
        if not certain:
            raw.extras[f"side_guessed:{name}"] = value
        if current is None:
            put(raw, name, value, source, confidence)
        elif current == value:
            raw.confidence[name] = max(raw.confidence.get(name, 0.0), confidence)
        else:
            keep_mine = certain and raw.confidence.get(name, 0.0) < SURE
            if keep_mine:
                put(raw, name, value, source, confidence)
            raw.confidence[name] = min(raw.confidence[name], WEAK)


__all__ = [
    "Anchor", "TaxIdCandidate", "Token", "anchors", "apply_tax_ids", "assign_tax_ids", "tokens",
]  # fmt: skip
