// Small behaviours on top of htmx: a visible message when a request fails (htmx leaves the
// page as it was on 4xx/5xx), and no stale message once a later request succeeds.
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
  document.addEventListener("htmx:afterSwap", function () {
    flash("");
  });
})();
