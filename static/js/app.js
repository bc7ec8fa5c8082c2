/* Dashboard behaviour shared by every page. No inline scripts anywhere: CSP-ready. */
(function () {
  "use strict";

  // The coordinator's time zone, for the server to show times in (crm/dashboard/access.py).
  // The sign-in page loads this script too, so the cookie is there before the first page.
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) {
      document.cookie = "tz=" + zone.replace(/[^A-Za-z0-9/_+-]/g, "") + "; path=/; max-age=31536000; SameSite=Lax";
    }
  } catch (e) { /* an old browser: the server's zone is used */ }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }
  window.crmCsrfToken = csrfToken;

  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRFToken"] = csrfToken();
  });

  // Running clocks: <time class="clock" datetime="ISO"> shows how long ago, live.
  function since(iso) {
    var seconds = Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / 1000));
    var minutes = Math.floor(seconds / 60);
    if (minutes < 60) return minutes + " min";
    var hours = Math.floor(minutes / 60);
    if (hours < 24) return hours + " h " + (minutes % 60) + " min";
    return Math.floor(hours / 24) + " d " + (hours % 24) + " h";
  }
  // A patient's local clock: <time class="zone-clock" data-zone="Europe/Berlin">.
  function zoneNow(zone) {
    try {
      return new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", weekday: "short", timeZone: zone }).format(new Date());
    } catch (e) { return null; }
  }
  function tick() {
    document.querySelectorAll("time.clock[datetime]").forEach(function (el) {
      el.textContent = since(el.getAttribute("datetime"));
    });
    document.querySelectorAll("time.zone-clock[data-zone]").forEach(function (el) {
      var text = zoneNow(el.dataset.zone);
      if (text) el.textContent = text;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    tick();
    setInterval(tick, 30000);
  });

  // <button data-confirm="Are you sure?"> asks first.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);

  // The reply form: choosing a template hides the free-text fields it replaces.
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[name=template_key]")) {
      var form = event.target.form;
      form.classList.toggle("using-template", event.target.value !== "");
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[name=template_key]").forEach(function (select) {
      select.form.classList.toggle("using-template", select.value !== "");
    });
  });
})();
