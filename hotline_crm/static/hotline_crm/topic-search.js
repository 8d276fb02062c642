// The consultation form's topics, narrowed as one types: every word must appear in
// the topic's name or its category's; a checked topic always stays in sight.
(function () {
  "use strict";
  const input = document.querySelector("[data-topic-search]");
  if (!input) return;
  const none = document.querySelector("[data-topic-none]");
  const groups = [...document.querySelectorAll(".topic-group")];
  input.closest("label").hidden = false;

  input.addEventListener("input", () => {
    const words = input.value.toLocaleLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    groups.forEach((group) => {
      const category = group.querySelector("legend").textContent.toLocaleLowerCase();
      let inGroup = 0;
      group.querySelectorAll("label.choice").forEach((label) => {
        const text = `${category} ${label.textContent.toLocaleLowerCase()}`;
        const match = label.querySelector("input").checked || words.every((word) => text.includes(word));
        label.hidden = !match;
        if (match) inGroup += 1;
      });
      group.hidden = inGroup === 0;
      shown += inGroup;
    });
    none.hidden = shown > 0;
  });
})();
