// The supervisors' wallboard: one websocket, a full snapshot after every change,
// timers ticking in the page between snapshots. No framework, no innerHTML.
(function () {
  "use strict";

  const board = document.querySelector("[data-wallboard]");
  if (!board) return;
  const status = document.querySelector("[data-live-status]");
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
      return row;
    });
    if (rows.length) body.replaceChildren(...rows);
  }

  function render(data) {
    snapshot = data;
    clockOffset = Date.parse(data.now) - Date.now();
    board.querySelectorAll("[data-field]").forEach((element) => {
      element.textContent = format(lookup(data, element.dataset.field), element.dataset.format);
    });
    board.querySelector("[data-tile=waiting]").classList.toggle("alert", data.waiting.count > 0);
    renderConsultants(data.consultants);
    tick();
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
      const data = JSON.parse(event.data);
      if (data.type === "wallboard.snapshot") render(data);
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

  render(snapshot);
  setInterval(tick, 1000);
  connect();
})();
