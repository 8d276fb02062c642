// The working-hours grid: a day off hides its intervals, «+ interval» shows
// one more, Monday can be copied to the other weekdays, and the grid is
// dimmed (still kept) while the line works round the clock.
(function () {
  "use strict";
  var form = document.getElementById("hours-form");
  var grid = document.getElementById("week-grid");
  var rows = Array.prototype.slice.call(grid.querySelectorAll("tr.day"));

  function intervalsOf(row) {
    return Array.prototype.slice.call(row.querySelectorAll(".interval"));
  }

  function refreshRow(row) {
    var closed = row.querySelector(".closed input").checked;
    var box = row.querySelector(".intervals");
    box.hidden = closed;
    var shown = intervalsOf(row).filter(function (slot) { return !slot.hidden; });
    if (!closed && shown.length === 0) {
      intervalsOf(row)[0].hidden = false;
    }
    var spare = intervalsOf(row).some(function (slot) { return slot.hidden; });
    row.querySelector("[data-action=add-interval]").hidden = !spare;
  }

  function refreshMode() {
    var always = form.querySelector("input[name=mode][value=always]").checked;
    grid.classList.toggle("dormant", always);
  }

  function copyMonday() {
    var monday = rows[0];
    var closed = monday.querySelector(".closed input").checked;
    var source = intervalsOf(monday);
    rows.slice(1, 5).forEach(function (row) {
      row.querySelector(".closed input").checked = closed;
      intervalsOf(row).forEach(function (slot, index) {
        var from = source[index];
        slot.querySelectorAll("input").forEach(function (input, position) {
          var original = from.querySelectorAll("input")[position];
          if (input.type === "checkbox") {
            input.checked = original.checked;
          } else {
            input.value = original.value;
          }
        });
        slot.hidden = from.hidden;
      });
      refreshRow(row);
    });
  }

  rows.forEach(function (row) {
    row.querySelector(".closed input").addEventListener("change", function () {
      refreshRow(row);
    });
    row.querySelector("[data-action=add-interval]").addEventListener("click", function () {
      var next = intervalsOf(row).filter(function (slot) { return slot.hidden; })[0];
      if (next) {
        next.hidden = false;
        next.querySelector("input").focus();
      }
      refreshRow(row);
    });
    refreshRow(row);
  });
  form.querySelectorAll("input[name=mode]").forEach(function (input) {
    input.addEventListener("change", refreshMode);
  });
  var copy = grid.querySelector("[data-action=copy-monday]");
  copy.hidden = false;
  copy.addEventListener("click", copyMonday);
  refreshMode();
})();
