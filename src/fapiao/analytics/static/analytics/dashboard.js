/* 数据分析: fetch the analytics API as JSON and draw it with ECharts; every control
   re-fetches without reloading the page. Money arrives as strings and is only turned
   into numbers for drawing. */
(function () {
  "use strict";
  var form = document.getElementById("an-filters");
  if (!form) return;
  // Every control re-draws at once: the form itself is never sent.
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  if (!window.echarts) return;
  var api = form.dataset.api;
  var charts = {};
  var state = { data: null, seq: 0 };
  var $ = function (id) { return document.getElementById(id); };
  // Axis tooltips are drawn on the canvas: ECharts' HTML ones carry style attributes, which
  // the site's Content-Security-Policy (style-src 'self') refuses.
  var AXIS_TOOLTIP = { trigger: "axis", renderMode: "richText" };

  function chart(id) {
    if (!charts[id]) charts[id] = echarts.init($(id));
    return charts[id];
  }

  function params(extra) {
    var p = new URLSearchParams();
    var period = $("an-period").value;
    if (period === "custom") {
      if ($("an-from").value) p.set("date_from", $("an-from").value);
      if ($("an-to").value) p.set("date_to", $("an-to").value);
    } else {
      p.set("period", period);
    }
    ["department", "category", "seller"].forEach(function (name) {
      var v = form.elements[name].value.trim();
      if (v) p.set(name, v);
    });
    Object.keys(extra || {}).forEach(function (k) { p.set(k, extra[k]); });
    return p;
  }

  function getJSON(path, p) {
    return fetch(api + path + "?" + p.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        return r.json().then(function (body) {
          if (!r.ok) throw new Error(body.detail || "加载失败，请稍后重试。");
          return body;
        });
      });
  }

  function yuan(s) { return Number(s); }
  function fmt(s) {
    return Number(s).toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }
  function pct(s) { return s === null || s === undefined ? "—" : (Number(s) > 0 ? "+" : "") + s + "%"; }

  function showError(message) {
    var el = $("an-error");
    el.textContent = message || "";
    el.hidden = !message;
  }

  function load() {
    var seq = ++state.seq;
    var p = params();
    $("an-download").href = api + "report.xlsx?" + p.toString();
    form.setAttribute("aria-busy", "true");
    Promise.all([getJSON("dashboard", p), getJSON("summary", params({ group_by: $("an-group").value }))])
      .then(function (both) {
        if (seq !== state.seq) return; // a newer request is on its way
        showError("");
        state.data = both[0];
        draw(both[0]);
        drawBars(both[1]);
        form.dataset.loaded = String(seq);
      })
      .catch(function (err) { showError(err.message); })
      .finally(function () { form.removeAttribute("aria-busy"); });
  }

  function draw(d) {
    $("kpi-total").textContent = fmt(d.totals.total);
    $("kpi-count").textContent = d.totals.count;
    $("kpi-mom").textContent = pct(d.mom_change);
    $("kpi-yoy").textContent = pct(d.yoy_change);
    $("kpi-vat").textContent = fmt(d.input_vat_total);
    chart("chart-pie").setOption({
      tooltip: { trigger: "item", formatter: "{b}：¥{c}（{d}%）" },
      legend: { type: "scroll", bottom: 0 },
      series: [{
        type: "pie", radius: ["35%", "65%"], name: "类别",
        data: d.categories.map(function (r) { return { name: r.label, value: yuan(r.total) }; })
      }]
    }, true);
    chart("chart-line").setOption({
      tooltip: AXIS_TOOLTIP,
      legend: { data: ["本期", "去年同期"], bottom: 0 },
      grid: { left: 70, right: 20, top: 20, bottom: 50 },
      xAxis: { type: "category", data: d.trend.map(function (m) { return m.month; }) },
      yAxis: { type: "value" },
      series: [
        { name: "本期", type: "line", data: d.trend.map(function (m) { return yuan(m.total); }) },
        { name: "去年同期", type: "line", lineStyle: { type: "dashed" },
          data: d.trend.map(function (m) { return yuan(m.last_year_total); }) }
      ]
    }, true);
    drawGauges(d.budgets || []);
    var body = $("sellers").querySelector("tbody");
    body.replaceChildren.apply(body, d.top_sellers.map(function (s) {
      return row([s.label, fmt(s.total), String(s.count)], [false, true, true]);
    }));
  }

  function drawBars(s) {
    var names = { department: "按部门", category: "按类别", submitter: "按提交人", seller: "按销售方", quarter: "按季度" };
    $("bar-title").textContent = names[s.group_by] || "";
    var rows = s.rows.slice(0, 15);
    chart("chart-bar").setOption({
      tooltip: AXIS_TOOLTIP,
      grid: { left: 110, right: 20, top: 10, bottom: 30 },
      xAxis: { type: "value" },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.label; }) },
      series: [{ type: "bar", name: "价税合计", data: rows.map(function (r) { return yuan(r.total); }) }]
    }, true);
  }

  function drawGauges(budgets) {
    $("budget-empty").hidden = budgets.length > 0;
    var n = Math.max(budgets.length, 1);
    chart("chart-gauges").setOption({
      series: budgets.slice(0, 4).map(function (b, i) {
        var value = Number(b.percent);
        return {
          type: "gauge", name: b.name, min: 0, max: 120,
          center: [((i + 0.5) / Math.min(n, 4) * 100) + "%", "55%"],
          radius: (90 / Math.min(n, 4) + 10) + "%",
          axisLine: { lineStyle: { width: 8, color: [[0.667, "#177245"], [0.833, "#a15c07"], [1, "#b42318"]] } },
          detail: { formatter: "{value}%", fontSize: 14 },
          title: { offsetCenter: [0, "80%"], fontSize: 12 },
          data: [{ value: value, name: b.name + (b.early_warning ? "（预计超支）" : "") }]
        };
      })
    }, true);
  }

  function row(cells, numeric) {
    var tr = document.createElement("tr");
    cells.forEach(function (c, i) {
      var td = document.createElement("td");
      if (c instanceof Node) td.appendChild(c); else td.textContent = c;
      if (numeric && numeric[i]) td.className = "num";
      tr.appendChild(td);
    });
    return tr;
  }

  function drill(category) {
    var p = params({ category: category });
    $("drill-title").textContent = "类别“" + category + "”的发票";
    getJSON("invoices", p).then(function (res) {
      var body = $("drill").querySelector("tbody");
      body.replaceChildren.apply(body, res.items.map(function (inv) {
        var a = document.createElement("a");
        a.href = inv.url;
        a.textContent = inv.invoice_number + (inv.is_red ? "（红字）" : "");
        return row([inv.issue_date || "", a, inv.seller_name, inv.department, inv.submitter,
          inv.status, inv.total_amount === null ? "" : fmt(inv.total_amount)],
          [false, false, false, false, false, false, true]);
      }));
      $("drill-more").hidden = !res.truncated;
      $("drill").hidden = false;
      $("drill").scrollIntoView({ behavior: "smooth", block: "start" });
    }).catch(function (err) { showError(err.message); });
  }

  $("an-period").addEventListener("change", function () {
    var custom = this.value === "custom";
    document.querySelectorAll(".an-custom").forEach(function (el) { el.hidden = !custom; });
    if (!custom) load();
  });
  form.addEventListener("change", function (e) { if (e.target.id !== "an-period") load(); });
  form.addEventListener("input", function (e) {
    if (e.target.id !== "an-seller") return;
    clearTimeout(state.timer);
    state.timer = setTimeout(load, 400);
  });
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (k) { charts[k].resize(); });
  });
  chart("chart-pie").on("click", function (e) { drill(e.name); });
  load();
})();
