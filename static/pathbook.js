// pathbook's reader script: enhancements only; every page reads fine without it.
(function () {
  "use strict";
  var root = document.documentElement;
  var toggle = document.querySelector(".theme-toggle");
  function store(key, value) { try { localStorage.setItem(key, value); } catch (e) { /* storage off */ } }
  if (toggle) {
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var current = root.getAttribute("data-theme") ||
        (window.matchMedia && matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light");
      var next = current === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      store("pathbook-theme", next);
      toggle.setAttribute("aria-pressed", String(next === "dark"));
    });
  }
})();
