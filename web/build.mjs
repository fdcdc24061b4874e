// Copies the dashboard's front-end dependencies and the API docs' Swagger UI from node_modules
// into api/static/vendor, so that the app serves them itself (no CDN) and Python-only users need
// no npm. swagger-ui-dist depends on @scarf/scarf, an install-time analytics script: package.json's
// scarfSettings turns it off.
//   cd web && npm ci && npm run build
// GOV.UK Frontend's CSS is rewritten for a service that is not on GOV.UK: the GDS Transport
// font and the GOV.UK crest are only licensed for GOV.UK services, so the @font-face rules are
// dropped and the font stack falls back to Arial (the font GOV.UK Frontend recommends for
// services outside GOV.UK). Asset URLs are made relative to the stylesheet.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules");
const out = join(here, "..", "api", "static", "vendor");
const govuk = join(modules, "govuk-frontend", "dist", "govuk");
const cytoscape = join(modules, "cytoscape", "dist");
const swagger = join(modules, "swagger-ui-dist");
const versions = {
  "govuk-frontend": JSON.parse(readFileSync(join(govuk, "..", "..", "package.json"))).version,
  cytoscape: JSON.parse(readFileSync(join(cytoscape, "..", "package.json"))).version,
  "swagger-ui-dist": JSON.parse(readFileSync(join(swagger, "package.json"))).version,
};

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "govuk"), { recursive: true });
mkdirSync(join(out, "cytoscape"), { recursive: true });
mkdirSync(join(out, "swagger-ui"), { recursive: true });

let css = readFileSync(join(govuk, "govuk-frontend.min.css"), "utf8");
const before = css.length;
css = css
  .replace(/@font-face\{font-family:GDS Transport;[^}]*\}/g, "")
  .replace(/font-family:GDS Transport,/g, "font-family:")
  .replace(/font-family:GDS Transport([;}])/g, "font-family:arial,sans-serif$1")
  .replace(/url\(\/assets\//g, "url(assets/")
  .replace(/\/\*# sourceMappingURL=[^*]*\*\//g, "");
if (css.includes("GDS Transport")) throw new Error("GDS Transport is still referenced: check the rewrite");
writeFileSync(join(out, "govuk", "govuk-frontend.min.css"), css);

const js = readFileSync(join(govuk, "govuk-frontend.min.js"), "utf8").replace(/\/\/# sourceMappingURL=.*$/m, "");
writeFileSync(join(out, "govuk", "govuk-frontend.min.js"), js);
copyFileSync(join(cytoscape, "cytoscape.min.js"), join(out, "cytoscape", "cytoscape.min.js"));
// The bundle and its stylesheet only (no source maps, no sample index.html or initializer: the
// API's own page configures Swagger UI without the online validator).
for (const file of ["swagger-ui-bundle.js", "swagger-ui.css"]) {
  const text = readFileSync(join(swagger, file), "utf8").replace(/\n?(\/\/|\/\*)# sourceMappingURL=.*$/m, "");
  writeFileSync(join(out, "swagger-ui", file), text);
}
for (const file of ["LICENSE", "NOTICE"]) copyFileSync(join(swagger, file), join(out, "swagger-ui", file));
for (const [pkg, file] of [["govuk-frontend", "LICENSE.txt"], ["cytoscape", "LICENSE"]]) {
  const root = join(modules, pkg);
  try { copyFileSync(join(root, file), join(out, pkg === "cytoscape" ? "cytoscape" : "govuk", "LICENSE")); }
  catch { /* a package without that licence file name */ }
}
writeFileSync(join(out, "VERSIONS.json"), JSON.stringify(versions, null, 2) + "\n");
console.log(`vendored ${JSON.stringify(versions)} into ${out} (css ${before} -> ${css.length} bytes)`);
