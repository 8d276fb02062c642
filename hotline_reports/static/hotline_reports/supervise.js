// The supervisor's phone on the wallboard: registers the supervisor's own browser
// line, and the listen / whisper / barge buttons ask the server to ring it; the
// call answers by itself (Call-Info answer-after=0) and joins the consultant's call.
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("supervisor-phone").textContent);
  const panel = document.querySelector("[data-supervisor-phone]");
  const board = document.querySelector("[data-wallboard]");
  const lineState = panel.querySelector("[data-phone-line]");
  const callState = panel.querySelector("[data-phone-call]");
  const hangup = panel.querySelector("[data-supervise-hangup]");
  const phone = new window.HotlineSoftphone(config.sip);
  let joining = "";

  function csrf() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function text(state) {
    return panel.dataset[`text${state.charAt(0).toUpperCase()}${state.slice(1)}`] || "";
  }

  phone.addEventListener("line", (event) => {
    lineState.textContent = text(event.detail.state) || text("connecting");
    panel.dataset.line = event.detail.state;
  });
  phone.addEventListener("call", (event) => {
    const state = event.detail.state;
    panel.dataset.call = state;
    hangup.hidden = !["ringing", "connecting", "talking"].includes(state);
    if (state === "talking") callState.textContent = `${text("talking")} ${joining}`;
    else if (state === "ringing" || state === "connecting") callState.textContent = text("ringing");
    else callState.textContent = text("ended");
  });
  hangup.addEventListener("click", () => phone.hangup());

  board.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-supervise-mode]");
    if (!button) return;
    button.disabled = true;
    const body = new URLSearchParams({ consultant: button.dataset.consultant, mode: button.dataset.superviseMode });
    try {
      const response = await fetch(config.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf(), Accept: "application/json" },
        body,
      });
      const answer = await response.json().catch(() => ({}));
      if (response.ok) {
        joining = `${button.textContent}: ${button.dataset.consultantName}`;
        callState.textContent = text("ringing");
      } else {
        // The server's reason is in the page's language; the HTTP status text is not.
        callState.textContent = answer.error || text("noAnswer");
      }
    } catch {
      callState.textContent = text("noAnswer");
    } finally {
      button.disabled = false;
    }
  });

  phone.start();
  // For the browser tests, as the desk's window.hotlineDesk.
  window.hotlineSupervisor = { phone };
})();
