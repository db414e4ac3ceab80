// The explorer without reloading: as controls change, fetch the results part for the form's
// state (after a pause, so typing "128" asks once) and keep the address bar shareable.
// Without this file the form is a plain GET form and works the same, one click at a time.
// On a phone the results are below the form: network B's controls start folded, and the bar
// with Run (sticky at the bottom of the screen) repeats the comparison sentence after a change.
(function () {
  "use strict";

  var DELAY_MS = 350;

  function init() {
    var form = document.getElementById("explore-form");
    if (!form || !window.fetch || !window.URLSearchParams) return;
    var status = document.getElementById("explore-status");
    var summary = document.getElementById("explore-summary");
    var timer = null;
    var controller = null;
    // Below this width the results are under the form (explore.css).
    var narrow = window.matchMedia ? window.matchMedia("(max-width: 74.99rem)") : null;

    function fold() {
      var networks = form.querySelectorAll(".explore-network");
      for (var i = 0; i < networks.length; i++) {
        var details = networks[i];
        var foldable = details.closest("#side-b") && !details.hasAttribute("data-problems");
        details.open = !(narrow && narrow.matches && foldable);
      }
    }
    fold();
    if (narrow && narrow.addEventListener) narrow.addEventListener("change", fold);

    function summarise(fresh) {
      if (!summary) return;
      var sentence = fresh.querySelector(".explore-sentence");
      while (summary.firstChild) summary.removeChild(summary.firstChild);
      if (sentence) {
        for (var node = sentence.firstChild; node; node = node.nextSibling) {
          summary.appendChild(node.cloneNode(true));
        }
      } else if (fresh.querySelector("[role=alert]")) {
        summary.textContent = "These settings cannot run: see the results.";
      }
    }

    function say(text) {
      if (status) status.textContent = text;
    }

    function update() {
      var query = new URLSearchParams(new FormData(form)).toString();
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      var results = document.getElementById("explore-results");
      if (results) results.setAttribute("aria-busy", "true");
      say("Running…");
      fetch(form.getAttribute("data-fragment") + "?" + query, {
        headers: { Accept: "text/html" },
        signal: controller ? controller.signal : undefined,
        credentials: "same-origin"
      }).then(function (response) {
        return response.text().then(function (text) {
          if (response.status === 429 || (!response.ok && response.status !== 422)) {
            var doc = new DOMParser().parseFromString(text, "text/html");
            var message = doc.querySelector("main p, p");
            say(message ? message.textContent : "Could not run these settings just now.");
            if (results) results.removeAttribute("aria-busy");
            return;
          }
          var holder = document.createElement("div");
          holder.innerHTML = text;
          var fresh = holder.querySelector("#explore-results");
          if (!fresh || !results) return;
          results.replaceWith(fresh);
          summarise(fresh);
          window.history.replaceState(null, "", form.getAttribute("data-page") + "?" +
            fresh.getAttribute("data-query"));
          say(response.ok ? "Updated." : "These settings cannot run: see the results.");
        });
      }).catch(function (error) {
        if (error && error.name === "AbortError") return;
        say("Could not reach the server; press Run to try again.");
      });
    }

    function later() {
      if (timer) window.clearTimeout(timer);
      timer = window.setTimeout(update, DELAY_MS);
    }

    form.addEventListener("input", later);
    form.addEventListener("change", later);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (timer) window.clearTimeout(timer);
      update();
    });
  }

  document.addEventListener("DOMContentLoaded", init);
})();
