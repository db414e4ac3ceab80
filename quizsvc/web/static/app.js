// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // A live countdown for timed drills; the server enforces the deadline either way.
  function startTimers() {
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      var deadline = Date.parse(el.getAttribute("data-deadline"));
      if (isNaN(deadline)) return;
      var reloaded = false;
      function tick() {
        var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
        var minutes = Math.floor(left / 60);
        var seconds = String(left % 60).padStart(2, "0");
        el.textContent = left > 0 ? minutes + ":" + seconds + " left" : "Time is up";
        if (left === 0 && !reloaded) {
          reloaded = true;
          window.setTimeout(function () { window.location.reload(); }, 1500);
          return;
        }
        window.setTimeout(tick, 1000);
      }
      tick();
    });
  }

  // One click, one submission: disable the buttons once the browser has sent the form.
  // (The server also records a repeated answer only once.)
  function guardDoubleSubmit() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-once")) return;
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (button) {
          button.disabled = true;
        });
      }, 0);
    });
  }

  // A box that scrolls sideways (a wide table on a phone) must be reachable by keyboard to be
  // scrolled: while it overflows it takes focus and is named after its table's caption.
  var SCROLL_BOXES = ".table-wrap, .formula, .answers dd, pre";
  function focusableScrollBoxes() {
    document.querySelectorAll(SCROLL_BOXES).forEach(function (box) {
      var overflows = box.scrollWidth > box.clientWidth + 1;
      if (overflows && !box.hasAttribute("tabindex")) {
        var caption = box.querySelector("caption, h2, h3");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "group");
        box.setAttribute("aria-label", (caption && caption.textContent.trim()) || "Scrolls sideways");
        box.setAttribute("data-scroll-box", "");
      } else if (!overflows && box.hasAttribute("data-scroll-box")) {
        ["tabindex", "role", "aria-label", "data-scroll-box"].forEach(function (name) {
          box.removeAttribute(name);
        });
      }
    });
  }

  // A page whose results are still being computed (an instructor's template report) reloads
  // once, when they are ready, rather than every few seconds.
  function reloadWhenDone() {
    var pending = document.querySelector("[data-reload-when-done]");
    if (!pending) return;
    var seconds = Number(pending.getAttribute("data-reload-when-done")) || 5;
    var leaving = false;  // never cancel a page the reader is already going to
    window.addEventListener("beforeunload", function () { leaving = true; });
    function poll() {
      window.fetch(window.location.href, { credentials: "same-origin" })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          if (leaving) return;
          var typing = document.activeElement && document.activeElement.matches("input, select, textarea");
          if (html.indexOf("data-reload-when-done") >= 0 || typing) window.setTimeout(poll, seconds * 1000);
          else window.location.reload();
        })
        .catch(function () { window.setTimeout(poll, seconds * 1000); });
    }
    window.setTimeout(poll, seconds * 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    startTimers();
    guardDoubleSubmit();
    focusableScrollBoxes();
    reloadWhenDone();
    window.addEventListener("resize", focusableScrollBoxes);
  });
})();
