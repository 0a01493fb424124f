/**
 * Starts GOV.UK Frontend on every page, loaded by the base template as
 * <script type="module" src="/static/js/frontend-init.js">.
 *
 * It does the job of the GOV.UK page template's inline script, which our CSP
 * forbids: mark the body `js-enabled` (styles that only make sense with
 * JavaScript), and `govuk-frontend-supported` where the browser runs ES
 * modules (always, since this is one), then start every component marked
 * with `data-module="govuk-..."`. Page modules in static/js/ can import
 * individual components from the same file if they add markup later.
 */
import {
  initAll,
  isSupported,
} from "/static/vendor/govuk-frontend/govuk-frontend.min.js";

document.body.classList.add("js-enabled");
if ("noModule" in HTMLScriptElement.prototype) {
  document.body.classList.add("govuk-frontend-supported");
}

if (isSupported()) {
  initAll();
}
