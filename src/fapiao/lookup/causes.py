"""One function per diagnosis cause: each builds its Cause (confidence, Chinese message,
evidence, suggestion) from facts the orchestrator (diagnosis.py) gathered."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from fapiao.core.lookup_forgery import StructureSignal
from fapiao.core.lookup_text import FormatProblem, Normalised
from fapiao.invoices.models import Invoice, ReviewStatus, TaxStatus
from fapiao.invoices.presenters import money
from fapiao.lookup.models import SyncSource
from fapiao.lookup.near import NearMatch

FILTER_LABELS = {
    "date_from": "开票日期起",
    "date_to": "开票日期止",
    "invoice_type": "发票类型",
    "buyer": "购买方",
    "seller": "销售方",
    "amount_min": "金额下限",
    "amount_max": "金额上限",
    "tax_status": "发票状态",
    "status": "审核状态",
    "department": "部门",
    "category": "类别",
    "submitter": "提交人",
    "region": "地区",
    "is_beijing": "北京发票",
    "has_duplicates": "重复提交",
}


@dataclass
class Cause:
    cause: str
    confidence: float
    message: str
    suggestion: str
    evidence: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "cause": self.cause,
            "confidence": round(self.confidence, 2),
            "message": self.message,
            "evidence": self.evidence,
            "suggestion": self.suggestion,
        }


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return reverse("invoice-list")


def when(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return local.strftime("%Y-%m-%d %H:%M")


def format_error(problems: list[FormatProblem], code: Normalised, number: Normalised) -> Cause:
    first = problems[0]
    return Cause(
        "format_error",
        0.95,
        "；".join(p.message for p in problems[:3]),
        "请对照发票原件逐位核对：数电票只填20位号码，旧版发票填10或12位代码和8位号码。",
        {
            "problems": [
                {"field": p.field, "position": p.position, "message": p.message} for p in problems
            ],
            "field": first.field,
            "position": first.position,
            "normalised": {"invoice_code": code.value, "invoice_number": number.value},
        },
    )


def ocr_fixed(code: Normalised, number: Normalised) -> Cause:
    fixes = [("发票代码", f) for f in code.fixes] + [("发票号码", f) for f in number.fixes]
    parts = [f"{label}第{f.position}位「{f.typed}」" for label, f in fixes[:4]]
    return Cause(
        "format_error",
        0.35,
        f"{'、'.join(parts)}像是数字被识别或输入成了字母，已按数字查询。"
        + ("全角数字已转换为半角。" if code.was_fullwidth or number.was_fullwidth else ""),
        "如果仍查不到，请对照原件核对这几位。",
        {
            "fixes": [
                {"field": label, "position": f.position, "typed": f.typed, "meant": f.meant}
                for label, f in fixes
            ],
            "normalised": {"invoice_code": code.value, "invoice_number": number.value},
        },
    )


def near_match(matches: list[NearMatch]) -> Cause:
    best = matches[0]
    strong = best.kind in ("swapped_fields", "swapped_digits", "wrong_year", "one_edit")
    # Fields typed into each other's boxes also fail the format check; this explains it.
    confidence = 0.97 if best.kind == "swapped_fields" else 0.8 if strong else 0.55
    confidence += 0.1 * (best.same_date or best.same_amount)
    confidence = min(confidence, 0.97 if best.kind == "swapped_fields" else 0.95)
    label = "-".join(x for x in (best.invoice_code, best.invoice_number) if x)
    return Cause(
        "near_match",
        confidence,
        f"您是否要找 {label}？（{best.description}）",
        "点击候选发票查看；如果都不是，请核对号码后重新查询。",
        {
            "candidates": [
                {
                    "id": m.invoice_id,
                    "invoice_code": m.invoice_code,
                    "invoice_number": m.invoice_number,
                    "issue_date": m.issue_date.isoformat() if m.issue_date else None,
                    "total_amount": money(m.total_amount),
                    "difference": m.kind,
                    "description": m.description,
                    "url": reverse("invoice-detail", args=[m.invoice_id]),
                }
                for m in matches
            ]
        },
    )


def filters_excluded(invoice: Invoice, names: list[str]) -> Cause:
    labels = [FILTER_LABELS.get(n, n) for n in names]
    return Cause(
        "filters_excluded",
        0.9,
        f"这张发票存在，但被查询条件「{'、'.join(labels)}」排除了。",
        f"去掉或放宽「{'、'.join(labels)}」条件后再查。",
        {"filters": names, "invoice_id": invoice.pk},
    )


def status_excluded(invoice: Invoice, red: Invoice | None) -> Cause:
    evidence: dict[str, Any] = {
        "invoice_id": invoice.pk,
        "tax_status": invoice.tax_status,
        "status": invoice.status,
    }
    if invoice.tax_status == TaxStatus.VOIDED:
        message, todo = "这张发票已作废，不能用于报销。", "请向开票方索取新开的发票。"
    elif invoice.tax_status in (TaxStatus.RED_FULL, TaxStatus.RED_PARTIAL):
        label = TaxStatus(invoice.tax_status).label
        if red is not None:
            name = "-".join(x for x in (red.invoice_code, red.invoice_number) if x)
            message = f"这张发票{label}，红字发票为 {name}。"
            evidence["red_invoice"] = {"id": red.pk, "invoice_code": red.invoice_code,
                                       "invoice_number": red.invoice_number}  # fmt: skip
        else:
            message = f"这张发票{label}（红字发票尚未录入本系统）。"
        todo = "红冲后的金额不能全额报销：请向开票方确认并取得新开的发票。"
    else:
        message = f"这张发票{ReviewStatus(invoice.status).label}，不能重复报销。"
        todo = "如需查看报销记录，请打开这张发票的详情。"
    return Cause("status_excluded", 0.9, message, todo, evidence)


def no_permission() -> Cause:
    # Says nothing about whose it is or what it holds: only that it is inside the organisation.
    return Cause(
        "no_permission",
        0.9,
        "本组织已有这张发票，但不在您有权查看的范围内（其他部门或其他人提交）。",
        "如需查看，请联系财务管理员或您的审核员。",
        {},
    )


def not_beijing(region: str, field_name: str) -> Cause:
    return Cause(
        "not_beijing",
        0.7,
        f"这张发票由{region}开具，不是北京的发票，北京的系统中本来就没有它。",
        f"请到{region}的电子税务局或全国增值税发票查验平台查验。",
        {"region": region, "field": field_name},
    )


def not_synced_yet(
    issue_date: dt.date, source: SyncSource | None, retry_at: dt.datetime, *, fresh: bool
) -> Cause:
    evidence: dict[str, Any] = {
        "issue_date": issue_date.isoformat(),
        "retry_at": retry_at.isoformat(),
    }
    if source is not None:
        evidence["source"] = source.name
        evidence["last_success_at"] = (
            source.last_success_at.isoformat() if source.last_success_at else None
        )
    if fresh:
        message = (
            f"这张发票开具于{issue_date.isoformat()}，税务平台次日起才能查验，数据可能还未同步。"
        )
    else:
        last = when(source.last_success_at) if source and source.last_success_at else "尚未"
        name = source.name if source else "上游"
        message = f"这张发票开具于{issue_date.isoformat()}，晚于{name}上次成功同步（{last}）。"
    return Cause(
        "not_synced_yet",
        0.75 if fresh else 0.65,
        message,
        f"请在 {when(retry_at)} 之后再查。",
        evidence,
    )


def not_uploaded(confidence: float, *, has_near: bool) -> Cause:
    near = "（只有号码相近的发票）" if has_near else "，也没有号码相近的发票"
    return Cause(
        "not_uploaded",
        confidence,
        f"您有权查看的发票中没有这张{near}：它可能还没有上传。",
        "请在「扫描上传」上传发票的照片、PDF、OFD或XML文件。",
        {"upload_url": _url("scan-upload")},
    )


def suspected_forgery(signals: list[StructureSignal], *, platform: dict[str, Any] | None) -> Cause:
    confidence = min(0.45 + 0.15 * len(signals) + (0.3 if platform else 0), 0.9)
    reasons = [s.message for s in signals]
    if platform:
        reasons.append(f"税务平台在{platform['checked_at']}答复「查无此票」，已超过正常同步时间")
    return Cause(
        "suspected_forgery",
        confidence,
        "这张发票可能不是真实发票：" + "；".join(reasons) + "。",
        "请不要报销，先向开票方核实，并到全国增值税发票查验平台查验。",
        {"signals": [{"message": s.message, **s.evidence} for s in signals], "platform": platform},
    )


def maintenance(until: dt.datetime | None, what: str) -> Cause:
    retry = f"请在 {when(until)} 之后再查。" if until else "请稍后再查。"
    return Cause(
        "maintenance",
        0.5,
        f"{what}正在维护，查询结果可能不完整。",
        retry,
        {"what": what, "retry_at": until.isoformat() if until else None},
    )


def upstream_unavailable(until: dt.datetime | None, what: str) -> Cause:
    retry = f"请在 {when(until)} 之后再查。" if until else "请稍后再查。"
    return Cause(
        "upstream_unavailable",
        0.45,
        f"{what}暂时无法访问，最新的发票数据可能还没有同步过来。",
        retry,
        {"what": what, "retry_at": until.isoformat() if until else None},
    )


def rate_limited(until: dt.datetime, reason: str) -> Cause:
    return Cause(
        "rate_limited",
        0.4,
        f"{reason}，暂时不能向税务平台查验。",
        f"请在 {when(until)} 之后再查验。",
        {"retry_at": until.isoformat(), "reason": reason},
    )
