"""Everything the 数据分析 page draws, for one range and set of filters, in one answer.

Categories, departments and the monthly trend all come from one grouped query over the
range together with the period before and the same period a year earlier (two when the
range is not whole months); top sellers from one more; budgets from their own periods.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fapiao.analytics import periods
from fapiao.analytics.counting import Cell, Money, grouped
from fapiao.analytics.summaries import (
    TOP_SELLERS,
    Query,
    cells_for,
    custom_names,
    department_names,
    header,
    raw_categories,
    rows_json,
    spend_filter,
    sum_cells,
    total_of,
)
from fapiao.core import taxonomy


def dashboard(q: Query, *, today: dt.date, with_budgets: bool = True) -> dict[str, Any]:
    custom = custom_names(q)
    ranges = [q.rng, periods.previous(q.rng), periods.year_before(q.rng)]
    now_c, prev_c, last_c = cells_for(q, ranges, custom)
    totals = [total_of(part) for part in (now_c, prev_c, last_c)]
    out = header(q, "dashboard", *totals)

    def by_category(c: Cell) -> str:
        return taxonomy.normalise(c.category, custom)

    cats = [sum_cells(part, by_category) for part in (now_c, prev_c, last_c)]
    order = [c for c in taxonomy.DEFAULT_CATEGORIES if c in cats[0]]
    order += sorted(set(cats[0]) - set(order))
    out["categories"] = rows_json(cats, str, totals[0], order)

    deps = [sum_cells(part, lambda c: c.department_id) for part in (now_c, prev_c, last_c)]
    names = department_names(q.user)
    out["departments"] = rows_json(deps, lambda k: names.get(k, "（已删除的部门）"), totals[0])

    months = sum_cells(now_c, lambda c: c.month)
    year_ago = sum_cells(last_c, lambda c: c.month)
    vat = sum_cells([c for c in now_c if c.special and not c.pending], lambda c: c.month)
    trend = []
    for month in q.rng.months():
        m, last = months.get(month, Money()), year_ago.get(month_shift(month, -12), Money())
        trend.append(
            {
                "month": month,
                "total": str(m.total),
                "count": m.count,
                "last_year_total": str(last.total),
                "input_vat": str(vat.get(month, Money()).tax),
            }
        )
    out["trend"] = trend
    out["input_vat_total"] = str(sum((v.tax for v in vat.values()), Money().tax))

    raw = raw_categories(q, q.rng, custom)
    sellers = grouped(q.user, spend_filter(q, q.rng, raw), "seller_name")
    top = sorted(sellers.items(), key=lambda kv: kv[1].total_c, reverse=True)[:TOP_SELLERS]
    out["top_sellers"] = [
        {
            "key": name or "",
            "label": name or "（未填销售方）",
            "total": str(m.total),
            "count": m.count,
        }
        for name, m in top
    ]
    if with_budgets and not isinstance(q.user, int):
        from fapiao.analytics.budgets import budget_statuses

        out["budgets"] = budget_statuses(q.user, today=today)
    return out


def month_shift(month: str, n: int) -> str:
    day = periods.add_months(dt.date(int(month[:4]), int(month[5:7]), 1), n)
    return f"{day:%Y-%m}"
