"""The 数据分析 page in real Chromium: switch period and grouping without a reload, click
a pie slice to list its invoices, download the report."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fapiao.accounts.models import User
from tests.analytics.conftest import category_of, expected
from tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# Where ECharts drew the first slice of the pie, from its own layout (centre, radii,
# angles), once the chart has finished animating: a click mid-animation can land on the
# neighbouring slice while the slices are still growing.
FIRST_SLICE_POINT = """() => new Promise(resolve => {
  const el = document.getElementById('chart-pie');
  const chart = echarts.getInstanceByDom(el);
  const locate = () => {
    const data = chart.getModel().getSeriesByIndex(0).getData();
    const l = data.getItemLayout(0);
    const mid = (l.startAngle + l.endAngle) / 2;
    const r = (l.r0 + l.r) / 2;
    const box = el.getBoundingClientRect();
    resolve({x: box.left + l.cx + r * Math.cos(mid), y: box.top + l.cy + r * Math.sin(mid),
             name: data.getName(0)});
  };
  let done = false;
  const once = () => { if (!done) { done = true; locate(); } };
  chart.on('finished', once);
  // 'finished' fired before we listened: nothing is animating, the layout is final.
  setTimeout(once, 1500);
})"""


def test_switch_views_and_drill_into_a_slice(
    live_server: Any,
    ledger: dict[str, Any],
    browser_page: Any,
) -> None:
    admin: User = ledger["users"]["finance_admin"]
    year = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    by_category = expected(admin.organisation_id, category_of, start=year[0], end=year[1])
    page = browser_page
    base = live_server.url
    sign_in(page, base, admin.username)
    page.goto(f"{base}/analytics/")
    page.wait_for_selector("#an-filters[data-loaded]")
    page.evaluate("window.__sameDocument = true")

    with page.expect_response(lambda r: "dashboard" in r.url and "period=2025" in r.url):
        page.select_option("#an-period", "2025")
    total = sum(v["total"] for v in by_category.values())
    page.wait_for_function(
        "t => document.getElementById('kpi-total').textContent === t", arg=f"{total:,.2f}"
    )
    count = sum(v["count"] for v in by_category.values())
    assert page.inner_text("#kpi-count") == str(count)

    page.select_option("#an-group", "category")
    page.wait_for_function("document.getElementById('bar-title').textContent === '按类别'")
    assert page.evaluate("window.__sameDocument") is True

    point = page.evaluate(FIRST_SLICE_POINT)
    page.mouse.click(point["x"], point["y"])
    page.wait_for_selector("#drill:not([hidden])")
    category = point["name"]
    assert category in page.inner_text("#drill-title")
    links = page.locator("#drill tbody a")
    blue = [t for t in links.all_inner_texts() if "红字" not in t]
    assert len(blue) == by_category[category]["count"]
    assert page.evaluate("window.__sameDocument") is True

    with page.expect_download() as info:
        page.click("#an-download")
    assert info.value.suggested_filename == "支出分析_20250101-20251231.xlsx"
