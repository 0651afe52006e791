// Monitoring pages: the width of each progress bar comes from its data-width attribute (a style attribute in
// the markup would be refused by the Content-Security-Policy), also after htmx replaces the import status.
(function () {
  "use strict";

  function widths(root) {
    root.querySelectorAll(".progress-bar[data-width]").forEach(function (bar) {
      bar.style.width = bar.dataset.width + "%";
    });
  }
  widths(document);
  document.body.addEventListener("htmx:afterSwap", function (event) {
    widths(event.target.parentNode || document);
  });
})();
