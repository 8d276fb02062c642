// Record a voice prompt with the browser's microphone and upload it like a file.
(function () {
  "use strict";
  if (!window.MediaRecorder || !navigator.mediaDevices) {
    return; // Old browser: the file upload form is still there.
  }
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
    var recorder = null;
    var recording = null;
    box.hidden = false;

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
          recording = new Blob(chunks, { type: recorder.mimeType });
          preview.src = URL.createObjectURL(recording);
          preview.hidden = false;
          save.hidden = false;
        });
        recorder.start(250);
        record.hidden = true;
        stop.hidden = false;
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
