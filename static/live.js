// pathbook serve's live-reload client. Injected only by `pathbook serve`, never by build.
(function () {
  "use strict";
  var script = document.currentScript;
  var servedVersion = script && script.getAttribute("data-version");
  var scrollKey = "__pathbook_live_scroll:" + location.pathname;

  try {
    var saved = sessionStorage.getItem(scrollKey);
    if (saved !== null) {
      sessionStorage.removeItem(scrollKey);
      window.addEventListener("load", function () { window.scrollTo(0, Number(saved)); });
    }
  } catch (e) { /* storage unavailable: reload without keeping the position */ }

  function overlay(problems) {
    var box = document.getElementById("__pathbook_live_overlay");
    if (!problems.length) {
      if (box) box.remove();
      return;
    }
    if (!box) {
      box = document.createElement("div");
      box.id = "__pathbook_live_overlay";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:50vh;overflow:auto;z-index:2147483647;" +
        "background:#2b0b0b;color:#ffe9e9;font:14px/1.5 ui-monospace,monospace;padding:1rem 1.25rem;" +
        "border-top:4px solid #ff5555;box-shadow:0 -4px 24px rgba(0,0,0,.4)";
      document.body.appendChild(box);
    }
    box.textContent = "";
    var title = document.createElement("strong");
    title.textContent = "pathbook: the last save did not build; showing the last good version";
    box.appendChild(title);
    var list = document.createElement("ul");
    list.style.cssText = "margin:.5rem 0 0;padding-left:1.25rem";
    problems.forEach(function (p) {
      var item = document.createElement("li");
      var where = p.file ? p.file + (p.line ? ":" + p.line + ":" + p.column : "") + ": " : "";
      item.textContent = where + "[" + p.code + "] " + p.message;
      if (p.help) {
        // The same help the terminal prints under the finding.
        var help = document.createElement("div");
        help.textContent = "help: " + p.help;
        help.style.cssText = "opacity:.85";
        item.appendChild(help);
      }
      list.appendChild(item);
    });
    box.appendChild(list);
  }

  function connect() {
    var source = new EventSource("/__pathbook/events");
    source.addEventListener("status", function (event) {
      var status = JSON.parse(event.data);
      overlay(status.problems || []);
      if (status.version && servedVersion && status.version !== servedVersion && !(status.problems || []).length) {
        try { sessionStorage.setItem(scrollKey, String(window.scrollY)); } catch (e) { /* ignore */ }
        location.reload();
      }
    });
    source.onerror = function () {
      // The server went away (restart, Ctrl-C): try again shortly.
      source.close();
      setTimeout(connect, 1000);
    };
  }
  connect();
})();
