// The public inquiry form: send the visitor's time zone, so the first email and the
// coordinator's call come at a sensible local hour. Works without it.
(function () {
  var field = document.querySelector("[data-browser-timezone]");
  if (!field) return;
  try {
    field.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) {
    field.value = "";
  }
})();
