// reckon's only script: keyboard shortcuts on the review page (m, n, s), and confirming
// the language and transliteration switches. Served from /assets, never inline.
"use strict";
document.addEventListener("keydown", function (event) {
  var form = document.getElementById("decide");
  if (!form || event.ctrlKey || event.metaKey || event.altKey) return;
  var target = event.target;
  if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT")) return;
  var button = { m: "match", n: "non_match", s: "skip" }[event.key];
  if (!button) return;
  event.preventDefault();
  var element = form.querySelector('button[value="' + button + '"]');
  if (element) element.click();
});
