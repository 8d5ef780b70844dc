"""Calibrated doubt: a field is marked for review because its value is uncertain, not
because of where it came from.

- The organisation's own tax id (the upload's organisation; `fapiao extract
  --buyer-tax-id`) is almost always the buyer's: it confirms a buyer tax id read from the
  page, puts a tax id that a guess placed on the wrong side back on the buyer's, and
  replaces a misread buyer tax id that fails its check and differs from it in at most two
  characters. It never overrides a tax id whose side the page itself settled.
- A rule that fails (金额 + 税额 ≠ 价税合计, 大写 ≠ 小写, lines that do not add up) puts
  every field it involves up for review, except one that two independent sources agree
  on (confidence 1).
"""

from __future__ import annotations

from fapiao.core.findings import Finding, Severity
from fapiao.core.invoice import InvoiceData
from fapiao.core.taxid import check_tax_id, normalize_tax_id
from fapiao.reader.base import RawInvoice, Source

CERTAIN_SIDE = 0.9  # at or above: the page placed this tax id itself
KNOWN = 0.97  # a tax id read from the page that equals the organisation's
SIDE = 0.95  # the other party's sure reading, its side settled by the known buyer
_RULE_FIELDS = {
    "total_mismatch": ("amount", "tax_amount", "total_amount"),
    "cn_amount_mismatch": ("total_amount", "total_amount_cn"),
    "line_sum_mismatch": ("items",),
}


class Fields:
    """The values of one invoice being resolved, with their sources and confidences."""

    def __init__(self, raw: RawInvoice) -> None:
        self.data: InvoiceData = raw.data
        self.sources: dict[str, Source] = dict(raw.sources)
        self.confidence: dict[str, float] = dict(raw.confidence)

    def set(self, name: str, value: object, source: Source, confidence: float) -> None:
        setattr(self.data, name, value)
        self.sources[name] = source
        self.confidence[name] = round(max(0.0, min(1.0, confidence)), 3)

    def conf(self, *names: str) -> float:
        return min(self.confidence.get(n, 0.0) for n in names)


def _near(a: str, b: str) -> bool:
    """Same length and at most two characters apart (OCR misreads, not another id)."""
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) <= 2


def known_buyer(
    f: Fields, organisation_tax_id: str | None, extras: dict[str, str] | None = None
) -> list[Finding]:
    """`extras`: the reader's notes (RawInvoice.extras): "side_guessed:<field>" for a tax
    id placed by reading order, "side_only:<field>" for one whose reading was sure."""
    own = normalize_tax_id(organisation_tax_id or "")
    if not own:
        return []
    notes = extras or {}
    guessed = {k.split(":", 1)[1]: v for k, v in notes.items() if k.startswith("side_guessed:")}
    sure_but_side = {k.split(":", 1)[1]: v for k, v in notes.items() if k.startswith("side_only:")}
    data = f.data
    buyer, seller = data.buyer_tax_id, data.seller_tax_id
    if buyer == own:
        f.confidence["buyer_tax_id"] = max(f.confidence.get("buyer_tax_id", 0.0), KNOWN)
        # The other id was put on the seller's side by a guess, and only that guess kept
        # it from being sure: with the buyer known, it is the seller's.
        settled = seller and seller != own and guessed.get("seller_tax_id") == seller
        if settled and sure_but_side.get("seller_tax_id") == seller:
            f.confidence["seller_tax_id"] = max(f.confidence.get("seller_tax_id", 0.0), SIDE)
        return []
    if seller == own and f.confidence.get("seller_tax_id", 0.0) < CERTAIN_SIDE:
        # Placed on the seller's side by a guess: it is the buyer's, and the other id
        # (if any) then the seller's.
        other_conf = f.confidence.get("buyer_tax_id", 0.0)
        other_source = f.sources.get("buyer_tax_id", "derived")
        f.set("buyer_tax_id", own, f.sources.get("seller_tax_id", "derived"), KNOWN)
        if buyer is not None:
            f.set("seller_tax_id", buyer, other_source, other_conf)
        else:
            data.seller_tax_id = None
            f.sources.pop("seller_tax_id", None)
            f.confidence.pop("seller_tax_id", None)
        return []
    if buyer is not None and not check_tax_id(buyer).valid and _near(buyer, own):
        f.set("buyer_tax_id", own, f.sources.get("buyer_tax_id", "derived"), KNOWN - 0.02)
        return [
            Finding(
                code="buyer_tax_id_known",
                severity=Severity.INFO,
                field="buyer_tax_id",
                message=(
                    f"购买方纳税人识别号识别为「{buyer}」，校验不通过，与本单位税号仅差一两个"
                    f"字符，已按本单位税号「{own}」填写：如购买方不是本单位请更正。"
                ),
            )
        ]
    return []


_PARTY = {"buyer_tax_id": "购买方", "seller_tax_id": "销售方"}


def repair_findings(raw: RawInvoice) -> list[Finding]:
    """What the reader repaired or could not decide (RawInvoice.extras "repaired:<field>"
    = the value as read, "ambiguous:<field>" = the possible repairs), said to a person."""
    out: list[Finding] = []
    for key, value in raw.extras.items():
        kind, _, name = key.partition(":")
        who = _PARTY.get(name, name)
        if kind == "repaired":
            message = (
                f"{who}纳税人识别号识别为「{value}」，校验不通过，已按最可能的误认修正为"
                f"「{getattr(raw.data, name)}」：请对照发票原件核对。"
            )
            out.append(Finding("tax_id_repaired", Severity.WARNING, message, name))
        elif kind == "ambiguous":
            options = "、".join(value.split(","))
            message = (
                f"{who}纳税人识别号「{getattr(raw.data, name)}」校验不通过，可能是 {options} "
                "中的一个，无法确定：请对照发票原件填写。"
            )
            out.append(Finding("tax_id_ambiguous", Severity.WARNING, message, name))
    return out


def doubted_by_rules(findings: list[Finding], confidence: dict[str, float]) -> set[str]:
    """Fields a failed consistency rule involves, except those two sources confirmed."""
    out: set[str] = set()
    for finding in findings:
        for name in _RULE_FIELDS.get(finding.code, ()):
            if confidence.get(name, 0.0) < 1.0:
                out.add(name)
    return out


__all__ = ["Fields", "doubted_by_rules", "known_buyer", "repair_findings"]
