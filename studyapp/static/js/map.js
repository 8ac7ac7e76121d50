/* studyapp knowledge map: pan and zoom, the detail panel, folding without reloads.
 *
 * Everything here is an enhancement of a page that works without it: the
 * map is server-rendered SVG in a scrolling box, every node is a link to
 * ?focus=<id> (the page then shows the panel) and every fold toggle is a link.
 *
 *   drag / wheel / pinch     pan and zoom (the SVG viewBox)
 *   + − 0                    zoom in, out, fit
 *   arrows on the map        pan
 *   arrows on a concept      parent, first sub-concept, previous / next sibling
 *   Enter on a concept       open its panel (fetched, no reload); Esc closes it
 */
(function () {
  "use strict";

  var viewport = document.getElementById("map-viewport");
  var layoutBox = document.getElementById("map-layout");
  var slot = document.getElementById("map-panel-slot");
  if (!viewport || !layoutBox || !slot || !window.fetch || !window.URL) return;

  var svg = document.getElementById("map-canvas");
  var zoomBar = document.querySelector(".map-zoom");
  var MIN_SCALE = 0.08;
  var MAX_SCALE = 2.5;
  var view = { x: 0, y: 0, s: 1 };
  var size = { w: 1, h: 1 };
  var content = { w: 1, h: 1 };
  var lastFocusedNode = null;

  // --- the view -------------------------------------------------------------------------

  function readContent() {
    content.w = parseFloat(svg.getAttribute("data-width")) || 1;
    content.h = parseFloat(svg.getAttribute("data-height")) || 1;
  }

  function measure() {
    size.w = Math.max(1, viewport.clientWidth);
    size.h = Math.max(1, viewport.clientHeight);
  }

  function clampScale(s) {
    return Math.min(MAX_SCALE, Math.max(MIN_SCALE, s));
  }

  function clampView() {
    // Keep at least a quarter of the view on the drawing.
    var vw = size.w / view.s;
    var vh = size.h / view.s;
    view.x = Math.min(Math.max(view.x, -vw * 0.75), content.w - vw * 0.25);
    view.y = Math.min(Math.max(view.y, -vh * 0.75), content.h - vh * 0.25);
  }

  function apply() {
    clampView();
    svg.setAttribute(
      "viewBox",
      [view.x, view.y, size.w / view.s, size.h / view.s]
        .map(function (n) { return Math.round(n * 100) / 100; })
        .join(" ")
    );
  }

  function zoomAt(px, py, factor) {
    var s = clampScale(view.s * factor);
    var ux = view.x + px / view.s;
    var uy = view.y + py / view.s;
    view.s = s;
    view.x = ux - px / s;
    view.y = uy - py / s;
    apply();
  }

  function zoomCentre(factor) {
    zoomAt(size.w / 2, size.h / 2, factor);
  }

  function fitScale() {
    return Math.min(size.w / content.w, size.h / content.h);
  }

  function fit() {
    view.s = clampScale(Math.min(1, fitScale()));
    view.x = (content.w - size.w / view.s) / 2;
    view.y = (content.h - size.h / view.s) / 2;
    apply();
  }

  function initialView() {
    var readable = size.w < 600 ? 0.62 : 0.75;
    view.s = Math.min(1, Math.max(readable, fitScale()));
    var vw = size.w / view.s;
    var vh = size.h / view.s;
    view.x = vw >= content.w ? (content.w - vw) / 2 : 0;
    view.y = vh >= content.h ? (content.h - vh) / 2 : 0;
    apply();
  }

  // --- nodes ----------------------------------------------------------------------------

  function nodeEl(id) {
    return document.getElementById("node-" + id);
  }

  function nodeBox(el) {
    var match = /translate\(\s*([-\d.]+)[\s,]+([-\d.]+)\s*\)/.exec(el.getAttribute("transform") || "");
    var rect = el.querySelector(".node__box");
    return {
      x: match ? parseFloat(match[1]) : 0,
      y: match ? parseFloat(match[2]) : 0,
      w: rect ? parseFloat(rect.getAttribute("width")) : 0,
      h: rect ? parseFloat(rect.getAttribute("height")) : 0
    };
  }

  function centreOn(el) {
    var b = nodeBox(el);
    view.x = b.x + b.w / 2 - size.w / view.s / 2;
    view.y = b.y + b.h / 2 - size.h / view.s / 2;
    apply();
  }

  function ensureVisible(el) {
    var b = nodeBox(el);
    var pad = 28 / view.s;
    var vw = size.w / view.s;
    var vh = size.h / view.s;
    if (b.w + 2 * pad > vw || b.h + 2 * pad > vh) {
      centreOn(el);
      return;
    }
    if (b.x - pad < view.x) view.x = b.x - pad;
    else if (b.x + b.w + pad > view.x + vw) view.x = b.x + b.w + pad - vw;
    if (b.y - pad < view.y) view.y = b.y - pad;
    else if (b.y + b.h + pad > view.y + vh) view.y = b.y + b.h + pad - vh;
    apply();
  }

  function syncDateForm(id) {
    // The date form keeps the open panel across a change of date.
    var field = document.querySelector('#map-state-fields input[name="focus"]');
    if (!field) return;
    field.value = id || "";
    field.disabled = !id;
  }

  function markFocused(id) {
    syncDateForm(id);
    var old = svg.querySelectorAll(".node.is-focused");
    for (var i = 0; i < old.length; i++) {
      old[i].classList.remove("is-focused");
      var link = old[i].querySelector(".node__link");
      if (link) link.removeAttribute("aria-current");
    }
    svg.setAttribute("data-focus", id || "");
    var el = id ? nodeEl(id) : null;
    if (el) {
      el.classList.add("is-focused");
      el.querySelector(".node__link").setAttribute("aria-current", "true");
    }
  }

  function linkOf(el) {
    return el ? el.querySelector(".node__link") : null;
  }

  function neighbour(el, key) {
    var parentId = el.getAttribute("data-parent");
    if (key === "ArrowLeft") return parentId ? nodeEl(parentId) : null;
    var id = el.getAttribute("data-id");
    if (key === "ArrowRight") return svg.querySelector('.node[data-parent="' + id + '"]');
    var siblings = svg.querySelectorAll('.node[data-parent="' + (parentId || "") + '"]');
    for (var i = 0; i < siblings.length; i++) {
      if (siblings[i] === el) {
        return key === "ArrowUp" ? siblings[i - 1] || null : siblings[i + 1] || null;
      }
    }
    return null;
  }

  // --- the panel -----------------------------------------------------------------------

  function withoutHash(href) {
    return href.split("#")[0];
  }

  function panelUrl(id) {
    var query = svg.getAttribute("data-query");
    return svg.getAttribute("data-panel-base") + id + (query ? "?" + query : "");
  }

  function pageUrlWithFocus(id) {
    var url = new URL(window.location.href);
    if (id) url.searchParams.set("focus", id);
    else url.searchParams.delete("focus");
    url.hash = "";
    return url.pathname + url.search;
  }

  function showPanel(html, id) {
    slot.innerHTML = html;
    slot.hidden = false;
    slot.scrollTop = 0;
    layoutBox.classList.add("has-panel");
    markFocused(id);
    measure();
    apply();
  }

  function openPanel(id, options) {
    options = options || {};
    return fetch(panelUrl(id), {
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    })
      .then(function (response) {
        if (!response.ok && response.status !== 400 && response.status !== 422) {
          throw new Error("panel " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        showPanel(html, id);
        if (options.push !== false) {
          history.pushState({ focus: id }, "", pageUrlWithFocus(id));
        }
        var el = nodeEl(id);
        if (el) {
          if (options.centre) centreOn(el);
          else ensureVisible(el);
        }
        var panel = document.getElementById("map-panel");
        if (panel && options.focusPanel !== false) panel.focus({ preventScroll: true });
      })
      .catch(function () {
        window.location.href = pageUrlWithFocus(id);
      });
  }

  function closePanel(options) {
    options = options || {};
    var wasOpen = !slot.hidden;
    var id = svg.getAttribute("data-focus");
    slot.hidden = true;
    slot.innerHTML = "";
    layoutBox.classList.remove("has-panel");
    markFocused(null);
    measure();
    apply();
    if (wasOpen && options.push !== false) {
      history.pushState({ focus: null }, "", pageUrlWithFocus(null));
    }
    var link = linkOf(id ? nodeEl(id) : null) || lastFocusedNode;
    if (link && options.restoreFocus !== false) link.focus({ preventScroll: true });
  }

  // --- folding without a reload ----------------------------------------------------------

  function swapFrom(doc, id) {
    var fresh = doc.getElementById(id);
    var current = document.getElementById(id);
    if (fresh && current) current.replaceWith(document.importNode(fresh, true));
  }

  function toggle(link) {
    var id = link.getAttribute("data-toggle");
    var el = nodeEl(id);
    var before = el ? nodeBox(el) : null;
    var screen = before ? { x: (before.x - view.x) * view.s, y: (before.y - view.y) * view.s } : null;
    var href = link.getAttribute("href");
    fetch(href, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok) throw new Error("fold " + response.status);
        return response.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        ["map-canvas", "map-state-fields", "map-fold-links", "map-hint"].forEach(function (part) {
          swapFrom(doc, part);
        });
        svg = document.getElementById("map-canvas");
        readContent();
        var after = nodeEl(id);
        if (after && screen) {
          var b = nodeBox(after);
          view.x = b.x - screen.x / view.s;
          view.y = b.y - screen.y / view.s;
        }
        apply();
        history.pushState({ fold: true }, "", withoutHash(href));
        loadedState = stateKey(withoutHash(href));
        var again = svg.querySelector('[data-toggle="' + id + '"]');
        if (again) again.focus({ preventScroll: true });
        if (!svg.getAttribute("data-focus") && !slot.hidden) closePanel({ push: false, restoreFocus: false });
      })
      .catch(function () {
        window.location.href = href;
      });
  }

  // --- events --------------------------------------------------------------------------

  var pointers = {};
  var pointerCount = 0;
  var drag = null;
  var pinch = null;
  var suppressClick = false;

  function local(event) {
    var r = viewport.getBoundingClientRect();
    return { x: event.clientX - r.left, y: event.clientY - r.top };
  }

  function pinchState() {
    var ids = Object.keys(pointers);
    var a = pointers[ids[0]];
    var b = pointers[ids[1]];
    return {
      dist: Math.max(1, Math.hypot(a.x - b.x, a.y - b.y)),
      mid: { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 }
    };
  }

  viewport.addEventListener("pointerdown", function (event) {
    if (event.pointerType === "mouse" && event.button !== 0) return;
    pointers[event.pointerId] = local(event);
    pointerCount = Object.keys(pointers).length;
    if (pointerCount === 1) {
      drag = { id: event.pointerId, start: local(event), x: view.x, y: view.y, moved: false };
    } else if (pointerCount === 2) {
      var p = pinchState();
      pinch = { dist: p.dist, s: view.s, ux: view.x + p.mid.x / view.s, uy: view.y + p.mid.y / view.s };
      drag = null;
    }
  });

  viewport.addEventListener("pointermove", function (event) {
    if (!(event.pointerId in pointers)) return;
    pointers[event.pointerId] = local(event);
    if (pinch && pointerCount >= 2) {
      var p = pinchState();
      view.s = clampScale((pinch.s * p.dist) / pinch.dist);
      view.x = pinch.ux - p.mid.x / view.s;
      view.y = pinch.uy - p.mid.y / view.s;
      suppressClick = true;
      apply();
      return;
    }
    if (!drag || drag.id !== event.pointerId) return;
    var here = pointers[event.pointerId];
    var dx = here.x - drag.start.x;
    var dy = here.y - drag.start.y;
    if (!drag.moved && Math.hypot(dx, dy) > 5) {
      drag.moved = true;
      viewport.classList.add("is-dragging");
      try {
        viewport.setPointerCapture(event.pointerId);
      } catch (error) {
        /* the pointer is already gone */
      }
    }
    if (drag.moved) {
      view.x = drag.x - dx / view.s;
      view.y = drag.y - dy / view.s;
      apply();
    }
  });

  function endPointer(event) {
    if (!(event.pointerId in pointers)) return;
    delete pointers[event.pointerId];
    pointerCount = Object.keys(pointers).length;
    if (drag && drag.moved) suppressClick = true;
    if (pointerCount < 2) pinch = null;
    if (pointerCount === 0) {
      drag = null;
      viewport.classList.remove("is-dragging");
      window.setTimeout(function () { suppressClick = false; }, 0);
    }
  }

  viewport.addEventListener("pointerup", endPointer);
  viewport.addEventListener("pointercancel", endPointer);

  viewport.addEventListener(
    "wheel",
    function (event) {
      event.preventDefault();
      var p = local(event);
      if (!event.ctrlKey && Math.abs(event.deltaX) > Math.abs(event.deltaY)) {
        view.x += event.deltaX / view.s;
        apply();
        return;
      }
      var unit = event.deltaMode === 1 ? 0.05 : event.deltaMode === 2 ? 1 : 0.0018;
      zoomAt(p.x, p.y, Math.exp(-event.deltaY * unit * (event.ctrlKey ? 4 : 1)));
    },
    { passive: false }
  );

  viewport.addEventListener(
    "click",
    function (event) {
      if (suppressClick) {
        event.preventDefault();
        event.stopPropagation();
        suppressClick = false;
        return;
      }
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      var toggleLink = event.target.closest ? event.target.closest(".node__toggle") : null;
      if (toggleLink) {
        event.preventDefault();
        toggle(toggleLink);
        return;
      }
      var link = event.target.closest ? event.target.closest(".node__link") : null;
      if (link) {
        event.preventDefault();
        lastFocusedNode = link;
        var id = link.parentNode.getAttribute("data-id");
        if (svg.getAttribute("data-focus") === id && !slot.hidden) {
          var panel = document.getElementById("map-panel");
          if (panel) panel.focus({ preventScroll: true });
          return;
        }
        openPanel(id, { push: true });
      }
    },
    true
  );

  viewport.addEventListener("focusin", function (event) {
    var link = event.target.closest ? event.target.closest(".node__link, .node__toggle") : null;
    if (link) {
      if (link.classList.contains("node__link")) lastFocusedNode = link;
      ensureVisible(link.parentNode);
    }
  });

  slot.addEventListener("click", function (event) {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    var close = event.target.closest ? event.target.closest("[data-close]") : null;
    if (close) {
      event.preventDefault();
      closePanel();
      return;
    }
    var jump = event.target.closest ? event.target.closest("[data-focus-link]") : null;
    if (jump) {
      var id = jump.getAttribute("data-focus-link");
      if (nodeEl(id)) {
        event.preventDefault();
        openPanel(id, { push: true, centre: true });
      }
    }
  });

  function isTyping(target) {
    return target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName || "");
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target)) return;
    if (event.key === "Escape" && !slot.hidden) {
      event.preventDefault();
      closePanel();
      return;
    }
    var inMap = viewport.contains(event.target);
    if (!inMap) return;
    var key = event.key;
    if (key === "+" || key === "=") {
      event.preventDefault();
      zoomCentre(1.25);
    } else if (key === "-" || key === "_") {
      event.preventDefault();
      zoomCentre(0.8);
    } else if (key === "0") {
      event.preventDefault();
      fit();
    } else if (/^Arrow/.test(key)) {
      var node = event.target.closest ? event.target.closest(".node") : null;
      if (node) {
        var next = neighbour(node, key);
        if (next) {
          event.preventDefault();
          linkOf(next).focus();
        }
        return;
      }
      if (event.target === viewport) {
        event.preventDefault();
        var step = 80 / view.s;
        if (key === "ArrowLeft") view.x -= step;
        if (key === "ArrowRight") view.x += step;
        if (key === "ArrowUp") view.y -= step;
        if (key === "ArrowDown") view.y += step;
        apply();
      }
    }
  });

  if (zoomBar) {
    zoomBar.hidden = false;
    zoomBar.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("[data-zoom]") : null;
      if (!button) return;
      var action = button.getAttribute("data-zoom");
      if (action === "in") zoomCentre(1.25);
      else if (action === "out") zoomCentre(0.8);
      else fit();
    });
  }

  // The page's state apart from the panel: what was last loaded or swapped in.
  function stateKey(href) {
    var url = new URL(href, window.location.href);
    url.searchParams.delete("focus");
    url.searchParams.sort();
    return url.pathname + "?" + url.searchParams.toString();
  }

  var loadedState = stateKey(window.location.href);

  window.addEventListener("popstate", function () {
    // Only the panel changed: follow it; anything else (folding, date): load that page.
    if (stateKey(window.location.href) !== loadedState) {
      window.location.reload();
      return;
    }
    var focus = new URL(window.location.href).searchParams.get("focus");
    if (focus && nodeEl(focus)) openPanel(focus, { push: false, focusPanel: false });
    else closePanel({ push: false, restoreFocus: false });
  });

  if (window.ResizeObserver) {
    new ResizeObserver(function () {
      // Keep the centre of the view; a drawing that fits across (or down) is centred.
      var cx = view.x + size.w / view.s / 2;
      var cy = view.y + size.h / view.s / 2;
      measure();
      var vw = size.w / view.s;
      var vh = size.h / view.s;
      view.x = vw >= content.w ? (content.w - vw) / 2 : cx - vw / 2;
      view.y = vh >= content.h ? (content.h - vh) / 2 : cy - vh / 2;
      apply();
    }).observe(viewport);
  }

  // --- start -----------------------------------------------------------------------------

  viewport.classList.add("is-zoomable");
  readContent();
  measure();
  initialView();
  var focused = svg.getAttribute("data-focus");
  if (focused && nodeEl(focused)) centreOn(nodeEl(focused));
  if (window.location.hash === "#map-panel") {
    var panel = document.getElementById("map-panel");
    if (panel) panel.focus({ preventScroll: true });
  }
})();
