// Autosave of the answer form: what a learner enters is kept on the server as a draft a moment
// after they stop typing or picking, when they leave the page, and before a deadline.
// Progressive enhancement only: without this file, every way off a question (its navigation
// buttons) submits the form, and the server keeps the draft before it moves on.
(function () {
  "use strict";

  var QUIET_MS = 1200; // after the last keystroke or pick
  var RETRY_MS = 5000; // after a failed save (no connection)
  var BEFORE_DEADLINE_MS = 3000; // the last save of a timed attempt, ahead of the server's clock

  function autosave(form) {
    var url = form.getAttribute("data-draft-url");
    var status = document.getElementById("draft-status");
    var timer = null;
    var dirty = false; // entered since the last save was sent
    var leaving = false; // the form itself is being submitted: it carries the entry
    var queue = Promise.resolve(); // one save at a time, in order

    function say(text) {
      if (status && status.textContent !== text) status.textContent = text;
    }

    function send() {
      if (!dirty || leaving) return;
      dirty = false;
      say("Saving…");
      return fetch(url, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        keepalive: true,
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.json().then(function (data) {
            if (response.ok && data.saved) {
              if (!dirty) say("Saved");
            } else if (response.status === 429 || response.status >= 500) {
              // Too many saves, or the server is briefly away: the entry is still good, so it
              // is sent again when the server says (429) or after a pause, without a keystroke.
              var wait = parseInt(response.headers.get("Retry-After") || "", 10);
              dirty = true;
              say("Not saved yet: trying again shortly…");
              later(wait > 0 ? wait * 1000 : RETRY_MS);
            } else {
              // The entry itself is refused (it cannot be read, or the attempt is over).
              say("Not saved: " + (data.message || "please try again."));
            }
          });
        })
        .catch(function () {
          dirty = true;
          say("Not saved: no connection. Trying again…");
          later(RETRY_MS);
        });
    }

    function save() {
      window.clearTimeout(timer);
      timer = null;
      queue = queue.then(send);
      return queue;
    }

    function later(ms) {
      window.clearTimeout(timer);
      timer = window.setTimeout(save, ms);
    }

    function changed() {
      dirty = true;
      say("Not saved yet");
      later(QUIET_MS);
    }

    // Leaving by a link, closing the tab, or the timer's reload: a beacon outlives the page.
    function flush() {
      if (!dirty || leaving) return;
      dirty = false;
      window.clearTimeout(timer);
      if (!(navigator.sendBeacon && navigator.sendBeacon(url, new FormData(form)))) {
        fetch(url, { method: "POST", body: new FormData(form), credentials: "same-origin", keepalive: true });
      }
    }

    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("submit", function () {
      leaving = true;
      window.clearTimeout(timer);
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") flush();
    });
    window.addEventListener("pagehide", flush);
    window.addEventListener("beforeunload", flush);
    // The page may come back from the back-forward cache after a submission.
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) leaving = false;
    });

    var clock = document.querySelector("[data-deadline]");
    var deadline = clock ? Date.parse(clock.getAttribute("data-deadline")) : NaN;
    if (!isNaN(deadline)) {
      var wait = deadline - BEFORE_DEADLINE_MS - Date.now();
      window.setTimeout(save, Math.max(0, wait));
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-draft-url]").forEach(autosave);
  });
})();
