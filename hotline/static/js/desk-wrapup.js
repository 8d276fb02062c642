/* Wrap-up after a call (hotline_workspace/wrapup.py): the queue pauses the
 * consultant for the queue's wrap-up time; the desk counts it down with the
 * call's form in front, and «Готовий(а)» ends it early. The server ends it when
 * the time is up, so a countdown left at zero here only waits for its word.
 */
(function () {
  "use strict";

  const $ = (id) => document.getElementById(id);
  let until = null;
  let ticking = null;

  function left() {
    const seconds = Math.max(0, Math.ceil((until - Date.now()) / 1000));
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  }

  function started(message) {
    until = Date.parse(message.until);
    $("wrapup-left").textContent = left();
    $("wrapup").hidden = false;
    document.body.dataset.wrapup = "on";
    clearInterval(ticking);
    ticking = setInterval(() => {
      $("wrapup-left").textContent = left();
    }, 250);
    window.hotlineDesk.showCall(message.call_id);
  }

  function ended() {
    clearInterval(ticking);
    until = null;
    $("wrapup").hidden = true;
    delete document.body.dataset.wrapup;
  }

  document.addEventListener("hotline:message", ({ detail }) => {
    if (detail.type === "wrapup.started") started(detail);
    else if (detail.type === "wrapup.ended") ended();
  });
  $("wrapup-ready").addEventListener("click", () => window.hotlineDesk.send("ready"));
})();
