// Small behaviours on top of htmx: a visible message when a request fails (htmx leaves the
// page as it was on 4xx/5xx), no stale message once a later request succeeds, and new content
// wired at once.
(function () {
  "use strict";
  function flash(text) {
    var box = document.getElementById("flash");
    if (!box) return;
    box.textContent = text;
    box.hidden = !text;
  }
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status === 401 || status === 403) {
      flash("登录已过期或没有权限：请刷新页面后重新登录。");
    } else {
      flash("加载失败（" + status + "）：请稍后重试；如果问题持续，请联系管理员。");
    }
  });
  document.addEventListener("htmx:sendError", function () {
    flash("无法连接服务器：请检查网络后重试。");
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    flash("");
    // htmx wires swapped-in content only when it settles (~20 ms later, longer on a slow
    // device); a click or shortcut inside that window would submit a form natively and leave
    // the page. Wiring it now closes the window; process() is idempotent.
    if (event.target instanceof Element) htmx.process(event.target);
  });
  // A form marked data-reset-on-success empties once htmx has sent it (the chat's message
  // box). Here rather than in hx-on, which needs eval and so the CSP's 'unsafe-eval'.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target;
    if (event.detail.successful && form instanceof HTMLFormElement &&
        form.hasAttribute("data-reset-on-success")) {
      form.reset();
    }
  });
})();
