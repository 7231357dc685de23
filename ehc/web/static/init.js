// Loaded as a module (so only by browsers GOV.UK Frontend supports): marks the page for its component
// styles, then starts its components. No inline script anywhere: the Content-Security-Policy forbids it.
import { initAll } from "./govuk-frontend/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
