// The supervisors' wallboard: one websocket, the whole board when it connects, then
// small updates (one consultant, one call, today's figures) applied to the page's own
// copy; timers tick in the page. No framework, no innerHTML.
(function () {
  "use strict";

  const board = document.querySelector("[data-wallboard]");
  if (!board) return;
  const status = document.querySelector("[data-live-status]");
  // Listen, whisper and barge buttons, for a supervisor with a phone line (supervise.js).
  const phone = document.getElementById("supervisor-phone");
  const modes = phone ? JSON.parse(phone.textContent).modes : null;
  const language = document.documentElement.lang || "uk";
  const numbers = new Intl.NumberFormat(language);
  const percents = new Intl.NumberFormat(language, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  let snapshot = JSON.parse(document.getElementById("wallboard-snapshot").textContent);
  // Server time minus page time, so that "for 3:05" does not depend on the PC's clock.
  let clockOffset = 0;

  function lookup(data, path) {
    return path.split(".").reduce((value, key) => (value == null ? null : value[key]), data);
  }

  function duration(seconds) {
    if (seconds == null || Number.isNaN(seconds)) return "—";
    const total = Math.max(0, Math.round(seconds));
    const hours = Math.floor(total / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    const secs = String(total % 60).padStart(2, "0");
    return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${secs}` : `${minutes}:${secs}`;
  }

  function format(value, kind) {
    if (value == null) return "—";
    if (kind === "duration") return duration(value);
    if (kind === "percent") return `${percents.format(value)} %`;
    return numbers.format(value);
  }

  function since(iso) {
    if (!iso) return "—";
    return duration((Date.now() + clockOffset - Date.parse(iso)) / 1000);
  }

  function cell(tag, text, className) {
    const element = document.createElement(tag);
    if (className) element.className = className;
    element.textContent = text;
    return element;
  }

  function joinButtons(consultant) {
    const actions = document.createElement("td");
    actions.className = "join";
    if (consultant.state !== "on_call") return actions;
    Object.entries(modes).forEach(([mode, label]) => {
      const button = cell("button", label);
      button.type = "button";
      button.dataset.superviseMode = mode;
      button.dataset.consultant = consultant.id;
      button.dataset.consultantName = consultant.name;
      actions.append(button);
    });
    return actions;
  }

  function renderConsultants(consultants) {
    const body = board.querySelector("[data-consultants]");
    const rows = consultants.map((consultant) => {
      const row = document.createElement("tr");
      row.dataset.state = consultant.state;
      const name = cell("th", consultant.name);
      name.scope = "row";
      const state = document.createElement("td");
      state.append(cell("span", consultant.state_label, `state ${consultant.state}`));
      if (consultant.device_label) {
        state.append(" ", cell("span", consultant.device_label, `device ${consultant.device}`));
      }
      const timer = cell("td", since(consultant.since), "number");
      timer.dataset.since = consultant.since || "";
      row.append(name, state, timer, cell("td", consultant.pause_reason || ""));
      if (modes) row.append(joinButtons(consultant));
      return row;
    });
    if (rows.length) body.replaceChildren(...rows);
  }

  function render(data) {
    snapshot = data;
    board.querySelectorAll("[data-field]").forEach((element) => {
      element.textContent = format(lookup(data, element.dataset.field), element.dataset.format);
    });
    board.querySelector("[data-tile=waiting]").classList.toggle("alert", data.waiting.count > 0);
    renderConsultants(data.consultants);
    tick();
  }

  // The updates, applied to the page's copy of the board (docs/websocket-messages.md).
  function updateConsultant(consultant) {
    const others = snapshot.consultants.filter((c) => c.id !== consultant.id);
    others.push(consultant);
    others.sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name, language));
    snapshot.consultants = others;
    Object.keys(snapshot.counts).forEach((state) => {
      snapshot.counts[state] = others.filter((c) => c.state === state).length;
    });
  }

  function updateCall(call, waiting) {
    const calls = snapshot.waiting.calls.filter((c) => c.id !== call.id);
    if (waiting) calls.push(call);
    calls.sort((a, b) => Date.parse(a.since) - Date.parse(b.since));
    snapshot.waiting = {
      count: calls.length,
      longest_since: calls.length ? calls[0].since : null,
      calls: calls,
    };
  }

  function apply(data) {
    // Only the snapshot and today's figures carry the server's time.
    if (data.now) clockOffset = Date.parse(data.now) - Date.now();
    if (data.type === "wallboard.snapshot") return render(data);
    if (data.type === "wallboard.consultants") data.consultants.forEach(updateConsultant);
    else if (data.type === "wallboard.calls") {
      data.calls.forEach((change) => updateCall(change.call, change.waiting));
    }
    else if (data.type === "wallboard.today") {
      snapshot.today = data.today;
      snapshot.to_call_back = data.to_call_back;
      snapshot.voicemails = data.voicemails;
      snapshot.now = data.now;
    } else return;
    render(snapshot);
  }

  function tick() {
    board.querySelectorAll("[data-since-field]").forEach((element) => {
      element.textContent = since(lookup(snapshot, element.dataset.sinceField));
    });
    board.querySelectorAll("[data-since]").forEach((element) => {
      element.textContent = since(element.dataset.since);
    });
  }

  function show(state) {
    status.textContent = status.dataset[`text${state}`];
    status.dataset.state = state.toLowerCase();
  }

  let retry = 1000;
  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + location.host + board.dataset.socketPath);
    socket.addEventListener("open", () => {
      retry = 1000;
      show("Live");
    });
    socket.addEventListener("message", (event) => {
      apply(JSON.parse(event.data));
    });
    socket.addEventListener("close", (event) => {
      if (event.code === 4403) {
        show("Refused");
        return;
      }
      show("Offline");
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    });
  }

  apply(snapshot);
  setInterval(tick, 1000);
  connect();
})();
