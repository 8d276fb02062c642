/* Every page lives inside the consultant's desk, where the phone is: a page
   opened on its own is moved into the desk, and inside it drops its own menu
   (the desk shows one). */
(function () {
  "use strict";
  const desk = document.currentScript.dataset.desk;
  if (window.top === window) {
    const here = location.pathname + location.search + location.hash;
    location.replace(`${desk}?open=${encodeURIComponent(here)}`);
  } else {
    document.documentElement.classList.add("in-desk");
  }
})();
