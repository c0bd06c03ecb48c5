// Reaction Reel panel: reveal spoilers on click, tick every row, confirm removals.
"use strict";

document.addEventListener("click", (event) => {
  const spoiler = event.target.closest(".spoiler");
  if (spoiler && !spoiler.classList.contains("revealed")) {
    spoiler.classList.add("revealed");
    event.preventDefault();
  }
});

document.addEventListener("keydown", (event) => {
  const spoiler = event.target.closest && event.target.closest(".spoiler");
  if (spoiler && (event.key === "Enter" || event.key === " ")) {
    spoiler.classList.add("revealed");
    event.preventDefault();
  }
});

document.addEventListener("DOMContentLoaded", () => {
  const all = document.getElementById("select-all");
  if (all) {
    all.addEventListener("change", () => {
      for (const box of document.querySelectorAll('input[name="reaction"]')) {
        box.checked = all.checked;
      }
    });
  }
  for (const form of document.querySelectorAll("form.confirm")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.question || "Are you sure?")) {
        event.preventDefault();
      }
    });
  }
});
