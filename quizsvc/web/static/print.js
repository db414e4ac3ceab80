// The study guides' "Print or save as PDF" button. Without JavaScript the button stays hidden
// and the page tells the reader to use the browser's Print command instead.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
