// Starts Swagger UI on /api/v1/docs/ (a file, not an inline script: the site's CSP allows
// scripts from 'self' only). "Try it out" calls send the session's CSRF token.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  window.ui = SwaggerUIBundle({
    url: root.dataset.schemaUrl,
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "BaseLayout",
    deepLinking: true,
    persistAuthorization: false,
    requestInterceptor: function (request) {
      var token = csrfToken();
      if (token) {
        request.headers[root.dataset.csrfHeader] = token;
      }
      return request;
    },
  });
})();
