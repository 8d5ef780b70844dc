"""What a person typed into a lookup, cleaned and compared: OCR-confusable characters,
positions of bad characters, edit distances, the one-edit neighbourhood of a number (for
indexed near-match queries). Forgery signals are in lookup_forgery. No Django here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from fapiao.core._text import is_digits, to_halfwidth
from fapiao.core.codes import number_problems

# Letters that OCR and hurried typing put where a digit belongs (O/0, I/l/1, Z/2, S/5, B/8).
CONFUSABLE_DIGITS: dict[str, str] = {
    "O": "0", "o": "0", "D": "0", "Q": "0",
    "I": "1", "l": "1", "i": "1", "|": "1", "L": "1",
    "Z": "2", "z": "2",
    "S": "5", "s": "5",
    "B": "8",
    "G": "6", "b": "6",
    "g": "9", "q": "9",
}  # fmt: skip
# Separators people type into long numbers; dropped silently.
_SEPARATORS = frozenset(" -_.,/\u3000\u00a0\u200b\ufeff")
DIGITS = "0123456789"


@dataclass(frozen=True)
class Fix:
    position: int  # 1-based, in the cleaned text a person reads
    typed: str
    meant: str


@dataclass(frozen=True)
class Normalised:
    value: str
    fixes: tuple[Fix, ...] = ()  # confusable characters replaced by digits
    bad: tuple[Fix, ...] = ()  # characters that could not be read as a digit (meant="")
    was_fullwidth: bool = False


def normalise_digits(text: str | None) -> Normalised:
    """Digits only, with full-width digits folded and confusable letters replaced."""
    raw = text or ""
    half = to_halfwidth(raw)
    out: list[str] = []
    fixes: list[Fix] = []
    bad: list[Fix] = []
    for ch in half:
        if ch in _SEPARATORS or ch.isspace():
            continue
        position = len(out) + 1
        if is_digits(ch):
            out.append(ch)
        elif ch in CONFUSABLE_DIGITS:
            fixes.append(Fix(position, ch, CONFUSABLE_DIGITS[ch]))
            out.append(CONFUSABLE_DIGITS[ch])
        else:
            bad.append(Fix(position, ch, ""))
            out.append(ch)
    return Normalised("".join(out), tuple(fixes), tuple(bad), was_fullwidth=half != raw)


@dataclass(frozen=True)
class FormatProblem:
    field: str  # "invoice_code" | "invoice_number"
    message: str
    position: int | None = None  # 1-based position of the offending character


def format_problems(
    code: Normalised, number: Normalised, *, today: datetime.date
) -> list[FormatProblem]:
    """What is wrong with the shape of the (already normalised) code and number."""
    problems: list[FormatProblem] = []
    for name, value, label in (
        ("invoice_code", code, "发票代码"),
        ("invoice_number", number, "发票号码"),
    ):
        for b in value.bad:
            problems.append(
                FormatProblem(
                    name,
                    f"{label}第{b.position}位「{b.typed}」不是数字：请对照发票原件重新输入。",
                    b.position,
                )
            )
    if problems:
        return problems
    if not number.value:
        return [FormatProblem("invoice_number", "请填写发票号码（8位或20位数字）。")]
    for name, message in number_problems(code.value, number.value, today=today):
        problems.append(FormatProblem(name, message, _length_position(name, code, number)))
    return problems


def _length_position(name: str, code: Normalised, number: Normalised) -> int | None:
    """For a wrong length, the first position past the expected length (an extra digit)."""
    value = code.value if name == "invoice_code" else number.value
    expected = [10, 12] if name == "invoice_code" else ([8] if code.value else [20])
    longer = [n for n in expected if n < len(value)]
    return max(longer) + 1 if longer else None


def _count_bound(a: str, b: str) -> int:
    """A lower bound of the edit distance from the characters alone: a substitution moves
    two counts, an insertion or deletion one, a swap none. Runs at C speed (str.count)."""
    chars = set(a) | set(b)
    moved = sum(abs(a.count(c) - b.count(c)) for c in chars)
    return (moved + 1) // 2


def digit_counts(text: str) -> tuple[int, ...]:
    """How often each digit occurs: compared between two numbers, a cheap lower bound of
    their edit distance (see count_bound)."""
    return tuple(map(text.count, DIGITS))


def count_bound(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    """Lower bound of the edit distance of two digit strings from their digit_counts."""
    return (sum(abs(x - y) for x, y in zip(a, b, strict=True)) + 1) // 2


def edit_distance(a: str, b: str, *, limit: int | None = None) -> int:
    """Optimal string alignment distance (substitution, insertion, deletion and swapping
    two neighbouring characters each cost 1). With `limit`, returns limit+1 as soon as the
    distance is known to exceed it (the near-match search compares hundreds of rows)."""
    if a == b:
        return 0
    # Common ends cost nothing; invoice numbers share long prefixes (year, region, channel).
    start = 0
    while start < len(a) and start < len(b) and a[start] == b[start]:
        start += 1
    end = 0
    while end < len(a) - start and end < len(b) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    a, b = a[start : len(a) - end], b[start : len(b) - end]
    if limit is not None and (abs(len(a) - len(b)) > limit or _count_bound(a, b) > limit):
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if limit is not None and min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1] if limit is None else min(prev[-1], limit + 1)


def one_edit_variants(text: str, *, alphabet: str = DIGITS) -> set[str]:
    """Every string one substitution, insertion, deletion or swap (of any two positions)
    away from `text`: ~400 strings for a 20-digit number, each an index probe."""
    out: set[str] = set()
    n = len(text)
    for i in range(n):
        out.add(text[:i] + text[i + 1 :])
        for d in alphabet:
            if d != text[i]:
                out.add(text[:i] + d + text[i + 1 :])
    for i in range(n + 1):
        for d in alphabet:
            out.add(text[:i] + d + text[i:])
    chars = list(text)
    for i in range(n):
        for j in range(i + 1, n):
            if chars[i] != chars[j]:
                chars[i], chars[j] = chars[j], chars[i]
                out.add("".join(chars))
                chars[i], chars[j] = chars[j], chars[i]
    out.discard(text)
    return out


def year_positions(code: str, number: str) -> tuple[str, int, int] | None:
    """Which field and slice hold the two-digit year: ("invoice_code"|"invoice_number", i, j)."""
    if code and len(code) == 10:
        return ("invoice_code", 4, 6)
    if code and len(code) == 12:
        return ("invoice_code", 5, 7)
    if not code and len(number) == 20:
        return ("invoice_number", 0, 2)
    return None


def describe_difference(
    typed_code: str, typed_number: str, code: str, number: str
) -> tuple[str, str] | None:
    """How an existing (code, number) differs from what was typed, as (kind, Chinese text);
    None when it is more than two edits away. Kinds: swapped_fields, swapped_digits,
    wrong_year, one_edit, two_edits."""
    if typed_code and typed_number and (typed_code, typed_number) == (number, code):
        return ("swapped_fields", "发票代码和发票号码填反了")
    typed, real = typed_code + "|" + typed_number, code + "|" + number
    if typed == real:
        return None
    if len(typed) == len(real):
        diff = [i for i in range(len(typed)) if typed[i] != real[i]]
        if len(diff) == 2 and typed[diff[0]] == real[diff[1]] and typed[diff[1]] == real[diff[0]]:
            where = _position_text(typed_code, typed_number, diff)
            return ("swapped_digits", f"{where}两位数字顺序颠倒")
        year = year_positions(code, number)
        if year and diff:
            offset = 0 if year[0] == "invoice_code" else len(typed_code) + 1
            if all(offset + year[1] <= i < offset + year[2] for i in diff):
                return ("wrong_year", "表示年份的数字输入有误")
    distance = edit_distance(typed, real, limit=2)
    if distance == 1:
        return ("one_edit", "有一位数字不同（多输、少输或输错一位）")
    if distance == 2:
        return ("two_edits", "有两处数字不同")
    return None


def _position_text(code: str, number: str, diff: list[int]) -> str:
    boundary = len(code)
    if all(i < boundary for i in diff):
        return f"发票代码第{diff[0] + 1}、{diff[1] + 1}位"
    if all(i > boundary for i in diff):
        return f"发票号码第{diff[0] - boundary}、{diff[1] - boundary}位"
    return "代码与号码之间"
