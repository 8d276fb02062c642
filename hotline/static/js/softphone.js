/* The browser phone: one consultant's WebRTC line on Asterisk, through JsSIP.
 *
 * It knows SIP and media only; the desk (desk.js) draws it and reacts to its
 * events:
 *   "line"      {state: connecting|registered|unregistered|failed|disconnected, cause}
 *   "incoming"  {number, name}           a call rings
 *   "call"      {state: ringing|connecting|talking|ended|failed, cause, number, name}
 *   "mic"       {error}                  the microphone cannot be used
 *   "transfer"  {ok: false}              Asterisk refused a transfer
 */
(function () {
  "use strict";

  const CAUSES = () => window.JsSIP.C.causes;
  // After the first TURN relay candidate, how long the others may still come.
  const RELAY_GRACE_MS = 1000;

  /* Asterisk may answer a re-offer (hold, resume) without its ICE credentials
     (seen: "Called with SDP without ice-ufrag and ice-pwd"); Chrome refuses
     such an answer and JsSIP then ends the call. Nobody restarted ICE or
     DTLS, so what is missing is what Asterisk said before: it is put back. */
  const KEPT = ["ice-ufrag", "ice-pwd", "fingerprint"];

  function keepIceCredentials(session, event) {
    if (event.originator !== "remote" || event.type !== "answer") return;
    const current = session.connection && session.connection.remoteDescription;
    if (!current) return;
    const missing = KEPT.filter((name) => !new RegExp(`^a=${name}:`, "m").test(event.sdp))
      .map((name) => current.sdp.match(new RegExp(`^a=${name}:.*$`, "m")))
      .filter(Boolean);
    if (!missing.length) return;
    const lines = missing.map((line) => `${line[0].trim()}\r\n`).join("");
    const [head, ...media] = event.sdp.split(/^(?=m=)/m);
    event.sdp = head + media.map((section) => section.replace(/(\r?\n)?$/, "\r\n") + lines).join("");
  }

  class Softphone extends EventTarget {
    constructor(sip) {
      super();
      this.sip = sip;
      this.ua = null;
      this.session = null;
      this.muted = false;
      this.held = false;
      this.microphoneId = localStorage.getItem("hotline.microphone") || "";
      this.speakerId = localStorage.getItem("hotline.speaker") || "";
      this.audio = new Audio();
      this.audio.autoplay = true;
      this._retry = null;
    }

    start() {
      const socket = new window.JsSIP.WebSocketInterface(this.sip.ws_url);
      this.ua = new window.JsSIP.UA({
        sockets: [socket],
        uri: this.sip.uri,
        password: this.sip.password,
        display_name: this.sip.display_name,
        register: true,
        // Short, so a browser that died leaves the queue's device unreachable soon.
        register_expires: 120,
        session_timers: false,
        connection_recovery_min_interval: 2,
        connection_recovery_max_interval: 30,
        user_agent: "hotline-desk",
      });
      this.ua.on("connecting", () => this._line("connecting"));
      // JsSIP registers again by itself on every reconnection.
      this.ua.on("disconnected", () => this._line("disconnected"));
      this.ua.on("registered", () => this._line("registered"));
      this.ua.on("unregistered", () => this._line("unregistered"));
      this.ua.on("registrationFailed", (event) => {
        this._line("failed", event.cause);
        // JsSIP gives up after a refusal; try again later (a password may be fixed meanwhile).
        clearTimeout(this._retry);
        this._retry = setTimeout(() => this.ua && this.ua.register(), 15000);
      });
      this.ua.on("newRTCSession", (event) => this._newSession(event));
      this.ua.start();
      this._line("connecting");
    }

    stop() {
      clearTimeout(this._retry);
      if (this.ua) {
        this.ua.stop();
        this.ua = null;
      }
    }

    /* Ask for the microphone once, so a blocked one is reported before any call. */
    async checkMicrophone() {
      try {
        const stream = await navigator.mediaDevices.getUserMedia(this._constraints());
        stream.getTracks().forEach((track) => track.stop());
        return true;
      } catch (error) {
        this._emit("mic", { error: error.name || String(error) });
        return false;
      }
    }

    async devices() {
      const all = await navigator.mediaDevices.enumerateDevices();
      return {
        microphones: all.filter((device) => device.kind === "audioinput"),
        speakers: all.filter((device) => device.kind === "audiooutput"),
      };
    }

    setMicrophone(deviceId) {
      this.microphoneId = deviceId;
      localStorage.setItem("hotline.microphone", deviceId);
    }

    async setSpeaker(deviceId) {
      this.speakerId = deviceId;
      localStorage.setItem("hotline.speaker", deviceId);
      if (this.audio.setSinkId) {
        await this.audio.setSinkId(deviceId);
      }
    }

    async answer() {
      const session = this.session;
      if (!session || session.direction !== "incoming" || session.isEstablished()) {
        return;
      }
      this._callState("connecting");
      const iceServers = await this._iceServers();
      // The caller may have hung up while the servers were fetched.
      if (session !== this.session || session.isEnded()) return;
      session.answer({ mediaConstraints: this._constraints(), pcConfig: { iceServers } });
    }

    /* STUN and TURN (with credentials valid for hours) from the server, for every
     * call; without them the phone still reaches an Asterisk it sees directly. */
    async _iceServers() {
      try {
        const response = await fetch(this.sip.ice_url, { credentials: "same-origin" });
        if (response.ok) return (await response.json()).iceServers;
      } catch (error) {
        // No network to the page's own server: the call may still work directly.
      }
      return [];
    }

    hangup() {
      if (this.session && !this.session.isEnded()) {
        this.session.terminate();
      }
    }

    toggleMute() {
      if (!this.session) return false;
      this.muted = !this.muted;
      if (this.muted) this.session.mute({ audio: true });
      else this.session.unmute({ audio: true });
      return this.muted;
    }

    toggleHold() {
      if (!this.session) return false;
      this.held = !this.held;
      if (this.held) this.session.hold();
      else this.session.unhold();
      return this.held;
    }

    /* Blind transfer: Asterisk takes the REFER and rings the colleague's extension. */
    transfer(extension) {
      if (!this.session || !this.session.isEstablished()) return;
      const domain = this.sip.uri.split("@")[1];
      const session = this.session;
      const transfer = session.refer(`sip:${extension}@${domain}`);
      // Blind: once Asterisk reports the transfer done, this leg has nothing left to do.
      transfer.on("accepted", () => {
        if (!session.isEnded()) session.terminate();
      });
      transfer.on("failed", () => this._emit("transfer", { ok: false }));
    }

    dtmf(tone) {
      if (this.session && this.session.isEstablished()) {
        this.session.sendDTMF(tone, { transportType: "RFC2833" });
      }
    }

    /* RTP counters of the current call, as the browser's WebRTC stats report them. */
    async mediaStats() {
      const connection = this.session && this.session.connection;
      const counts = { packetsSent: 0, packetsReceived: 0 };
      if (!connection) return counts;
      (await connection.getStats()).forEach((report) => {
        if (report.kind !== "audio") return;
        if (report.type === "outbound-rtp") counts.packetsSent += report.packetsSent || 0;
        if (report.type === "inbound-rtp") counts.packetsReceived += report.packetsReceived || 0;
      });
      return counts;
    }

    _newSession({ session, originator, request }) {
      if (this.session && !this.session.isEnded()) {
        // One call at a time: the queue rings a busy consultant only by mistake.
        if (originator === "remote") session.terminate({ status_code: 486 });
        return;
      }
      this.session = session;
      this.muted = false;
      this.held = false;
      const identity = session.remote_identity;
      const info = {
        number: (identity && identity.uri && identity.uri.user) || "",
        name: (identity && identity.display_name) || "",
        autoAnswer: /answer-after=0/.test((request && request.getHeader("Call-Info")) || ""),
      };
      this.current = info;
      session.on("peerconnection", ({ peerconnection }) => this._attachAudio(peerconnection));
      session.on("sdp", (event) => keepIceCredentials(session, event));
      session.on("icecandidate", (event) => this._enoughCandidates(event));
      session.on("confirmed", () => this._callState("talking"));
      session.on("ended", (event) => this._ended("ended", event.cause));
      session.on("failed", (event) => this._ended("failed", event.cause));
      if (originator === "remote") {
        this._emit("incoming", info);
        this._callState("ringing");
        if (info.autoAnswer) this.answer();
      }
    }

    /* Asterisk takes no candidates trickled later: the answer waits for them all.
     * Where a network drops UDP, STUN and TURN over UDP give up only after ~40 s,
     * long past the queue's ring time; a TURN relay (which always reaches Asterisk)
     * is enough, so the answer goes a moment after the first one. */
    _enoughCandidates({ candidate, ready }) {
      if (candidate.type !== "relay" || this._gatheringTimer) return;
      this._gatheringTimer = setTimeout(() => {
        this._gatheringTimer = null;
        ready();
      }, RELAY_GRACE_MS);
    }

    _attachAudio(peerconnection) {
      peerconnection.addEventListener("track", (event) => {
        this.audio.srcObject = event.streams[0];
        if (this.speakerId && this.audio.setSinkId) {
          this.audio.setSinkId(this.speakerId).catch(() => {});
        }
      });
    }

    _ended(state, cause) {
      if (cause === CAUSES().USER_DENIED_MEDIA_ACCESS) {
        this._emit("mic", { error: "NotAllowedError" });
      }
      this._callState(state, cause);
      this.audio.srcObject = null;
      this.session = null;
    }

    _constraints() {
      const audio = this.microphoneId ? { deviceId: { exact: this.microphoneId } } : true;
      return { audio, video: false };
    }

    _line(state, cause) {
      this.lineState = state;
      this._emit("line", { state, cause: cause || "" });
    }

    _callState(state, cause) {
      this._emit("call", Object.assign({ state, cause: cause || "" }, this.current || {}));
    }

    _emit(type, detail) {
      this.dispatchEvent(new CustomEvent(type, { detail }));
    }
  }

  window.HotlineSoftphone = Softphone;
})();
