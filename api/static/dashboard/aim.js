// GOV.UK Frontend components (skip link, radios, error summary...). No inline script: the
// pages' Content-Security-Policy allows scripts from this site only.
import { initAll } from "/static/vendor/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
