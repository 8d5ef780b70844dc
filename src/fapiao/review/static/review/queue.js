// 审核队列: keyboard shortcuts (j/k next/previous, a approve, r return) and the selected
// row following the pane. Shortcuts are off while typing in a box.
(function () {
  "use strict";
  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#queue-list tr[data-invoice]"));
  }
  function paneId() {
    var pane = document.getElementById("pane");
    return pane ? pane.getAttribute("data-invoice") : "";
  }
  function markSelected() {
    var id = paneId();
    rows().forEach(function (row) {
      row.classList.toggle("selected", row.getAttribute("data-invoice") === id);
    });
  }
  function open(row) {
    if (!row) return;
    htmx.ajax("GET", row.getAttribute("hx-get"), { target: "#pane", swap: "outerHTML" });
    row.scrollIntoView({ block: "nearest" });
  }
  function step(delta) {
    var list = rows();
    if (!list.length) return;
    var id = paneId();
    var index = list.findIndex(function (row) { return row.getAttribute("data-invoice") === id; });
    var next = index < 0 ? 0 : Math.min(Math.max(index + delta, 0), list.length - 1);
    open(list[next]);
  }
  function press(value) {
    var button = document.querySelector('#decide-form button[value="' + value + '"]');
    if (button) button.click();
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && target.closest && target.closest("input, textarea, select, [contenteditable]")) {
      return;
    }
    if (!document.getElementById("queue")) return;
    var key = event.key;
    if (key === "j") { step(1); event.preventDefault(); }
    else if (key === "k") { step(-1); event.preventDefault(); }
    else if (key === "a") { press("approve"); event.preventDefault(); }
    else if (key === "r") {
      var reason = document.getElementById("decide-comment");
      if (reason && reason.value.trim()) { press("return"); }
      else if (reason) {
        reason.focus();
        reason.setAttribute("placeholder", "请先写退回原因，再点“退回”");
      }
      event.preventDefault();
    }
  });
  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "q-all") {
      document.querySelectorAll('#queue-list input[name="ids"]').forEach(function (box) {
        box.checked = event.target.checked;
      });
    }
  });
  document.addEventListener("htmx:afterSettle", function () {
    markSelected();
    // After a batch approval the pane may show an invoice that has left the list.
    var id = paneId();
    var list = rows();
    if (id && list.length && !list.some(function (r) { return r.getAttribute("data-invoice") === id; })) {
      open(list[0]);
    }
  });
})();
