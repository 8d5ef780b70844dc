"""Forms of the invoice pages: the list filters (GET parameters -> selectors.InvoiceFilter)
with Chinese messages beside each field, and the fields every invoice form shares (money,
dates, codes), which the review app's confirm form uses too."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from fapiao.accounts.models import Department, User
from fapiao.core.kinds import QR_TYPE_NAMES
from fapiao.invoices.models import Invoice, ReviewStatus, TaxStatus
from fapiao.invoices.selectors import DEFAULT_SORT, SORT_FIELDS, InvoiceFilter

DATE_ERROR = "日期格式应为 YYYY-MM-DD，例如 2026-11-28"
MONEY_ERROR = "应为金额，例如 1234.50（最多两位小数）"
MONEY_ERRORS = {
    "invalid": MONEY_ERROR,
    "max_decimal_places": MONEY_ERROR,
    "max_digits": "金额过大：请核对",
    "max_whole_digits": "金额过大：请核对",
}
# A scope rarely holds more than a few dozen categories; this bounds the look-ups.
MAX_CATEGORIES = 200


def _choices(pairs: Any, empty: str) -> list[tuple[str, str]]:
    return [("", empty), *((str(value), str(label)) for value, label in pairs)]


def money_field(label: str, **attrs: str) -> forms.DecimalField:
    """An amount as finance staff type it: "1234.50", two decimals at most."""
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=18,
        decimal_places=2,
        localize=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", **attrs}),
        error_messages=MONEY_ERRORS,
    )


def date_field(label: str) -> forms.DateField:
    """A YYYY-MM-DD date with the browser's date picker."""
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": DATE_ERROR},
    )


def categories_in_scope(qs: QuerySet[Invoice]) -> list[str]:
    """Distinct categories of `qs`, one index seek per category (a loose index scan), so a
    million invoices cost what a dozen do."""
    found: list[str] = []
    base = qs.exclude(category="").order_by("category").values_list("category", flat=True)
    last = ""
    while len(found) < MAX_CATEGORIES:
        nxt = base.filter(category__gt=last).first()
        if nxt is None:
            break
        found.append(nxt)
        last = nxt
    return found


class InvoiceFilterForm(forms.Form):
    invoice_number = forms.CharField(label="发票号码", max_length=20, required=False)
    invoice_code = forms.CharField(label="发票代码", max_length=12, required=False)
    date_from = date_field("开票日期起")
    date_to = date_field("开票日期止")
    invoice_type = forms.ChoiceField(label="发票类型", required=False)
    buyer = forms.CharField(
        label="购买方",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "名称或税号"}),
    )
    seller = forms.CharField(
        label="销售方",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "名称或税号"}),
    )
    amount_min = money_field("价税合计下限", placeholder="0.00")
    amount_max = money_field("价税合计上限", placeholder="不限")
    tax_status = forms.ChoiceField(
        label="发票状态", required=False, choices=_choices(TaxStatus.choices, "全部")
    )
    status = forms.ChoiceField(
        label="审核状态", required=False, choices=_choices(ReviewStatus.choices, "全部")
    )
    department = forms.TypedChoiceField(label="部门", required=False, coerce=int, empty_value=None)
    category = forms.ChoiceField(label="类别", required=False)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data: Any, *, user: User, scope: QuerySet[Invoice]) -> None:
        super().__init__(data)
        self.sort_notice = ""
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = "没有这个选项：请从列表中选择"
        departments = Department.objects.filter(organisation=user.organisation)
        self._set_choices(
            "department",
            _choices(departments.order_by("name").values_list("id", "name"), "全部部门"),
        )
        self._set_choices("invoice_type", _choices(sorted(QR_TYPE_NAMES.items()), "全部类型"))
        self._set_choices(
            "category", _choices(((c, c) for c in categories_in_scope(scope)), "全部类别")
        )

    def _set_choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        cast(forms.ChoiceField, self.fields[name]).choices = choices

    def clean_sort(self) -> str:
        value = self.cleaned_data.get("sort") or DEFAULT_SORT
        if value.lstrip("-") not in SORT_FIELDS or value.startswith("--"):
            # A hand-edited URL: not worth refusing the whole list over.
            self.sort_notice = "不支持这种排序方式，已改为按开票日期从新到旧排列。"
            return DEFAULT_SORT
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", "结束日期不能早于开始日期")
        low, high = data.get("amount_min"), data.get("amount_max")
        if low is not None and high is not None and low > high:
            self.add_error("amount_max", "上限不能小于下限")
        return data

    def to_filter(self) -> InvoiceFilter:
        data = self.cleaned_data

        def one(name: str) -> list[str]:
            return [data[name]] if data.get(name) else []

        return InvoiceFilter(
            invoice_number=data.get("invoice_number") or None,
            invoice_code=data.get("invoice_code") or None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            invoice_type=one("invoice_type"),
            buyer=data.get("buyer") or None,
            seller=data.get("seller") or None,
            amount_min=data.get("amount_min"),
            amount_max=data.get("amount_max"),
            tax_status=one("tax_status"),
            status=one("status"),
            department=data.get("department"),
            category=data.get("category") or None,
        )

    @property
    def sort_value(self) -> str:
        return getattr(self, "cleaned_data", {}).get("sort") or DEFAULT_SORT
