/* The consultant's desk: the phone beside the pages, screen pops, availability.
 *
 * CRM pages load in frames, so following a link never reloads the desk and a
 * call in progress survives any navigation. Each call gets its own tab (the
 * caller's card, then the consultation form), so two calls in a row never
 * share a form.
 */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("desk-config").textContent);
  const text = config.strings;
  const $ = (id) => document.getElementById(id);
  const fill = (template, values) =>
    template.replace(/\{(\w+)\}/g, (_, key) => encodeURIComponent(values[key] ?? ""));

  /* ---------- messages ---------- */

  function say(key, message, kind) {
    let item = document.querySelector(`#phone-messages [data-key="${key}"]`);
    if (!message) {
      if (item) item.remove();
      return;
    }
    if (!item) {
      item = document.createElement("li");
      item.dataset.key = key;
      $("phone-messages").append(item);
    }
    item.className = `message ${kind || "error"}`;
    item.textContent = message;
  }

  function csrf() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  async function post(url, data) {
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { "X-CSRFToken": csrf(), Accept: "application/json" },
        body: new URLSearchParams(data),
        credentials: "same-origin",
      });
    } catch {
      // The browser's own reason («Failed to fetch») is English, whatever the page's language.
      throw new Error(text.server_error);
    }
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(body.error || text.server_error);
      error.body = body;
      throw error;
    }
    return body;
  }

  /* ---------- tabs and frames ---------- */

  const tabs = new Map(); // call id → {tab, panel, card, form, client, answered, ended}

  function show(key) {
    document.querySelectorAll("#tabs [data-tab]").forEach((tab) => {
      tab.classList.toggle("current", tab.dataset.tab === key);
    });
    document.querySelectorAll("#panels > [data-panel]").forEach((panel) => {
      panel.hidden = panel.dataset.panel !== key;
    });
  }

  function frame(className, src) {
    const element = document.createElement("iframe");
    element.className = className;
    element.src = src;
    element.addEventListener("load", () => framed(element));
    return element;
  }

  function callTab(call) {
    const key = `call-${call.call_id}`;
    if (tabs.has(call.call_id)) return tabs.get(call.call_id);
    const tab = document.createElement("button");
    tab.type = "button";
    tab.dataset.tab = key;
    tab.className = "call-tab ringing";
    tab.textContent = (call.client && call.client.name) || call.caller_number_display || text.call;
    tab.addEventListener("click", () => show(key));
    const close = document.createElement("span");
    close.className = "close";
    close.title = text.close_tab;
    close.textContent = "×";
    close.addEventListener("click", (event) => {
      event.stopPropagation();
      closeTab(call.call_id);
    });
    tab.append(close);
    $("tabs").append(tab);

    const panel = document.createElement("div");
    panel.dataset.panel = key;
    panel.className = "call-panel";
    const clientId = call.client && call.client.id;
    const entry = { key, tab, panel, call, client: clientId || null, form: null };
    const newCard = fill(config.urls.new_client, {
      number: call.new_card_number || call.caller_number,
      call: call.call_id,
    });
    entry.card = frame("card", clientId ? fill(config.urls.client, { client: clientId }) : newCard);
    entry.card.dataset.callId = call.call_id;
    if (!clientId) panel.append(unknownCaller(entry, newCard));
    panel.append(entry.card);
    $("panels").append(panel);
    tabs.set(call.call_id, entry);
    return entry;
  }

  /* No card has the caller's number: a new card opens, and the consultant may
     instead look for the client (who may call from another phone); the card
     they open from the results is tied to the call like a new one. */
  function unknownCaller(entry, newCard) {
    const bar = document.createElement("form");
    bar.className = "unknown-caller";
    const label = document.createElement("span");
    label.textContent = text.unknown_caller;
    const create = document.createElement("button");
    create.type = "button";
    create.className = "new-card";
    create.textContent = text.new_card;
    create.addEventListener("click", () => {
      entry.card.src = newCard;
    });
    const query = document.createElement("input");
    query.type = "search";
    query.name = "q";
    query.placeholder = text.search_placeholder;
    query.setAttribute("aria-label", text.search_placeholder);
    const search = document.createElement("button");
    search.type = "submit";
    search.className = "search-client";
    search.textContent = text.search;
    bar.append(label, create, query, search);
    bar.addEventListener("submit", (event) => {
      event.preventDefault();
      if (query.value.trim()) entry.card.src = fill(config.urls.search, { query: query.value.trim() });
    });
    entry.searchBar = bar;
    return bar;
  }

  function openForm(entry) {
    if (entry.form || !entry.client) return;
    entry.form = frame("form", fill(config.urls.form, { client: entry.client, call: entry.call.call_id }));
    entry.panel.append(entry.form);
    entry.panel.classList.add("with-form");
  }

  function closeTab(callId) {
    const entry = tabs.get(callId);
    if (!entry) return;
    const wasShown = !entry.panel.hidden;
    entry.tab.remove();
    entry.panel.remove();
    tabs.delete(callId);
    if (wasShown) show("main");
  }

  /* A page loaded in a frame: numbers become one-click calls, and a card
     created for an unknown caller is tied to the call so its form can follow. */
  async function framed(element) {
    let doc;
    try {
      doc = element.contentDocument;
    } catch (error) {
      return;
    }
    if (!doc) return;
    doc.addEventListener("click", (event) => {
      const target = event.target.closest("[data-dial]");
      if (!target) return;
      event.preventDefault();
      dial(target.dataset.dial, target.dataset.dialFrom || "");
    });
    const entry = [...tabs.values()].find((candidate) => candidate.card === element);
    const match = doc.location.pathname.match(config.urls.client_path_pattern);
    if (!entry || entry.client || !match) return;
    entry.client = Number(match[1]);
    if (entry.searchBar) entry.searchBar.remove();
    try {
      await post(fill(config.urls.attach, { call: entry.call.call_id, client: entry.client }), {});
    } catch (error) {
      say("attach", error.message);
    }
    if (entry.answered) openForm(entry);
  }

  /* ---------- screen pops from the connector ---------- */

  function onMessage(message) {
    // The desk's other parts (desk-wrapup.js) take what concerns them from here.
    document.dispatchEvent(new CustomEvent("hotline:message", { detail: message }));
    const entry = tabs.get(message.call_id || (message.call && message.call.call_id));
    switch (message.type) {
      case "call.ringing": {
        const created = callTab(message.call);
        show(created.key);
        ringInfo(message.call);
        break;
      }
      case "call.answered":
        if (!entry) break;
        if (message.answered_by_you) {
          entry.answered = true;
          entry.tab.classList.remove("ringing");
          entry.tab.classList.add("talking");
          openForm(entry);
        } else if (!entry.form) {
          closeTab(message.call_id); // a colleague took it
        }
        break;
      case "call.stopped_ringing":
        if (entry && !entry.answered) closeTab(message.call_id);
        break;
      case "call.ended":
        if (!entry) break;
        entry.ended = true;
        entry.tab.classList.remove("ringing", "talking");
        entry.tab.classList.add("ended");
        if (!entry.answered && !entry.form) closeTab(message.call_id);
        break;
      case "presence.changed":
        showPresence(message.state, message.pause_reason);
        break;
      case "queue.waiting":
        showWaiting(message);
        break;
      case "supervisor.joined":
        say("supervisor", message.mode === "barge" ? text.supervisor_barges : text.supervisor_whispers, "info");
        document.body.dataset.supervisor = message.mode;
        break;
      case "supervisor.left":
        say("supervisor", "");
        delete document.body.dataset.supervisor;
        break;
      default:
        break;
    }
  }

  let lastRing = null;

  function ringInfo(call) {
    lastRing = call;
    $("ring-number").textContent = call.caller_number_display || call.caller_number || "";
    $("ring-name").textContent = (call.client && call.client.name) || "";
  }

  let socketDelay = 1000;
  let deskSocket = null;

  /* The desk's one websocket: the screen pops arrive on it, and while it is
     open the server keeps the consultant in the queue (when the tab closes it
     logs them out after a short grace period, so retries stay shorter than that). */
  function connectDesk() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}${config.desk_ws}`);
    deskSocket = socket;
    const ping = setInterval(() => socket.readyState === 1 && socket.send("ping"), 25000);
    socket.addEventListener("open", () => {
      socketDelay = 1000;
      say("events", "");
      document.body.dataset.events = "open";
    });
    socket.addEventListener("message", (event) => onMessage(JSON.parse(event.data)));
    socket.addEventListener("close", (event) => {
      clearInterval(ping);
      document.body.dataset.events = "closed";
      if (event.code === 4403) {
        location.href = config.urls.login;
        return;
      }
      say("events", text.events_lost);
      setTimeout(connectDesk, socketDelay);
      socketDelay = Math.min(socketDelay * 2, 8000);
    });
  }

  /* The session ends after the idle time unless the consultant does something;
     waiting in the queue counts (the server checks that they are in it). Once
     it has ended, the reload shows the sign-in page and the phone goes too. */
  function keepSessionAlive() {
    setInterval(async () => {
      const response = await fetch(config.urls.keep_alive, {
        method: "POST",
        headers: { "X-CSRFToken": csrf(), Accept: "application/json" },
        credentials: "same-origin",
      }).catch(() => null);
      if (response && response.status === 401) location.reload();
    }, 60000);
  }

  /* ---------- callers waiting in the queue ---------- */

  let waiting = { count: 0, since: null };

  function minutesSeconds(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  }

  function renderWaiting() {
    const element = $("queue-waiting");
    element.dataset.count = waiting.count;
    if (!waiting.since) {
      element.textContent = text.waiting.replace("{count}", waiting.count);
      return;
    }
    const wait = minutesSeconds((Date.now() - waiting.since) / 1000);
    // Not fill(): that one encodes for URLs.
    element.textContent = text.waiting_longest.replace("{count}", waiting.count).replace("{wait}", wait);
  }

  function showWaiting(message) {
    waiting = {
      count: message.count,
      since: message.longest_since ? Date.parse(message.longest_since) : null,
    };
    renderWaiting();
  }

  setInterval(renderWaiting, 1000);

  /* ---------- availability ---------- */

  function showPresence(state, reason) {
    const label = config.presence_labels[state] || state;
    const why = reason ? ` (${config.pause_labels[reason] || reason})` : "";
    $("queue-state").textContent = `${text.asterisk_says}: ${label}${why}`;
    $("queue-state").dataset.state = state;
  }

  $("availability").addEventListener("change", async (event) => {
    const [state, reason] = event.target.value.split(":");
    try {
      const body = await post(config.urls.status, { state, reason: reason || "" });
      say("status", "");
      if (body.state) showPresence(body.state, body.pause_reason);
    } catch (error) {
      say("status", error.message);
    }
  });

  /* ---------- the phone ---------- */

  const phone = config.sip ? new window.HotlineSoftphone(config.sip) : null;
  let timer = null;

  function ring(on) {
    if (on) window.HotlineRingtone.start();
    else window.HotlineRingtone.stop();
  }

  function setPhoneState(state) {
    document.body.dataset.phone = state;
    $("ringing").hidden = state !== "ringing";
    $("in-call").hidden = !["connecting", "talking"].includes(state);
    $("dialpad").hidden = state !== "idle";
    ring(state === "ringing");
    document.dispatchEvent(new CustomEvent("hotline:phone", { detail: { state } }));
  }

  /* A toggle says what it is now and what pressing it does: «Увімкнути мікрофон»
     while muted, «Відновити» while on hold. */
  function toggled(button, on) {
    button.setAttribute("aria-pressed", String(on));
    button.textContent = on ? button.dataset.labelOn : button.dataset.labelOff;
  }

  /* Closing or reloading the tab drops the call in progress: ask first. (If the
     browser dies instead, Asterisk notices the silence and the caller goes back
     to the queue.) */
  window.addEventListener("beforeunload", (event) => {
    if (!["ringing", "connecting", "talking"].includes(document.body.dataset.phone)) return;
    event.preventDefault();
    event.returnValue = "";
  });

  function startTimer() {
    const started = Date.now();
    clearInterval(timer);
    timer = setInterval(() => {
      const seconds = Math.floor((Date.now() - started) / 1000);
      $("call-timer").textContent = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
    }, 1000);
  }

  async function fillDevices() {
    const { microphones, speakers } = await phone.devices();
    for (const [select, devices, chosen] of [
      [$("microphone"), microphones, phone.microphoneId],
      [$("speaker"), speakers, phone.speakerId],
    ]) {
      select.replaceChildren(new Option(text.default_device, ""));
      devices.forEach((device, index) => {
        const option = new Option(device.label || `${text.device} ${index + 1}`, device.deviceId);
        option.selected = device.deviceId === chosen;
        select.append(option);
      });
    }
  }

  async function dial(number, from) {
    if (!number) return;
    $("dial-number").value = number;
    say("dial", text.calling.replace("{number}", number), "info");
    const data = { number, trunk: from || $("dial-from").value };
    try {
      let body;
      try {
        body = await post(config.urls.dial, data);
      } catch (error) {
        // Against the client's safe-contact profile: nothing was dialled; ask first.
        if (!(error.body && error.body.confirm)) throw error;
        if (!window.confirm(`${text.safe_contact_warning}\n\n${error.body.warnings.join("\n")}`)) {
          say("dial", text.call_cancelled, "info");
          return;
        }
        body = await post(config.urls.dial, { ...data, confirmed: "1" });
      }
      if (body.briefing && body.briefing.length) {
        say("dial", `${text.calling.replace("{number}", number)} ${body.briefing.join(" ")}`, "info");
      }
    } catch (error) {
      say("dial", error.message);
    }
  }

  if (phone) {
    phone.addEventListener("line", ({ detail }) => {
      $("line-state").dataset.state = detail.state;
      $("line-state").textContent = config.line_labels[detail.state] || detail.state;
      document.body.dataset.line = detail.state;
      if (detail.state === "failed") say("line", text.registration_failed.replace("{cause}", detail.cause));
      else if (detail.state === "disconnected") say("line", text.connection_lost);
      else if (detail.state === "registered") say("line", "");
    });
    phone.addEventListener("mic", () => say("mic", text.microphone_blocked));
    phone.addEventListener("transfer", () => say("transfer", text.transfer_failed));
    phone.addEventListener("incoming", ({ detail }) => {
      const known = lastRing && lastRing.caller_number && lastRing.caller_number.endsWith(detail.number.slice(-9));
      $("ring-number").textContent = known ? $("ring-number").textContent || detail.number : detail.number;
      if (!known) $("ring-name").textContent = detail.name;
    });
    phone.addEventListener("call", ({ detail }) => {
      if (detail.state === "ringing") {
        setPhoneState("ringing");
      } else if (detail.state === "connecting") {
        setPhoneState("connecting");
        $("call-peer").textContent = $("ring-name").textContent || $("ring-number").textContent;
      } else if (detail.state === "talking") {
        setPhoneState("talking");
        say("dial", "");
        startTimer();
      } else {
        clearInterval(timer);
        toggled($("mute"), false);
        toggled($("hold"), false);
        setPhoneState("idle");
      }
    });
    $("answer").addEventListener("click", () => phone.answer());
    $("decline").addEventListener("click", () => phone.hangup());
    $("hangup").addEventListener("click", () => phone.hangup());
    $("mute").addEventListener("click", () => toggled($("mute"), phone.toggleMute()));
    $("hold").addEventListener("click", () => toggled($("hold"), phone.toggleHold()));
    $("transfer").addEventListener("click", () => {
      if ($("transfer-to").value) phone.transfer($("transfer-to").value);
    });
    document.querySelectorAll("#keypad button").forEach((key) => {
      key.addEventListener("click", () => phone.dtmf(key.dataset.tone));
    });
    $("microphone").addEventListener("change", (event) => phone.setMicrophone(event.target.value));
    $("speaker").addEventListener("change", (event) => phone.setSpeaker(event.target.value));
    $("dialpad").addEventListener("submit", (event) => {
      event.preventDefault();
      dial($("dial-number").value.trim(), $("dial-from").value);
    });

    // Only one desk rings per consultant: the newest tab takes the phone over.
    const channel = new BroadcastChannel(`hotline-desk-${config.user_id}`);
    channel.postMessage("taken-over");
    channel.addEventListener("message", () => {
      phone.stop();
      say("line", text.moved_to_other_tab);
      document.body.dataset.line = "moved";
    });

    setPhoneState("idle");
    phone.checkMicrophone().then((allowed) => {
      if (allowed) fillDevices();
    });
    phone.start();
  } else {
    setPhoneState("idle");
    $("line-state").dataset.state = "unregistered";
    $("line-state").textContent = config.line_labels.unregistered;
    say("line", text.no_line, "info");
  }

  document.querySelectorAll(".topbar a").forEach((link) => {
    link.target = "main";
  });
  $("tab-main").addEventListener("click", () => show("main"));
  $("frame-main").addEventListener("load", () => framed($("frame-main")));
  showPresence(config.presence.state, config.presence.pause_reason);
  connectDesk();
  keepSessionAlive();

  // For the browser tests and for debugging from the console.
  window.hotlineDesk = {
    phone,
    tabs,
    /* The call's tab in front (its card and form), when the desk still has it. */
    showCall(callId) {
      const entry = tabs.get(callId);
      if (entry) show(entry.key);
      return Boolean(entry);
    },
    send(data) {
      if (deskSocket && deskSocket.readyState === WebSocket.OPEN) deskSocket.send(data);
    },
  };
})();
