/* Starts Swagger UI on /api/v1/docs (api/templates/api/docs.html). A static file,
 * not an inline script, so the Content-Security-Policy needs no exception. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("swagger-settings").textContent);
  var csrf = document.body.dataset.csrfToken;
  config.dom_id = "#swagger-ui";
  config.presets = [window.SwaggerUIBundle.presets.apis];
  // "Try it out" from a signed-in browser uses the session, which needs the CSRF
  // token on writes (a bearer token needs none).
  if (csrf) {
    config.requestInterceptor = function (req) {
      req.headers["X-CSRFToken"] = csrf;
      return req;
    };
  }
  window.SwaggerUIBundle(config);
})();
