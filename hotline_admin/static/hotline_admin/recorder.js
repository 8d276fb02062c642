// Record a voice prompt with the browser's microphone and upload it like a file.
(function () {
  "use strict";
  if (!window.MediaRecorder || !navigator.mediaDevices) {
    return; // Old browser: the file upload form is still there.
  }
  var MIN_PROMPT_MS = 2000;
  var messages = document.getElementById("recorder-messages").dataset;
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;

  document.querySelectorAll("article.prompt").forEach(function (article) {
    var box = article.querySelector(".recorder");
    var record = box.querySelector("[data-action=record]");
    var stop = box.querySelector("[data-action=stop]");
    var save = box.querySelector("[data-action=save]");
    var preview = box.querySelector("[data-role=preview]");
    var error = box.querySelector("[data-role=error]");
    var elapsed = box.querySelector("[data-role=elapsed]");
    var level = box.querySelector("[data-role=level]");
    var short = box.querySelector("[data-role=short]");
    var meter = null;
    var recorder = null;
    var recording = null;
    box.hidden = false;

    // The microphone's loudness while recording (RMS of the waveform, 0..1).
    function startMeter(stream) {
      var context = new AudioContext();
      var analyser = context.createAnalyser();
      analyser.fftSize = 1024;
      context.createMediaStreamSource(stream).connect(analyser);
      var samples = new Float32Array(analyser.fftSize);
      level.hidden = false;
      meter = { context: context, timer: setInterval(function () {
        analyser.getFloatTimeDomainData(samples);
        var sum = 0;
        for (var i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
        level.value = Math.min(1, Math.sqrt(sum / samples.length) * 2);
        box.dataset.level = String(level.value);
      }, 100) };
    }

    function stopMeter() {
      if (!meter) return;
      clearInterval(meter.timer);
      meter.context.close();
      meter = null;
      level.hidden = true;
      level.value = 0;
    }

    record.addEventListener("click", function () {
      error.textContent = "";
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
        var chunks = [];
        var started = Date.now();
        recorder = new MediaRecorder(stream);
        recorder.addEventListener("dataavailable", function (event) {
          chunks.push(event.data);
          // How long it has recorded so far, for the person speaking (and for tests).
          box.dataset.recordedMs = String(Date.now() - started);
          elapsed.textContent = Math.floor((Date.now() - started) / 1000) + " " + messages.seconds;
        });
        recorder.addEventListener("stop", function () {
          stream.getTracks().forEach(function (track) { track.stop(); });
          stopMeter();
          // A prompt under 2 s is over before a caller has listened (issue 13).
          short.hidden = Date.now() - started >= MIN_PROMPT_MS;
          recording = new Blob(chunks, { type: recorder.mimeType });
          preview.src = URL.createObjectURL(recording);
          preview.hidden = false;
          save.hidden = false;
        });
        recorder.start(250);
        startMeter(stream);
        record.hidden = true;
        stop.hidden = false;
        save.hidden = true;
        preview.hidden = true;
        short.hidden = true;
      }).catch(function () { error.textContent = messages.noMicrophone; });
    });

    stop.addEventListener("click", function () {
      recorder.stop();
      stop.hidden = true;
      record.hidden = false;
    });

    save.addEventListener("click", function () {
      var extension = recording.type.indexOf("ogg") >= 0 ? "ogg" : "webm";
      var form = new FormData();
      form.append("audio", recording, "microphone." + extension);
      form.append("source", "microphone");
      save.disabled = true;
      fetch(article.dataset.uploadUrl, {
        method: "POST",
        body: form,
        headers: { "X-CSRFToken": csrf, "Accept": "application/json" },
        credentials: "same-origin"
      }).then(function (response) {
        return response.json().then(function (body) {
          if (body.ok) { window.location.reload(); return; }
          error.textContent = body.error || messages.failed;
          save.disabled = false;
        });
      }).catch(function () {
        error.textContent = messages.failed;
        save.disabled = false;
      });
    });
  });
})();
