"""Invoices, their line items, the original files, corrections and duplicate submissions."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fapiao.accounts.models import Department, Organisation


def money_field(verbose_name: str) -> models.DecimalField:
    """Money is exact: 16 digits before the point, two after (DESIGN.md)."""
    return models.DecimalField(verbose_name, max_digits=18, decimal_places=2, null=True, blank=True)


class TaxStatus(models.TextChoices):
    """Status at the tax authority (values match fapiao.core.kinds.TaxStatus)."""

    NORMAL = "normal", "正常"
    VOIDED = "voided", "已作废"
    RED_FULL = "red_full", "已红冲-全额"
    RED_PARTIAL = "red_partial", "已红冲-部分"


class RiskFlag(models.TextChoices):
    NONE = "", "无"
    OUT_OF_CONTROL = "out_of_control", "失控发票"
    ABNORMAL = "abnormal", "异常凭证"
    SUSPICIOUS = "suspicious", "疑点发票"


class ReviewStatus(models.TextChoices):
    PROCESSING = "processing", "识别中"
    PENDING_REVIEW = "pending_review", "待审核"
    APPROVED = "approved", "已审核"
    RETURNED = "returned", "已退回"
    REIMBURSED = "reimbursed", "已报销"
    WITHDRAWN = "withdrawn", "已撤回"


class Source(models.TextChoices):
    API = "api", "接口录入"
    WEB = "web", "网页录入"
    UPLOAD = "upload", "上传识别"
    IMPORT = "import", "平台导入"
    DEMO = "demo", "演示数据"


class Invoice(models.Model):
    # No index of its own: every index of the table below leads with the organisation, so
    # one more would only cost each insert (a million-row import maintains 16, not 17).
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="invoices",
        verbose_name="组织",
        db_index=False,
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invoices",
        verbose_name="部门",
    )
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submitted_invoices",
        verbose_name="提交人",
    )
    # (code, number) for old invoices, the 20-digit number for 数电票: see core.codes.
    identity_key = models.CharField("发票标识", max_length=40)

    invoice_type = models.CharField("发票类型代码", max_length=4, blank=True)
    invoice_type_name = models.CharField("发票类型", max_length=60, blank=True)
    invoice_code = models.CharField("发票代码", max_length=12, blank=True)
    invoice_number = models.CharField("发票号码", max_length=20)
    issue_date = models.DateField("开票日期", null=True, blank=True)
    check_code = models.CharField("校验码", max_length=20, blank=True)
    region = models.CharField("开票地区", max_length=20, blank=True)
    is_beijing = models.BooleanField("北京发票", default=False)

    buyer_name = models.CharField("购买方名称", max_length=200, blank=True)
    buyer_tax_id = models.CharField("购买方纳税人识别号", max_length=20, blank=True)
    seller_name = models.CharField("销售方名称", max_length=200, blank=True)
    seller_tax_id = models.CharField("销售方纳税人识别号", max_length=20, blank=True)

    amount = money_field("合计金额")
    tax_amount = money_field("合计税额")
    total_amount = money_field("价税合计")
    total_amount_cn = models.CharField("价税合计（大写）", max_length=100, blank=True)
    remarks = models.TextField("备注", blank=True)
    issuer = models.CharField("开票人", max_length=50, blank=True)

    tax_status = models.CharField(
        "发票状态", max_length=12, choices=TaxStatus.choices, default=TaxStatus.NORMAL
    )
    risk_flag = models.CharField(
        "风险标记", max_length=16, choices=RiskFlag.choices, default=RiskFlag.NONE, blank=True
    )
    is_red = models.BooleanField("红字发票", default=False)
    original_invoice = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="red_invoices",
        verbose_name="被红冲的蓝字发票",
    )
    original_invoice_code = models.CharField("蓝字发票代码", max_length=12, blank=True)
    original_invoice_number = models.CharField("蓝字发票号码", max_length=20, blank=True)

    category = models.CharField("类别", max_length=40, blank=True)
    status = models.CharField(
        "审核状态",
        max_length=16,
        choices=ReviewStatus.choices,
        default=ReviewStatus.PENDING_REVIEW,
    )
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.API)
    has_duplicates = models.BooleanField("重复提交", default=False)

    findings = models.JSONField("检查结果", default=list, blank=True)
    needs_review = models.JSONField("待人工核对字段", default=list, blank=True)
    confidence = models.JSONField("置信度", default=dict, blank=True)
    sources = models.JSONField("字段来源", default=dict, blank=True)

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "发票"
        verbose_name_plural = "发票"
        constraints = [
            # The rule against 重复报销: one invoice is stored once per organisation.
            models.UniqueConstraint(
                fields=["organisation", "identity_key"], name="uniq_invoice_identity"
            ),
        ]
        # Every list is scoped to one organisation and paged by (sort key, id), so each
        # index leads with the organisation and ends with the key set's tie-breaker.
        indexes = [
            # With the default sort's key set, so that a number lookup sorted as lists are
            # is one index range even before SQLite has statistics (it walks
            # inv_org_date otherwise: seconds at a million rows).
            models.Index(
                fields=["organisation", "invoice_number", "issue_date", "id"],
                name="inv_org_number",
            ),
            # The columns after the key set let the commonest list filters (type, status,
            # amount within a date range) and their capped counts be answered from the
            # index alone, and a quarter be sorted by amount without reading its rows: at a
            # million invoices that is ~20 ms instead of 100-500 ms per page.
            models.Index(
                fields=[
                    "organisation",
                    "issue_date",
                    "id",
                    "invoice_type",
                    "tax_status",
                    "total_amount",
                ],
                name="inv_org_date",
            ),
            # Sorting by amount within a date range (and type or status) walks this index in
            # amount order and checks those filters in it, never reading a row: PostgreSQL
            # chooses this walk, and without the filter columns here it read ~1 row of the
            # table per 50 skipped (0.1-0.25 s a page at a million invoices).
            models.Index(
                fields=[
                    "organisation",
                    "total_amount",
                    "id",
                    "created_at",
                    "issue_date",
                    "invoice_type",
                    "tax_status",
                ],
                name="inv_org_total",
            ),
            models.Index(fields=["organisation", "created_at", "id"], name="inv_org_created"),
            models.Index(fields=["organisation", "seller_tax_id"], name="inv_org_seller"),
            models.Index(fields=["organisation", "buyer_tax_id"], name="inv_org_buyer"),
            models.Index(
                fields=["organisation", "department", "issue_date"], name="inv_org_dept_date"
            ),
            models.Index(
                fields=["organisation", "submitter", "issue_date"], name="inv_org_subm_date"
            ),
            models.Index(
                fields=["organisation", "category", "issue_date"], name="inv_org_cat_date"
            ),
            models.Index(
                fields=["organisation", "status", "issue_date"], name="inv_org_status_date"
            ),
            # A blue invoice looks for the red ones that named it before it arrived; only
            # red invoices are in this index, so it stays small.
            models.Index(
                fields=["organisation", "original_invoice_number"],
                condition=models.Q(is_red=True),
                name="inv_org_red_original",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_code + '-' if self.invoice_code else ''}{self.invoice_number}"


class LineItem(models.Model):
    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="items", verbose_name="发票"
    )
    position = models.PositiveSmallIntegerField("序号")
    name = models.CharField("项目名称", max_length=300)
    tax_category = models.CharField("税收分类", max_length=60, blank=True)
    spec = models.CharField("规格型号", max_length=100, blank=True)
    unit = models.CharField("单位", max_length=20, blank=True)
    quantity = models.CharField("数量", max_length=30, blank=True)
    unit_price = models.CharField("单价", max_length=30, blank=True)
    amount = money_field("金额")
    tax_rate = models.CharField("税率", max_length=10, blank=True)
    tax_amount = money_field("税额")

    class Meta:
        verbose_name = "发票明细"
        verbose_name_plural = "发票明细"
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="uniq_item_position")
        ]

    def __str__(self) -> str:
        return self.name


def original_path(instance: Document, filename: str) -> str:
    # Originals are content-addressed: the same bytes are stored once, forever.
    return f"{instance.sha256[:2]}/{instance.sha256[2:4]}/{instance.sha256}"


class DocumentState(models.TextChoices):
    QUEUED = "queued", "排队中"
    PROCESSING = "processing", "识别中"
    DONE = "done", "完成"
    FAILED = "failed", "失败"


class Document(models.Model):
    """An original file as uploaded, kept by its SHA-256."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="documents", verbose_name="组织"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name="上传人",
    )
    invoice = models.ForeignKey(
        Invoice,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name="发票",
    )
    sha256 = models.CharField("SHA-256", max_length=64)
    file = models.FileField("文件", upload_to=original_path, max_length=200)
    mime_type = models.CharField("类型", max_length=100)
    size = models.PositiveBigIntegerField("大小（字节）")
    original_name = models.CharField("文件名", max_length=255)
    state = models.CharField(
        "处理状态", max_length=12, choices=DocumentState.choices, default=DocumentState.QUEUED
    )
    error_code = models.CharField("错误代码", max_length=40, blank=True)
    error_message = models.TextField("错误说明", blank=True)
    # The reader's output (the extract schema) plus what became of each invoice ("outcome").
    extraction = models.JSONField("识别结果", default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField("识别次数", default=0)
    started_at = models.DateTimeField("开始识别时间", null=True, blank=True)
    finished_at = models.DateTimeField("识别完成时间", null=True, blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "原始文件"
        verbose_name_plural = "原始文件"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "sha256"], name="uniq_document_sha")
        ]

    def __str__(self) -> str:
        return self.original_name


class DuplicateSubmission(models.Model):
    """A second submission of an invoice already stored: linked, never stored twice."""

    invoice = models.ForeignKey(
        Invoice,
        on_delete=models.CASCADE,
        related_name="duplicate_submissions",
        verbose_name="发票",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="提交人",
    )
    document = models.ForeignKey(
        Document,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="原始文件",
    )
    source = models.CharField("来源", max_length=10, choices=Source.choices)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = "重复提交"
        verbose_name_plural = "重复提交"

    def __str__(self) -> str:
        return f"重复提交 {self.invoice_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class FieldCorrection(models.Model):
    """A person's correction of one field: append-only, the audit trail of the data."""

    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="corrections", verbose_name="发票"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="修改人",
    )
    field = models.CharField("字段", max_length=40)
    before = models.TextField("修改前", blank=True)
    after = models.TextField("修改后", blank=True)
    reason = models.CharField("原因", max_length=500, blank=True)
    created_at = models.DateTimeField("修改时间", auto_now_add=True)

    class Meta:
        verbose_name = "字段更正"
        verbose_name_plural = "字段更正"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.field}: {self.before} -> {self.after}"
