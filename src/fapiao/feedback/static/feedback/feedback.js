// fapiao.feedback: open the 反馈 dialog from the floating button (or any [data-open-feedback]),
// attaching the page the user is on and, on an invoice page, the invoice id.
(function () {
  "use strict";
  var dialog = document.getElementById("fb-dialog");
  var form = document.getElementById("fb-form");
  if (!dialog || !form) return;
  function open() {
    var path = location.pathname + location.search;
    document.getElementById("fb-page").value = path;
    var match = location.pathname.match(/^\/invoices\/(\d+)\//);
    document.getElementById("fb-invoice").value = match ? match[1] : "";
    document.getElementById("fb-context").textContent =
      "将自动附上当前页面" + (match ? "和这张发票（编号 " + match[1] + "）" : "") + "。";
    if (typeof dialog.showModal === "function") dialog.showModal(); else dialog.setAttribute("open", "");
    document.getElementById("fb-body").focus();
  }
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    if (target.id === "fb-open" || target.closest("[data-open-feedback]")) open();
    if (target.id === "fb-close") dialog.close();
  });
  form.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt === form && event.detail.xhr && event.detail.xhr.status === 201) {
      form.querySelector("#fb-body").value = "";
      form.querySelector("#fb-subject").value = "";
      form.querySelector("#fb-files").value = "";
    }
  });
})();
