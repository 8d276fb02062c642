/* Small behaviours any page may use, kept out of the HTML so the
   Content-Security-Policy needs no inline script:
   - [data-print]: prints the page;
   - [data-copy="id"]: copies the text of the element with that id. */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
  document.querySelectorAll("[data-copy]").forEach((button) => {
    button.addEventListener("click", () => {
      navigator.clipboard.writeText(document.getElementById(button.dataset.copy).textContent);
    });
  });
})();
