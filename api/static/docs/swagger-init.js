// Swagger UI for the AIM API (api/docs.py serves the page only when AIM_API_DOCS is on).
// A file, not an inline script, so that the page's Content-Security-Policy allows scripts
// from this site only. No online validator: the OpenAPI document never leaves the browser.
window.addEventListener("load", function () {
  var script = document.getElementById("swagger-init");
  window.ui = SwaggerUIBundle({
    url: script.dataset.openapi,
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    validatorUrl: null,
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  });
});
