/* The desk's ringtones, made with Web Audio (no sound files to ship or fetch).
 *
 * The consultant picks one beside the microphone and speaker; the choice is
 * kept in this browser (localStorage). "none" rings silently: the title and
 * the desktop notification still tell of the call.
 */
(function () {
  "use strict";

  const KEY = "hotline.ringtone";
  // Each pattern: the tone, its loudness, the beeps [start, length] in seconds, the cycle.
  const PATTERNS = {
    classic: { frequency: 440, gain: 0.15, beeps: [[0, 1]], every: 3 },
    double: { frequency: 480, gain: 0.15, beeps: [[0, 0.4], [0.6, 0.4]], every: 3 },
    soft: { frequency: 660, gain: 0.05, beeps: [[0, 0.6]], every: 4 },
    none: null,
  };

  let playing = null;

  function chosen() {
    const name = localStorage.getItem(KEY);
    return name in PATTERNS ? name : "classic";
  }

  function choose(name) {
    if (name in PATTERNS) localStorage.setItem(KEY, name);
  }

  function start(name) {
    stop();
    const tone = name || chosen();
    document.body.dataset.ringtone = tone;
    const pattern = PATTERNS[tone];
    if (!pattern) return;
    try {
      const context = new AudioContext();
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = pattern.frequency;
      gain.gain.value = 0;
      oscillator.connect(gain).connect(context.destination);
      oscillator.start();
      const cycle = () => {
        const now = context.currentTime;
        for (const [at, length] of pattern.beeps) {
          gain.gain.setValueAtTime(pattern.gain, now + at);
          gain.gain.setValueAtTime(0, now + at + length);
        }
      };
      cycle();
      playing = { context, interval: setInterval(cycle, pattern.every * 1000) };
    } catch (error) {
      playing = null; // No audio output: the title and the notification remain.
    }
  }

  function stop() {
    delete document.body.dataset.ringtone;
    if (!playing) return;
    clearInterval(playing.interval);
    playing.context.close();
    playing = null;
  }

  window.HotlineRingtone = { names: Object.keys(PATTERNS), chosen, choose, start, stop };
})();
