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

  document.addEventListener("DOMContentLoaded", function () {
    startTimers();
    guardDoubleSubmit();
  });
})();
