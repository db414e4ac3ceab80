// Answering an explain question aloud: a visible clock that counts up to the suggested length.
// Progressive enhancement: without it the "I answered aloud" box works the same.
(function () {
  "use strict";

  function format(seconds) {
    return Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
  }

  function setUp(box) {
    var timer = box.querySelector(".speak-timer");
    var toggle = box.querySelector("[data-speak-toggle]");
    var clock = box.querySelector("[data-speak-clock]");
    var spoken = box.querySelector("input[name=spoken]");
    var suggested = parseInt(box.getAttribute("data-speak-seconds"), 10) || 120;
    var started = null;
    var handle = null;
    if (!timer || !toggle || !clock || !spoken || box.hasAttribute("data-ready")) return;
    box.setAttribute("data-ready", "");
    timer.hidden = false;

    function tick() {
      var seconds = Math.floor((Date.now() - started) / 1000);
      clock.textContent = format(seconds);
      clock.classList.toggle("over", seconds > suggested);
    }

    toggle.addEventListener("click", function () {
      if (handle === null) {
        started = Date.now();
        spoken.checked = true;
        tick();
        handle = window.setInterval(tick, 1000);
        toggle.textContent = "Stop";
      } else {
        window.clearInterval(handle);
        handle = null;
        toggle.textContent = "Start again";
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-speak-seconds]").forEach(setUp);
  });
})();
