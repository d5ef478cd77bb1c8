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

  // ----- diagrams: mermaid, shipped beside this script, loaded only where a page has one -----
  var diagrams = doc.querySelectorAll("pre.mermaid");
  var self = doc.querySelector("script[src$='pathbook.js']");
  if (diagrams.length && self) {
    var loader = doc.createElement("script");
    loader.src = self.src.replace(/pathbook\.js$/, "mermaid.min.js");
    var sources = Array.prototype.map.call(diagrams, function (pre) { return pre.textContent; });
    var drawnIn = null;
    var draw = function () {
      var theme = effectiveTheme();
      if (!window.mermaid || theme === drawnIn) return;
      drawnIn = theme;
      // Drawn again from the source when the reader switches theme, in that theme's palette.
      Array.prototype.forEach.call(diagrams, function (pre, i) {
        pre.removeAttribute("data-processed");
        pre.textContent = sources[i];
      });
      window.mermaid.initialize({
        startOnLoad: false,
        securityLevel: "strict",
        theme: theme === "dark" ? "dark" : "default"
      });
      window.mermaid.run({ nodes: diagrams }).catch(function () { /* the source stays shown */ });
    };
    loader.onload = draw;
    doc.head.appendChild(loader);
    if (window.MutationObserver) {
      new MutationObserver(draw).observe(root, { attributes: true, attributeFilter: ["data-theme"] });
    }
    onMedia(darkQuery, draw);
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

  // ----- storage that never throws: progress still works for the visit without it -----
  var body = doc.body;
  var memory = {};
  var storageOk = true;
  function load(key) {
    try {
      var value = localStorage.getItem(key);
      if (value !== null) return value;
    } catch (e) { storageOk = false; }
    return Object.prototype.hasOwnProperty.call(memory, key) ? memory[key] : null;
  }
  function save(key, value) {
    memory[key] = value;
    try { localStorage.setItem(key, value); return true; } catch (e) { storageOk = false; return false; }
  }
  function storedKeys(prefix) {
    var keys = {};
    try {
      for (var i = 0; i < localStorage.length; i++) {
        var key = localStorage.key(i);
        if (key && key.indexOf(prefix) === 0) keys[key] = true;
      }
    } catch (e) { /* storage off */ }
    for (var k in memory) if (k.indexOf(prefix) === 0) keys[k] = true;
    return Object.keys(keys);
  }
  function each(list, fn) { for (var i = 0; i < list.length; i++) fn(list[i], i); }
  function own(object, key) { return Object.prototype.hasOwnProperty.call(object, key); }

  // ----- progress: per site and path, in localStorage, no account -----
  var siteKey = body.getAttribute("data-site") || "site";
  var PREFIX = "pathbook-progress:" + siteKey + ":";
  function clean(data) {
    if (!data || typeof data !== "object") data = {};
    ["done", "topics", "tracks"].forEach(function (field) {
      if (!data[field] || typeof data[field] !== "object") data[field] = {};
    });
    return data;
  }
  function readProgress(path) {
    var data = null;
    try { data = JSON.parse(load(PREFIX + path) || "null"); } catch (e) { data = null; }
    return clean(data);
  }
  function writeProgress(path, data) {
    data.updated = new Date().toISOString();
    save(PREFIX + path, JSON.stringify(data));
  }

  var pathData = null;
  var dataNode = doc.getElementById("pathbook-path");
  if (dataNode) {
    try { pathData = JSON.parse(dataNode.textContent); } catch (e) { pathData = null; }
  }
  var sidebarNav = doc.querySelector("nav.sidebar[data-path]");
  var pagePath = pathData ? pathData.path : (sidebarNav ? sidebarNav.getAttribute("data-path") : null);

  function findPhase(slug) {
    if (!pathData) return null;
    for (var i = 0; i < pathData.phases.length; i++) if (pathData.phases[i].slug === slug) return pathData.phases[i];
    return null;
  }
  function chosenTracks(progress, phase) {
    if (!phase || !phase.choose) return [];
    var chosen = progress.tracks[phase.slug];
    if (!chosen || !chosen.filter) return [];
    return chosen.filter(function (slug) {
      return phase.tracks.some(function (t) { return t.slug === slug; });
    });
  }
  // The modules that count in a phase: its own, and its tracks (only the chosen ones, once
  // the learner has chosen).
  function phaseModules(progress, phase) {
    var chosen = chosenTracks(progress, phase);
    var list = phase.modules.slice();
    phase.tracks.forEach(function (track) {
      if (!chosen.length || chosen.indexOf(track.slug) >= 0) list = list.concat(track.modules);
    });
    return list;
  }
  function tally(slugs, progress) {
    var seen = {}, done = 0, total = 0;
    slugs.forEach(function (slug) {
      if (own(seen, slug)) return;
      seen[slug] = true;
      total++;
      if (progress.done[slug]) done++;
    });
    return { done: done, total: total };
  }

  function drawBar(el, counts, label) {
    el.hidden = false;
    el.setAttribute("data-done", counts.done);
    el.setAttribute("data-total", counts.total);
    var text = counts.done + " of " + counts.total + " module" + (counts.total === 1 ? "" : "s") + " done";
    if (!el.firstChild) {
      el.innerHTML = '<p class="progress-head"><span class="progress-label"></span> <span class="progress-count"></span></p>' +
        '<div class="progress-bar" role="progressbar" aria-valuemin="0"><span class="progress-fill"></span></div>';
    }
    el.querySelector(".progress-label").textContent = label;
    el.querySelector(".progress-count").textContent = text;
    var bar = el.querySelector(".progress-bar");
    bar.setAttribute("aria-label", label + " progress");
    bar.setAttribute("aria-valuemax", String(counts.total));
    bar.setAttribute("aria-valuenow", String(counts.done));
    bar.setAttribute("aria-valuetext", text);
    el.querySelector(".progress-fill").style.width = (counts.total ? Math.round(100 * counts.done / counts.total) : 0) + "%";
    el.classList.toggle("is-complete", counts.total > 0 && counts.done === counts.total);
  }

  function refresh() {
    var progress = pagePath ? readProgress(pagePath) : clean(null);
    // Every link to a module on the page (sidebar, chips, map nodes) shows whether it is done.
    each(doc.querySelectorAll("[data-module]"), function (el) {
      var isDone = !!progress.done[el.getAttribute("data-module")];
      el.classList.toggle("is-done", isDone);
      if (el.namespaceURI === "http://www.w3.org/2000/svg") {
        var label = el.getAttribute("data-label") || el.getAttribute("aria-label") || "";
        el.setAttribute("data-label", label);
        el.setAttribute("aria-label", isDone ? label + " (done)" : label);
      }
    });
    each(doc.querySelectorAll(".done-slot input"), function (box) {
      box.checked = !!readProgress(box.getAttribute("data-paths").split(" ")[0]).done[box.getAttribute("data-module")];
      var card = box.closest ? box.closest(".module-card") : null;
      if (card) card.classList.toggle("is-done", box.checked);
    });
    each(doc.querySelectorAll("ul[data-topics-path] input"), function (box) {
      var list = box.closest("ul");
      var topics = readProgress(list.getAttribute("data-topics-path")).topics[list.getAttribute("data-topics-module")] || {};
      box.checked = !!topics[box.getAttribute("data-topic")];
    });
    if (!pathData) return;
    var all = [];
    pathData.phases.forEach(function (phase) {
      all = all.concat(phaseModules(progress, phase));
      var chosen = chosenTracks(progress, phase);
      var max = phase.choose ? phase.choose[1] : 0;
      each(doc.querySelectorAll('.track-choice[data-phase="' + phase.slug + '"] input'), function (box) {
        var slug = box.getAttribute("data-track");
        box.checked = chosen.indexOf(slug) >= 0;
        box.disabled = !box.checked && chosen.length >= max;
      });
      each(doc.querySelectorAll("[data-track-box]"), function (el) {
        var slug = el.getAttribute("data-track-box");
        if (!phase.tracks.some(function (t) { return t.slug === slug; })) return;
        el.classList.toggle("is-chosen", chosen.indexOf(slug) >= 0);
        el.classList.toggle("is-unchosen", chosen.length > 0 && chosen.indexOf(slug) < 0);
      });
      each(doc.querySelectorAll('.path-map [data-phase="' + phase.slug + '"] [data-track]'), function (el) {
        var slug = el.getAttribute("data-track");
        if (!slug) return;
        el.classList.toggle("is-chosen", chosen.indexOf(slug) >= 0);
        el.classList.toggle("is-unchosen", chosen.length > 0 && chosen.indexOf(slug) < 0);
      });
      each(doc.querySelectorAll('.progress[data-progress="phase"][data-phase="' + phase.slug + '"]'), function (el) {
        drawBar(el, tally(phaseModules(progress, phase), progress), phase.title);
      });
      phase.tracks.forEach(function (track) {
        each(doc.querySelectorAll('.progress[data-progress="track"][data-phase="' + phase.slug + '"][data-track="' + track.slug + '"]'), function (el) {
          drawBar(el, tally(track.modules, progress), track.title);
        });
      });
    });
    each(doc.querySelectorAll('.progress[data-progress="path"]'), function (el) {
      drawBar(el, tally(all, progress), "Whole path");
    });
  }

  function checkbox(text, hiddenText) {
    var label = doc.createElement("label");
    label.className = "check";
    var box = doc.createElement("input");
    box.type = "checkbox";
    label.appendChild(box);
    var span = doc.createElement("span");
    span.textContent = text;
    label.appendChild(span);
    if (hiddenText) {
      var extra = doc.createElement("span");
      extra.className = "visually-hidden";
      extra.textContent = hiddenText;
      label.appendChild(extra);
    }
    return { label: label, box: box };
  }

  var progressNote = doc.querySelector("[data-progress-note]");
  function note(text) {
    if (progressNote) {
      progressNote.hidden = false;
      progressNote.textContent = text;
    }
    announce(text);
  }
  function afterWrite() {
    refresh();
    if (!storageOk) note("This browser is not keeping your progress (storage is off or full): export it before you leave.");
  }

  // Done checkboxes: on a module's page and on each module card.
  each(doc.querySelectorAll(".done-slot[data-done-module]"), function (slot) {
    var slug = slot.getAttribute("data-done-module");
    var paths = slot.getAttribute("data-done-paths") || pagePath;
    if (!paths) return;
    var onPage = slot.classList.contains("done-slot-page");
    var title = slot.getAttribute("data-done-title") || slug;
    var parts = onPage ? checkbox("I have done this module") : checkbox("Done", ": " + title);
    parts.box.setAttribute("data-paths", paths);
    parts.box.setAttribute("data-module", slug);
    slot.appendChild(parts.label);
    slot.hidden = false;
    parts.box.addEventListener("change", function () {
      paths.split(" ").forEach(function (path) {
        var progress = readProgress(path);
        if (parts.box.checked) progress.done[slug] = true;
        else delete progress.done[slug];
        writeProgress(path, progress);
      });
      afterWrite();
      announce(title + (parts.box.checked ? " marked done" : " marked not done"));
    });
  });

  // Topic checkboxes on a module's page, per path.
  each(doc.querySelectorAll("ul[data-topics-path]"), function (list) {
    var path = list.getAttribute("data-topics-path");
    var slug = list.getAttribute("data-topics-module");
    list.classList.add("topics-checkable");
    each(list.querySelectorAll("li"), function (item) {
      var topic = item.textContent;
      var parts = checkbox(topic);
      parts.box.setAttribute("data-topic", topic);
      item.textContent = "";
      item.appendChild(parts.label);
      parts.box.addEventListener("change", function () {
        var progress = readProgress(path);
        var topics = progress.topics[slug] || {};
        if (parts.box.checked) topics[topic] = true;
        else delete topics[topic];
        progress.topics[slug] = topics;
        writeProgress(path, progress);
        afterWrite();
      });
    });
  });

  // Choosing tracks in a (Choose N) phase.
  each(doc.querySelectorAll(".track-choice[data-phase][data-track]"), function (slot) {
    var phase = findPhase(slot.getAttribute("data-phase"));
    if (!phase || !phase.choose || !pagePath) return;
    var slug = slot.getAttribute("data-track");
    var title = slot.getAttribute("data-track-title") || slug;
    var parts = checkbox("In my plan", ": " + title);
    parts.box.setAttribute("data-track", slug);
    slot.appendChild(parts.label);
    slot.hidden = false;
    parts.box.addEventListener("change", function () {
      var progress = readProgress(pagePath);
      var chosen = chosenTracks(progress, phase).filter(function (t) { return t !== slug; });
      if (parts.box.checked) chosen.push(slug);
      progress.tracks[phase.slug] = chosen;
      writeProgress(pagePath, progress);
      afterWrite();
      var max = phase.choose[1];
      announce(chosen.length + " of " + max + " tracks chosen");
    });
  });

  // The progress panel: export and import as a JSON file.
  var panel = doc.querySelector("[data-progress-panel]");
  if (panel && pagePath) {
    panel.hidden = false;
    var exportButton = panel.querySelector("[data-progress-export]");
    var importInput = panel.querySelector("[data-progress-import]");
    if (exportButton) exportButton.addEventListener("click", function () {
      var out = { format: "pathbook-progress", version: 1, site: siteKey, exported: new Date().toISOString(), paths: {} };
      storedKeys(PREFIX).forEach(function (key) {
        var path = key.slice(PREFIX.length);
        out.paths[path] = readProgress(path);
      });
      var blob = new Blob([JSON.stringify(out, null, 2) + "\n"], { type: "application/json" });
      var link = doc.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = "progress-" + (siteKey.replace(/[^a-z0-9-]+/gi, "-") || "site") + ".json";
      link.hidden = true;
      body.appendChild(link);
      link.click();
      setTimeout(function () { URL.revokeObjectURL(link.href); body.removeChild(link); }, 1000);
      note("Progress exported to " + link.download + ".");
    });
    if (importInput) importInput.addEventListener("change", function () {
      var file = importInput.files && importInput.files[0];
      if (!file || typeof FileReader === "undefined") return;
      var reader = new FileReader();
      reader.onload = function () {
        var data = null;
        try { data = JSON.parse(String(reader.result)); } catch (e) { data = null; }
        if (!data || data.format !== "pathbook-progress" || !data.paths || typeof data.paths !== "object") {
          note("That file is not a pathbook progress export; nothing was changed.");
          return;
        }
        var count = 0;
        for (var path in data.paths) {
          if (!own(data.paths, path)) continue;
          writeProgress(path, clean(data.paths[path]));
          count++;
        }
        importInput.value = "";
        afterWrite();
        note("Imported progress for " + count + " path" + (count === 1 ? "" : "s") + ".");
      };
      reader.readAsText(file);
    });
  }
  refresh();
  // Another tab ticked something: follow it.
  window.addEventListener("storage", function (event) {
    if (event.key && event.key.indexOf(PREFIX) === 0) refresh();
  });

  // ----- print button on the whole-path page -----
  each(doc.querySelectorAll("[data-print]"), function (button) {
    if (!window.print) return;
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // ----- search: a sharded index loaded on first use, by <script> so file:// works -----
  var searchBox = doc.querySelector(".search");
  var searchVersion = body.getAttribute("data-search");
  if (searchBox && searchVersion) setUpSearch(searchBox, searchVersion);

  function setUpSearch(box, version) {
    var input = box.querySelector(".search-input");
    var panelEl = box.querySelector(".search-results");
    var list = box.querySelector(".search-list");
    var status = box.querySelector(".search-status");
    if (!input || !panelEl || !list) return;
    var base = (body.getAttribute("data-root") || "") + "search/";
    var loaded = {};
    var waiting = {};
    var pageLoad = Date.now().toString(36);
    window.pathbookSearchLoaded = function (name, data) {
      loaded[name] = data;
      var callbacks = waiting[name] || [];
      delete waiting[name];
      callbacks.forEach(function (cb) { cb(data); });
    };
    function need(name, cb) {
      if (own(loaded, name)) { cb(loaded[name]); return; }
      if (waiting[name]) { waiting[name].push(cb); return; }
      waiting[name] = [cb];
      var script = doc.createElement("script");
      // index.js is tiny and names the version of everything else, so it is fetched
      // fresh on each page; the other files are cached under that version.
      var v = name === "index" ? version + "." + pageLoad : (loaded.index && loaded.index.h) || version;
      script.src = base + name + ".js?v=" + encodeURIComponent(v);
      script.async = true;
      script.onerror = function () {
        var callbacks = waiting[name] || [];
        delete waiting[name];
        callbacks.forEach(function (cb) { cb(null); });
      };
      doc.head.appendChild(script);
    }
    function needAll(names, cb) {
      var left = names.length, out = {};
      if (!left) { cb(out); return; }
      names.forEach(function (name) {
        need(name, function (data) {
          out[name] = data;
          if (--left === 0) cb(out);
        });
      });
    }

    // The tokenizer mirrors src/search.rs: split on what is not a letter or digit,
    // lowercase, drop stop words and one-letter words, remove a plural ending.
    var STOP = {};
    ("an and are as at be by can for from has have if in into is it its not of on or our so than that the " +
      "their then these they this those to was we when which with you your").split(" ").forEach(function (w) { STOP[w] = true; });
    var SPLIT;
    try { SPLIT = new RegExp("[^\\p{Alphabetic}\\p{N}]+", "u"); } catch (e) { SPLIT = /[^0-9a-z\u00c0-\uffff]+/; }
    function length(word) { return Array.from ? Array.from(word).length : word.length; }
    function stem(word) {
      var n = length(word);
      if (n > 4 && /ies$/.test(word)) return word.slice(0, -3) + "y";
      if (n > 4 && /sses$/.test(word)) return word.slice(0, -2);
      if (n > 3 && /s$/.test(word) && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
      return word;
    }
    function words(text) {
      return text.toLowerCase().split(SPLIT).filter(function (w) { return w && length(w) >= 2 && !STOP[w]; });
    }

    // Which of the sorted runs starting at `firsts` holds `key` (a term's chunk, a page's group).
    function containing(firsts, key) {
      var lo = 0, hi = firsts.length - 1, found = 0;
      while (lo <= hi) {
        var mid = (lo + hi) >> 1;
        if (firsts[mid] <= key) { found = mid; lo = mid + 1; } else hi = mid - 1;
      }
      return found;
    }
    function decode(encoded) {
      var out = [], page = 0;
      if (!encoded) return out;
      encoded.split(",").forEach(function (entry) {
        var weight = 1, section = 0, colon = entry.indexOf(":");
        if (colon >= 0) { weight = parseInt(entry.slice(colon + 1), 36); entry = entry.slice(0, colon); }
        var dot = entry.indexOf(".");
        if (dot >= 0) { section = parseInt(entry.slice(dot + 1), 36); entry = entry.slice(0, dot); }
        page += parseInt(entry, 36);
        out.push([page, section, weight]);
      });
      return out;
    }

    var sequence = 0;
    var lastQuery = null;
    function run(query) {
      var raw = words(query);
      var partial = raw.length > 0 && !/\s$/.test(query);
      var terms = raw.map(stem);
      var mine = ++sequence;
      if (!terms.length) { show(query, [], []); return; }
      need("index", function (index) {
        if (mine !== sequence) return;
        if (!index) { status.textContent = "Search is unavailable: the index did not load."; return; }
        var chunks = index.chunks;
        var names = {};
        terms.forEach(function (term, i) {
          var first = containing(chunks, term);
          var last = first;
          if (i === terms.length - 1 && partial && term.length >= 3) last = Math.min(containing(chunks, term + "\uffff"), first + 2);
          for (var c = first; c <= last; c++) names["t/" + c] = true;
        });
        needAll(Object.keys(names), function (loadedChunks) {
          if (mine !== sequence) return;
          rank(index, terms, partial, loadedChunks, function (results, pages) {
            if (mine === sequence) show(query, results, pages, terms);
          });
        });
      });
    }

    function rank(index, terms, partial, chunks, done) {
      var pages = {};
      var total = index.sections || 1;
      terms.forEach(function (term, i) {
        var matches = [];
        var prefix = i === terms.length - 1 && partial && term.length >= 3;
        for (var name in chunks) {
          var chunk = chunks[name];
          if (!chunk) continue;
          if (own(chunk, term)) matches.push([term, chunk[term], 1]);
          if (!prefix) continue;
          for (var key in chunk) {
            if (key !== term && key.indexOf(term) === 0) matches.push([key, chunk[key], 0.75]);
          }
        }
        matches.sort(function (a, b) { return b[1][0] - a[1][0]; });
        matches.slice(0, 24).forEach(function (match) {
          var idf = Math.log(1 + total / match[1][0]);
          decode(match[1][1]).forEach(function (p) {
            var score = p[2] * idf * match[2];
            var rec = pages[p[0]] || (pages[p[0]] = { hits: [], sections: {} });
            rec.hits[i] = Math.max(rec.hits[i] || 0, score);
            rec.sections[p[1]] = (rec.sections[p[1]] || 0) + score;
          });
        });
      });
      var results = [];
      var any = [];
      for (var id in pages) {
        var rec = pages[id];
        var sum = 0, count = 0;
        for (var t = 0; t < terms.length; t++) if (rec.hits[t]) { sum += rec.hits[t]; count++; }
        var best = 0, bestScore = -1;
        for (var s in rec.sections) if (rec.sections[s] > bestScore) { bestScore = rec.sections[s]; best = +s; }
        var result = { page: +id, section: best, score: sum + bestScore * 0.5 };
        if (count === terms.length) results.push(result);
        else any.push(result);
      }
      if (!results.length) results = any; // no page has every word: show the closest
      results.sort(function (a, b) { return b.score - a.score || a.page - b.page; });
      results = results.slice(0, 8);
      // Pages' records come in groups of consecutive pages (index.groups: how many pages
      // each holds, base 36), so the top results cost a few files, each loaded once.
      if (!index.starts) {
        var first = 0;
        index.starts = (index.groups || "").split(",").map(function (n) {
          var at = first;
          first += parseInt(n, 36);
          return at;
        });
      }
      var groups = {};
      results.forEach(function (r) {
        r.group = containing(index.starts, r.page);
        groups["g/" + r.group] = true;
      });
      needAll(Object.keys(groups), function (groupData) {
        var records = {};
        done(results.filter(function (r) {
          var group = groupData["g/" + r.group];
          var record = group && group[r.page - index.starts[r.group]];
          if (record) records[r.page] = record;
          return record;
        }), records);
      });
    }

    function snippet(text, terms) {
      var lower = text.toLowerCase();
      var at = -1;
      terms.forEach(function (term) {
        var i = lower.indexOf(term);
        if (i >= 0 && (at < 0 || i < at)) at = i;
      });
      var start = Math.max(0, at - 60);
      if (start > 0) {
        var space = text.indexOf(" ", start);
        if (space >= 0 && space < at) start = space + 1;
      }
      var piece = text.slice(start, start + 170);
      if (start + 170 < text.length) {
        var cut = piece.lastIndexOf(" ");
        if (cut > 100) piece = piece.slice(0, cut);
        piece += "…";
      }
      return (start > 0 ? "…" : "") + piece;
    }
    function marked(parent, text, terms) {
      var pattern = terms.filter(function (t) { return t; }).map(function (t) {
        return t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      }).join("|");
      if (!pattern) { parent.appendChild(doc.createTextNode(text)); return; }
      var re = new RegExp(pattern, "gi");
      var last = 0, m;
      while ((m = re.exec(text)) !== null) {
        if (!m[0]) { re.lastIndex++; continue; }
        parent.appendChild(doc.createTextNode(text.slice(last, m.index)));
        var mark = doc.createElement("mark");
        mark.textContent = m[0];
        parent.appendChild(mark);
        last = m.index + m[0].length;
      }
      parent.appendChild(doc.createTextNode(text.slice(last)));
    }

    var KINDS = { module: "Module", path: "Path", phase: "Phase", track: "Track", page: "Page" };
    function show(query, results, pages, terms) {
      lastQuery = query;
      list.innerHTML = "";
      if (!query.trim()) { close(); return; }
      results.forEach(function (r) {
        var page = pages[r.page];
        var section = page.s[r.section] || page.s[0] || ["", "", ""];
        var item = doc.createElement("li");
        var link = doc.createElement("a");
        link.className = "search-result";
        link.href = (body.getAttribute("data-root") || "") + page.u + (section[1] ? "#" + encodeURIComponent(section[1]) : "");
        var title = doc.createElement("span");
        title.className = "search-result-title";
        title.textContent = page.t;
        link.appendChild(title);
        if (section[0]) {
          var heading = doc.createElement("span");
          heading.className = "search-result-heading";
          heading.textContent = section[0];
          link.appendChild(heading);
        }
        var meta = doc.createElement("span");
        meta.className = "search-result-meta";
        meta.textContent = (KINDS[page.k] || "Page") + (page.c ? " · " + page.c : "");
        link.appendChild(meta);
        var text = section[2] || (page.s[0] && page.s[0][2]) || "";
        if (text) {
          var snip = doc.createElement("span");
          snip.className = "search-result-snippet";
          marked(snip, snippet(text, terms || []), terms || []);
          link.appendChild(snip);
        }
        item.appendChild(link);
        list.appendChild(item);
      });
      if (!results.length) {
        var empty = doc.createElement("li");
        empty.className = "search-empty";
        empty.textContent = "No results for “" + query.trim() + "”";
        list.appendChild(empty);
      }
      panelEl.hidden = false;
      box.classList.add("is-open");
      status.textContent = results.length ? results.length + " result" + (results.length === 1 ? "" : "s") + " for " + query.trim() : "No results";
    }
    function close() {
      panelEl.hidden = true;
      box.classList.remove("is-open");
    }
    function links() { return list.querySelectorAll("a.search-result"); }

    var timer = 0;
    input.addEventListener("focus", function () { need("index", function () {}); });
    input.addEventListener("click", function () {
      if (input.value.trim() && list.firstChild) { panelEl.hidden = false; box.classList.add("is-open"); }
    });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var query = input.value;
      timer = setTimeout(function () { run(query); }, 60);
    });
    input.addEventListener("keydown", function (event) {
      var found = links();
      if (event.key === "ArrowDown") {
        if (found.length) { event.preventDefault(); panelEl.hidden = false; found[0].focus(); }
      } else if (event.key === "Enter") {
        event.preventDefault();
        if (found.length && lastQuery === input.value) window.location.href = found[0].href;
        else {
          // Results for what was typed are not in yet: go to the first once they are.
          clearTimeout(timer);
          var query = input.value;
          run(query);
          var wait = setInterval(function () {
            if (lastQuery === query) {
              clearInterval(wait);
              var first = links()[0];
              if (first) window.location.href = first.href;
            }
          }, 30);
          setTimeout(function () { clearInterval(wait); }, 5000);
        }
      } else if (event.key === "Escape") {
        if (input.value) { input.value = ""; list.innerHTML = ""; close(); }
        else input.blur();
      }
    });
    list.addEventListener("keydown", function (event) {
      var found = Array.prototype.slice.call(links());
      var i = found.indexOf(doc.activeElement);
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (i < found.length - 1) found[i + 1].focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (i > 0) found[i - 1].focus(); else input.focus();
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
        input.focus();
      } else if (event.key === "Home" && found.length) {
        event.preventDefault();
        found[0].focus();
      } else if (event.key === "End" && found.length) {
        event.preventDefault();
        found[found.length - 1].focus();
      }
    });
    box.addEventListener("focusout", function (event) {
      if (event.relatedTarget && box.contains(event.relatedTarget)) return;
      setTimeout(function () { if (!box.contains(doc.activeElement)) close(); }, 150);
    });
    doc.addEventListener("keydown", function (event) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
      var target = event.target;
      var tag = target && target.tagName;
      if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) return;
      event.preventDefault();
      input.focus();
      input.select();
    });
    box.hidden = false;
  }
})();
