// "Add another number": copies the formset's empty row and bumps TOTAL_FORMS.
// Without JavaScript the form still offers one empty row per save.
(function () {
  "use strict";
  var button = document.getElementById("add-phone");
  var template = document.getElementById("phone-row-template");
  var rows = document.getElementById("phone-rows");
  var total = document.getElementById("id_phones-TOTAL_FORMS");
  if (!button || !template || !rows || !total) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    var index = Number(total.value);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var inputs = rows.querySelectorAll("input[name='phones-" + index + "-number']");
    if (inputs.length) {
      inputs[0].focus();
    }
  });
})();
