/* The desk's alerts and hands: what tells a consultant a call rings when the
 * desk is behind another window, and the keys that work the phone.
 *
 *   - a desktop notification for a ringing call (permission asked once, from
 *     the consultant's own click: browsers ignore unprompted asks);
 *   - the tab's title flashes while a call rings;
 *   - the ringtone is the consultant's choice (ringtone.js);
 *   - keyboard shortcuts for the phone's buttons, listed in a help overlay
 *     that «?» opens. They press the buttons desk.js draws, so they do
 *     exactly what a click does, and work in the pages' frames too.
 *
 * desk.js tells of every phone state with the document event "hotline:phone".
 */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("desk-config").textContent);
  const text = config.hands;
  const $ = (id) => document.getElementById(id);
  const ASKED = "hotline.notifications-asked";

  /* ---------- desktop notification ---------- */

  const canNotify = "Notification" in window;

  function offerNotifications() {
    const offer = $("notify-offer");
    if (!offer) return;
    offer.hidden = !canNotify || Notification.permission !== "default" || localStorage.getItem(ASKED) === "1";
    const done = () => {
      localStorage.setItem(ASKED, "1");
      offer.hidden = true;
    };
    $("notify-allow").addEventListener("click", async () => {
      done();
      await Notification.requestPermission();
    });
    $("notify-dismiss").addEventListener("click", done);
  }

  let notification = null;

  function caller() {
    const name = $("ring-name").textContent.trim();
    const number = $("ring-number").textContent.trim();
    return [name, number].filter(Boolean).join(" · ") || text.unknown_caller;
  }

  function notify() {
    // Looking at the desk already: the ringing panel is enough.
    if (!canNotify || Notification.permission !== "granted") return;
    if (document.visibilityState === "visible" && document.hasFocus()) return;
    notification = new Notification(text.incoming_call, {
      body: caller(),
      tag: "hotline-call",
      requireInteraction: true,
    });
    notification.addEventListener("click", () => {
      window.focus();
      notification.close();
    });
  }

  /* ---------- the title flashes ---------- */

  const title = document.title;
  let flashing = null;

  function flash(on) {
    clearInterval(flashing);
    flashing = null;
    document.title = title;
    delete document.body.dataset.titleFlash;
    if (!on) return;
    let shown = false;
    document.body.dataset.titleFlash = "on";
    // The caller read afresh each time: the screen pop may bring the name later.
    const toggle = () => {
      shown = !shown;
      document.title = shown ? text.title_ringing.replace("{caller}", caller()) : title;
    };
    toggle();
    flashing = setInterval(toggle, 1000);
  }

  document.addEventListener("hotline:phone", ({ detail }) => {
    const ringing = detail.state === "ringing";
    flash(ringing);
    if (ringing) notify();
    else if (notification) {
      notification.close();
      notification = null;
    }
  });

  /* ---------- ringtone choice ---------- */

  function ringtoneChoice() {
    const select = $("ringtone");
    if (!select || !window.HotlineRingtone) return;
    select.value = window.HotlineRingtone.chosen();
    let preview = null;
    select.addEventListener("change", () => {
      window.HotlineRingtone.choose(select.value);
      if (document.body.dataset.phone === "ringing") return; // The call's ring goes on as it is.
      clearTimeout(preview);
      window.HotlineRingtone.start(select.value);
      preview = setTimeout(() => window.HotlineRingtone.stop(), 2500);
    });
  }

  /* ---------- keyboard shortcuts ---------- */

  // Alt + a letter, by the key's place (event.code), so that they work the
  // same on the Ukrainian layout: Alt+A is Alt+Ф.
  const SHORTCUTS = {
    KeyA: () => press("answer"),
    KeyH: () => press(document.body.dataset.phone === "ringing" ? "decline" : "hangup"),
    KeyM: () => press("mute"),
    KeyU: () => press("hold"),
    KeyT: () => {
      const target = $("transfer-to");
      if (target.closest("[hidden]")) return;
      // From a key pressed in a page's frame: the desk's own window takes the focus first.
      window.focus();
      target.focus();
    },
  };

  function press(id) {
    const button = $(id);
    // Only what the consultant could click now: a hidden panel's button does nothing.
    if (button && !button.disabled && !button.closest("[hidden]")) button.click();
  }

  function typing(target) {
    return target.closest && target.closest("input, textarea, select, [contenteditable=true]");
  }

  function onKey(event) {
    if (event.altKey && !event.ctrlKey && !event.metaKey && SHORTCUTS[event.code]) {
      event.preventDefault();
      SHORTCUTS[event.code]();
      return;
    }
    if (event.key === "?" && !event.altKey && !event.ctrlKey && !typing(event.target)) {
      event.preventDefault();
      help(true);
    }
  }

  function help(open) {
    const dialog = $("shortcuts");
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }

  function listen(doc) {
    if (doc && !doc.hotlineHands) {
      doc.hotlineHands = true;
      doc.addEventListener("keydown", onKey);
    }
  }

  /* Pages open in frames, and keys pressed in a frame stay in it: every frame
     the desk opens (now or later) listens too. */
  function listenInFrames() {
    const watch = (frame) => {
      const attach = () => {
        try {
          listen(frame.contentDocument);
        } catch (error) {
          // Another site's page (never ours): its keys stay its own.
        }
      };
      frame.addEventListener("load", attach);
      attach();
    };
    document.querySelectorAll("#panels iframe").forEach(watch);
    new MutationObserver((changes) => {
      for (const change of changes) {
        change.addedNodes.forEach((node) => {
          if (node.nodeType !== 1) return;
          if (node.matches("iframe")) watch(node);
          node.querySelectorAll("iframe").forEach(watch);
        });
      }
    }).observe($("panels"), { childList: true, subtree: true });
  }

  listen(document);
  listenInFrames();
  $("shortcuts-open").addEventListener("click", () => help(true));
  $("shortcuts-close").addEventListener("click", () => help(false));
  offerNotifications();
  ringtoneChoice();
})();
