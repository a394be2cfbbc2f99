/* copydesk compare page: pair highlighting, bands between the columns, tooltips with the word diff. */
(function () {
  "use strict";
  var doc = document;
  var body = doc.body;
  var tip = doc.getElementById("tip");
  var gutter = doc.getElementById("gutter");
  var panes = [doc.getElementById("pane-a"), doc.getElementById("pane-b")];
  var sentences = Array.prototype.slice.call(doc.querySelectorAll(".s[id]"));
  var SVG = "http://www.w3.org/2000/svg";
  var pinned = null;
  var current = null;
  var bands = [];

  function counterpart(el) {
    var id = el && el.getAttribute("data-cp");
    return id ? doc.getElementById(id) : null;
  }

  function paneOf(el) {
    return el.closest(".pane");
  }

  /* Scroll el's own pane (not the page) so that el sits a quarter down the pane, unless it is in view. */
  function reveal(el, always, instant) {
    var pane = paneOf(el);
    if (!pane) return;
    var head = pane.querySelector(".pane-head");
    var top = pane.getBoundingClientRect().top + (head ? head.offsetHeight : 0);
    var bottom = pane.getBoundingClientRect().bottom;
    var r = el.getBoundingClientRect();
    if (!always && r.top >= top && r.bottom <= bottom) return;
    pane.scrollTo({ top: pane.scrollTop + r.top - top - (bottom - top) / 4, behavior: instant ? "auto" : "smooth" });
  }

  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (ch) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch];
    });
  }

  /* The tooltip is built from the sentence's data attributes (escaped again here, as getAttribute
     returns them unescaped) and from its word diff, which the page already holds as escaped HTML. */
  function tipHtml(el) {
    var label = esc(el.getAttribute("data-label"));
    var cp = counterpart(el);
    var side = el.getAttribute("data-side").toUpperCase();
    var other = side === "A" ? "B" : "A";
    var parts = ['<span class="chip l-' + label + '">' + label + "</span>"];
    var bp = el.getAttribute("data-bp");
    if (bp) parts.push(esc(bp) + ", set aside from the figures");
    var sim = el.getAttribute("data-sim");
    if (cp) parts.push("pairs with a sentence of " + other + (sim ? ", " + Math.round(sim * 100) + "% alike" : ""));
    else parts.push("no counterpart in " + other);
    var html = '<div class="th">' + parts.join("<span>·</span>") + "</div>";
    var diff = doc.querySelector('.wd[data-for="' + el.id + '"]');
    if (diff) html += '<div class="td">' + diff.innerHTML + "</div>";
    return html;
  }

  function showTip(el) {
    tip.innerHTML = tipHtml(el);
    tip.hidden = false;
    placeTip(el);
  }

  /* Under the sentence's last line, or above it when there is no room below; hidden once scrolled away. */
  function placeTip(el) {
    var pane = paneOf(el);
    var box = el.getBoundingClientRect();
    if (pane) {
      var pr = pane.getBoundingClientRect();
      if (box.bottom < pr.top || box.top > pr.bottom) {
        tip.hidden = true;
        return;
      }
      tip.hidden = false;
    }
    var rects = el.getClientRects();
    var last = rects[rects.length - 1] || el.getBoundingClientRect();
    var w = tip.offsetWidth;
    var h = tip.offsetHeight;
    var x = Math.max(8, Math.min(last.left, window.innerWidth - w - 12));
    var y = last.bottom + 8;
    if (y + h > window.innerHeight - 8) y = Math.max(8, box.top - h - 8);
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }

  function hideTip() {
    tip.hidden = true;
    tip.innerHTML = "";
  }

  function mark(el, on) {
    if (!el) return;
    el.classList.toggle("on", on);
    var cp = counterpart(el);
    if (cp) cp.classList.toggle("on", on);
  }

  function activate(el, scroll, instant) {
    if (current && current !== el) mark(current, false);
    current = el;
    mark(el, true);
    var cp = counterpart(el);
    if (scroll && cp) reveal(cp, false, instant);
    showTip(el);
    schedule();
  }

  function release() {
    if (pinned) {
      activate(pinned, false);
      return;
    }
    if (current) mark(current, false);
    current = null;
    hideTip();
    schedule();
  }

  /* Pin el (or unpin it when it is already pinned): it and its counterpart stay picked out. */
  function pin(el, instant) {
    if (pinned) pinned.classList.remove("pinned");
    if (pinned === el) {
      pinned = null;
      release();
      return;
    }
    pinned = el;
    el.classList.add("pinned");
    activate(el, true, instant);
  }

  /* Bands in the gutter join each pair of sentences, as in a merge tool. */
  function draw() {
    var g = gutter.getBoundingClientRect();
    var w = g.width;
    var view = panes.map(function (pane) {
      var r = pane.getBoundingClientRect();
      var head = pane.querySelector(".pane-head");
      return [r.top + (head ? head.offsetHeight : 0) - g.top, r.bottom - g.top];
    });
    var clamp = function (y, v) { return Math.max(v[0], Math.min(v[1], y)); };
    var paths = [];
    var onCount = 0;
    bands.forEach(function (pair) {
      var ra = pair[0].getBoundingClientRect();
      var rb = pair[1].getBoundingClientRect();
      var a1 = ra.top - g.top, a2 = ra.bottom - g.top, b1 = rb.top - g.top, b2 = rb.bottom - g.top;
      var offA = a2 < view[0][0] || a1 > view[0][1], offB = b2 < view[1][0] || b1 > view[1][1];
      if (offA && offB) return;
      a1 = clamp(a1, view[0]); a2 = clamp(a2, view[0]); b1 = clamp(b1, view[1]); b2 = clamp(b2, view[1]);
      var m = w / 2;
      var d = "M0," + a1 + " C" + m + "," + a1 + " " + m + "," + b1 + " " + w + "," + b1 +
        " L" + w + "," + b2 + " C" + m + "," + b2 + " " + m + "," + a2 + " 0," + a2 + " Z";
      var on = pair[0].classList.contains("on");
      if (on) onCount += 1;
      paths.push([d, "band l-" + pair[0].getAttribute("data-label") + (on ? " on" : "")]);
    });
    while (gutter.firstChild) gutter.removeChild(gutter.firstChild);
    paths.forEach(function (p) {
      var path = doc.createElementNS(SVG, "path");
      path.setAttribute("d", p[0]);
      path.setAttribute("class", p[1]);
      gutter.appendChild(path);
    });
    gutter.setAttribute("data-bands", String(paths.length));
    gutter.setAttribute("data-on", String(onCount));
  }

  var queued = false;
  function schedule() {
    if (queued) return;
    queued = true;
    window.requestAnimationFrame(function () {
      queued = false;
      draw();
      if (current && tip.innerHTML) placeTip(current);
    });
  }

  sentences.forEach(function (el) {
    var cp = counterpart(el);
    if (cp && el.getAttribute("data-side") === "a") bands.push([el, cp]);
    el.addEventListener("mouseenter", function () { activate(el, true); });
    el.addEventListener("mouseleave", release);
    el.addEventListener("focus", function () { activate(el, true); });
    el.addEventListener("blur", release);
    el.addEventListener("click", function (ev) {
      ev.stopPropagation();
      pin(el);
    });
    el.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" || ev.key === " ") {
        ev.preventDefault();
        pin(el);
      }
    });
  });

  /* Links from the credits list and the pairs table: go to the side-by-side view and pin the sentence. */
  Array.prototype.forEach.call(doc.querySelectorAll("[data-goto]"), function (link) {
    link.addEventListener("click", function (ev) {
      var el = doc.getElementById(link.getAttribute("data-goto"));
      if (!el) return;
      ev.preventDefault();
      doc.getElementById("compare").scrollIntoView({ behavior: "smooth", block: "start" });
      reveal(el, true);
      if (pinned !== el) pin(el);
    });
  });

  Array.prototype.forEach.call(doc.querySelectorAll(".toolbar [data-focus]"), function (chip) {
    chip.addEventListener("click", function () {
      var label = chip.getAttribute("data-focus");
      var same = body.getAttribute("data-focus") === label;
      Array.prototype.forEach.call(doc.querySelectorAll(".toolbar .picked"), function (c) { c.classList.remove("picked"); });
      if (same) {
        body.removeAttribute("data-focus");
      } else {
        body.setAttribute("data-focus", label);
        chip.classList.add("picked");
        var first = doc.querySelector(".pane .s.l-" + label);
        if (first) reveal(first, false);
      }
    });
  });

  var toggle = doc.getElementById("show-diffs");
  if (toggle) {
    toggle.addEventListener("change", function () {
      body.classList.toggle("show-diffs", toggle.checked);
      schedule();
    });
  }

  doc.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && pinned) pin(pinned);
  });
  panes.forEach(function (pane) { pane.addEventListener("scroll", schedule, { passive: true }); });
  window.addEventListener("scroll", schedule, { passive: true });
  window.addEventListener("resize", schedule);
  draw();
  /* A link to page.html#s12 opens on the side-by-side view with that sentence and its counterpart pinned.
     The browser's own jump to the fragment scrolls the page too, so the view is set again once loaded. */
  var start = location.hash ? doc.getElementById(location.hash.slice(1)) : null;
  function showStart() {
    doc.getElementById("compare").scrollIntoView({ block: "start" });
    reveal(start, true, true);
    if (pinned !== start) pin(start, true);
    var cp = counterpart(start);
    if (cp) reveal(cp, true, true);
    schedule();
  }
  if (start && start.classList.contains("s")) {
    showStart();
    window.addEventListener("load", function () { window.setTimeout(showStart, 0); });
  }
  body.classList.add("js-ready");
  body.setAttribute("data-pairs", String(bands.length));
})();
