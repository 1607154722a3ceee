// Starts Swagger UI (swagger-ui-bundle.js, served from /static) on the element #swagger-ui,
// reading the OpenAPI document named by its data-url. No inline script: the page's CSP forbids it.
function start() {
  const root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") return;
  window.ui = window.SwaggerUIBundle({
    url: root.dataset.url,
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    validatorUrl: null,
    tryItOutEnabled: false,
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
