// 扫描上传: each chosen, dropped or photographed file is posted on its own to
// POST /api/v1/documents (so each has its own progress bar and its own answer), three at a
// time; once stored, the row becomes the server's fragment, which polls itself (htmx)
// until the reading has ended and then offers the next step.
(function () {
  "use strict";
  var root = document.getElementById("scan");
  var list = document.getElementById("scan-list");
  if (!root || !list) return;
  var maxBytes = Number(root.dataset.maxBytes);
  var maxMb = root.dataset.maxMb;
  var waiting = [];
  var running = 0;
  var PARALLEL = 3;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  function size(bytes) {
    if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + " KB";
    return (bytes / 1024 / 1024).toFixed(1) + " MB";
  }

  function newRow(file) {
    var li = el("li", "scan-item phase-uploading");
    var head = el("div", "scan-head");
    head.appendChild(el("span", "scan-name", file.name || "照片"));
    head.appendChild(el("span", "scan-size muted small", size(file.size)));
    head.appendChild(el("span", "scan-label", "上传中"));
    var bar = el("progress", "scan-progress");
    bar.max = 100;
    bar.setAttribute("aria-label", "上传进度");
    bar.value = 0;
    head.appendChild(bar);
    li.appendChild(head);
    var empty = list.querySelector(".scan-empty");
    if (empty) empty.remove();
    list.insertBefore(li, list.firstChild);
    return li;
  }

  function end(li, phase, label, note, kind) {
    li.className = "scan-item phase-" + phase;
    li.querySelector(".scan-label").textContent = label;
    var bar = li.querySelector("progress");
    if (bar) bar.remove();
    li.appendChild(el("p", "scan-note " + kind, note));
  }

  function fail(li, reason) {
    end(li, "failed", "失败", reason, "error");
  }

  function known(li, note) {
    // The same file from a colleague: nothing failed, there is just nothing to follow.
    end(li, "done", "已上传过", note, "info");
  }

  function reasonOf(xhr) {
    if (xhr.status === 401 || xhr.status === 403) {
      return "登录已过期或没有权限，文件没有上传：请刷新页面重新登录后再上传。";
    }
    try {
      var problem = JSON.parse(xhr.responseText);
      if (problem && problem.detail) return problem.detail;
    } catch (ignored) { /* not JSON: fall through */ }
    return "上传失败（" + xhr.status + "）：请稍后重新上传这个文件；如果问题持续，请联系管理员。";
  }

  function follow(li, doc) {
    // The server's fragment replaces the row and keeps polling until the reading ends.
    li.querySelector(".scan-label").textContent = "识别中";
    var bar = li.querySelector("progress");
    if (bar) bar.removeAttribute("value"); // indeterminate while the worker reads
    var url = root.dataset.rowUrl.replace("/0/", "/" + doc.id + "/");
    li.setAttribute("hx-get", url + (doc.existing ? "?existing=1" : ""));
    li.setAttribute("hx-trigger", "load");
    li.setAttribute("hx-swap", "outerHTML");
    window.htmx.process(li);
  }

  function send(file, li) {
    var xhr = new XMLHttpRequest();
    var form = new FormData();
    form.append("files", file, file.name || "photo.jpg");
    xhr.open("POST", root.dataset.api);
    xhr.setRequestHeader("X-CSRFToken", root.dataset.csrf);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = function (event) {
      var bar = li.querySelector("progress");
      if (bar && event.lengthComputable) bar.value = Math.round((event.loaded / event.total) * 100);
    };
    xhr.onload = function () {
      done();
      if (xhr.status !== 202) return fail(li, reasonOf(xhr));
      var doc = JSON.parse(xhr.responseText).documents[0];
      if (doc.error_code === "already_uploaded") return known(li, doc.error_message);
      if (!doc.id) return fail(li, doc.error_message);
      follow(li, doc);
    };
    xhr.onerror = function () {
      done();
      fail(li, "网络中断，文件没有上传：请检查网络连接后重新选择这个文件上传。");
    };
    xhr.send(form);
  }

  function done() {
    running -= 1;
    pump();
  }

  function pump() {
    while (running < PARALLEL && waiting.length) {
      var job = waiting.shift();
      running += 1;
      send(job[0], job[1]);
    }
  }

  function add(files) {
    for (var i = 0; i < files.length; i += 1) {
      var file = files[i];
      var li = newRow(file);
      // Refused here to spare a phone the upload; the server checks the same limits.
      if (file.size > maxBytes) {
        fail(li, "文件过大（" + size(file.size) + "，上限 " + maxMb + " MB）：" +
          "请上传发票原件，照片请压缩或裁剪后再上传。");
      } else if (file.size === 0) {
        fail(li, "文件是空的（0 字节）：请重新下载或重新拍摄后再上传。");
      } else {
        waiting.push([file, li]);
      }
    }
    pump();
  }

  root.querySelectorAll("input[type=file]").forEach(function (input) {
    input.addEventListener("change", function () {
      add(input.files);
      input.value = ""; // the same photo may be chosen again
    });
  });
  root.addEventListener("dragover", function (event) {
    event.preventDefault();
    root.classList.add("dragging");
  });
  root.addEventListener("dragleave", function () {
    root.classList.remove("dragging");
  });
  root.addEventListener("drop", function (event) {
    event.preventDefault();
    root.classList.remove("dragging");
    if (event.dataTransfer) add(event.dataTransfer.files);
  });
})();
