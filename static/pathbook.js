// pathbook's reader script: enhancements only; every page reads fine without it.
// No build step, no dependencies; each feature checks for what it needs and stays quiet
// when the browser lacks it (old engines, storage disabled, file:// pages).
(function () {
  "use strict";
  var doc = document;
  var root = doc.documentElement;

  function store(key, value) {
    try { localStorage.setItem(key, value); } catch (e) { /* storage off */ }
  }
  function media(query) {
    return window.matchMedia ? window.matchMedia(query) : null;
  }
  function onMedia(list, handler) {
    if (!list) return;
    if (list.addEventListener) list.addEventListener("change", handler);
    else if (list.addListener) list.addListener(handler);
  }

  // ----- theme toggle: data-theme on <html>, remembered as `pathbook-theme` -----
  var darkQuery = media("(prefers-color-scheme: dark)");
  function effectiveTheme() {
    return root.getAttribute("data-theme") || (darkQuery && darkQuery.matches ? "dark" : "light");
  }
  var toggle = doc.querySelector(".theme-toggle");
  if (toggle) {
    var sync = function () { toggle.setAttribute("aria-pressed", String(effectiveTheme() === "dark")); };
    toggle.hidden = false;
    sync();
    toggle.addEventListener("click", function () {
      var next = effectiveTheme() === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      store("pathbook-theme", next);
      sync();
    });
    onMedia(darkQuery, sync);
  }

  // Print in the light palette: dark code colours would be unreadable on paper.
  var printed = null;
  window.addEventListener("beforeprint", function () {
    printed = root.getAttribute("data-theme");
    root.setAttribute("data-theme", "light");
  });
  window.addEventListener("afterprint", function () {
    if (printed) root.setAttribute("data-theme", printed);
    else root.removeAttribute("data-theme");
    printed = null;
  });

  // ----- sidebar: always open on wide screens, a disclosure on narrow ones -----
  var details = doc.querySelector(".sidebar-details");
  var wide = media("(min-width: 60.0625rem)");
  if (details && wide) {
    var fit = function () { details.open = wide.matches; };
    fit();
    onMedia(wide, fit);
    // Bring the current page into view inside a long sidebar, without moving the page.
    var sidebar = details.closest ? details.closest(".sidebar") : null;
    var current = details.querySelector('a[aria-current="page"]');
    if (sidebar && current && wide.matches && sidebar.scrollHeight > sidebar.clientHeight) {
      var top = current.getBoundingClientRect().top - sidebar.getBoundingClientRect().top;
      if (top > sidebar.clientHeight * 0.6) sidebar.scrollTop = top - sidebar.clientHeight / 3;
    }
  }

  // ----- a polite live region for short announcements ("Copied") -----
  var live = null;
  function announce(text) {
    if (!live) {
      live = doc.createElement("p");
      live.className = "visually-hidden";
      live.setAttribute("role", "status");
      live.setAttribute("aria-live", "polite");
      doc.body.appendChild(live);
    }
    live.textContent = "";
    setTimeout(function () { live.textContent = text; }, 50);
  }

  // ----- copy buttons on code blocks -----
  var COPY_ICON = '<svg aria-hidden="true" focusable="false" viewBox="0 0 16 16"><path fill="currentColor" d="M0 6.75C0 5.78.78 5 1.75 5h1.5a.75.75 0 0 1 0 1.5h-1.5a.25.25 0 0 0-.25.25v7.5c0 .14.11.25.25.25h7.5a.25.25 0 0 0 .25-.25v-1.5a.75.75 0 0 1 1.5 0v1.5A1.75 1.75 0 0 1 9.25 16h-7.5A1.75 1.75 0 0 1 0 14.25ZM5 1.75C5 .78 5.78 0 6.75 0h7.5C15.22 0 16 .78 16 1.75v7.5A1.75 1.75 0 0 1 14.25 11h-7.5A1.75 1.75 0 0 1 5 9.25Zm1.75-.25a.25.25 0 0 0-.25.25v7.5c0 .14.11.25.25.25h7.5a.25.25 0 0 0 .25-.25v-7.5a.25.25 0 0 0-.25-.25Z"/></svg>';

  function fallbackCopy(text) {
    var area = doc.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "0";
    area.style.left = "-9999px";
    doc.body.appendChild(area);
    var selection = doc.getSelection ? doc.getSelection() : null;
    var saved = selection && selection.rangeCount ? selection.getRangeAt(0) : null;
    area.select();
    var ok = false;
    try { ok = doc.execCommand("copy"); } catch (e) { ok = false; }
    doc.body.removeChild(area);
    if (saved && selection) { selection.removeAllRanges(); selection.addRange(saved); }
    return ok;
  }

  function copyText(text, done) {
    if (navigator.clipboard && navigator.clipboard.writeText && window.isSecureContext !== false) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(fallbackCopy(text)); });
    } else {
      done(fallbackCopy(text));
    }
  }

  function addCopyButton(pre) {
    var wrapper = doc.createElement("div");
    wrapper.className = "code-block";
    pre.parentNode.insertBefore(wrapper, pre);
    wrapper.appendChild(pre);
    var lang = pre.getAttribute("data-lang");
    if (lang) {
      var label = doc.createElement("span");
      label.className = "code-lang";
      label.setAttribute("aria-hidden", "true");
      label.textContent = lang;
      wrapper.appendChild(label);
    }
    var button = doc.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.setAttribute("aria-label", lang ? "Copy " + lang + " code" : "Copy code");
    button.innerHTML = COPY_ICON + '<span class="copy-text">Copy</span>';
    var text = button.querySelector(".copy-text");
    var timer = 0;
    button.addEventListener("click", function () {
      var code = pre.querySelector("code") || pre;
      copyText(code.textContent.replace(/\n$/, ""), function (ok) {
        button.setAttribute("data-state", ok ? "copied" : "failed");
        text.textContent = ok ? "Copied" : "Copy failed";
        announce(ok ? "Code copied to clipboard" : "Copy failed; select the code and copy it");
        if (!ok) {
          // Leave the code selected so the reader can copy it by hand.
          var range = doc.createRange();
          range.selectNodeContents(code);
          var sel = doc.getSelection();
          sel.removeAllRanges();
          sel.addRange(range);
        }
        clearTimeout(timer);
        timer = setTimeout(function () {
          button.removeAttribute("data-state");
          text.textContent = "Copy";
        }, 2000);
      });
    });
    wrapper.appendChild(button);
  }

  var blocks = doc.querySelectorAll("pre.code");
  for (var i = 0; i < blocks.length; i++) {
    try { addCopyButton(blocks[i]); } catch (e) { /* leave the block as it is */ }
  }

  // ----- permalinks on prose headings -----
  var headings = doc.querySelectorAll(".prose h2[id], .prose h3[id], .prose h4[id]");
  for (var h = 0; h < headings.length; h++) {
    var heading = headings[h];
    var anchor = doc.createElement("a");
    anchor.className = "heading-anchor";
    anchor.href = "#" + encodeURIComponent(heading.id);
    anchor.setAttribute("aria-label", "Link to this section: " + heading.textContent);
    anchor.textContent = "#";
    heading.appendChild(anchor);
  }

  // ----- "On this page": mark the section in view -----
  var toc = doc.querySelector("nav.toc");
  if (toc && "IntersectionObserver" in window) {
    var links = toc.querySelectorAll('a[href^="#"]');
    var entries = [];
    for (var j = 0; j < links.length; j++) {
      var id = decodeURIComponent(links[j].getAttribute("href").slice(1));
      var target = doc.getElementById(id);
      if (target) entries.push({ link: links[j], target: target });
    }
    var active = null;
    var setActive = function (entry) {
      if (entry === active) return;
      if (active) {
        active.link.removeAttribute("aria-current");
        active.link.classList.remove("is-active");
      }
      active = entry;
      if (!entry) return;
      entry.link.setAttribute("aria-current", "location");
      entry.link.classList.add("is-active");
      // Keep the mark visible when the list itself scrolls (the sticky, wide layout).
      if (toc.scrollHeight > toc.clientHeight) {
        var linkTop = entry.link.offsetTop - toc.offsetTop;
        if (linkTop < toc.scrollTop || linkTop > toc.scrollTop + toc.clientHeight - 40) {
          toc.scrollTop = linkTop - toc.clientHeight / 3;
        }
      }
    };
    // The section in view is the last heading above a line a third of the way down.
    var update = function () {
      if (!entries.length) return;
      var line = window.innerHeight * 0.33;
      var atEnd = window.innerHeight + window.pageYOffset >= root.scrollHeight - 4;
      var pick = null;
      if (atEnd) {
        for (var k = entries.length - 1; k >= 0; k--) {
          if (entries[k].target.getBoundingClientRect().top < window.innerHeight) { pick = entries[k]; break; }
        }
      } else {
        for (var m = 0; m < entries.length; m++) {
          if (entries[m].target.getBoundingClientRect().top <= line) pick = entries[m];
          else break;
        }
      }
      setActive(pick);
    };
    var queued = false;
    var schedule = function () {
      if (queued) return;
      queued = true;
      (window.requestAnimationFrame || setTimeout)(function () { queued = false; update(); });
    };
    var observer = new IntersectionObserver(schedule, {
      rootMargin: "0px 0px -66% 0px",
      threshold: [0, 1]
    });
    for (var n = 0; n < entries.length; n++) observer.observe(entries[n].target);
    var footer = doc.querySelector(".footer");
    if (footer) new IntersectionObserver(schedule).observe(footer);
    window.addEventListener("hashchange", schedule);
    window.addEventListener("resize", schedule);
    update();
  }
})();
