// Builds the JavaScript of dyad's pages into ../static and records what it built.
//
//   npm ci && npm run build     bundle src/*.js with esbuild, copy Swagger UI's assets, and
//                               write ../static/manifest.json (sha256 of every output, of
//                               every input file, of package.json and package-lock.json)
//   npm run check               build into a temporary folder and compare with ../static
//                               (exit 1 when the committed files differ)
//   node build.mjs --out DIR    build into DIR instead
//
// The output is deterministic (no timestamps, no absolute paths), so a build from the same
// lockfile and sources gives the same bytes; tests/test_web_assets.py checks the manifest
// against the committed files without needing npm or the network.
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const HERE = dirname(fileURLToPath(import.meta.url));
const STATIC = resolve(HERE, "../static");
const BUNDLES = ["timeline", "network", "swagger-init"];
const COPIED = {
  "swagger-ui-bundle.js": "node_modules/swagger-ui-dist/swagger-ui-bundle.js",
  "swagger-ui-bundle.js.LICENSE.txt": "node_modules/swagger-ui-dist/swagger-ui-bundle.js.LICENSE.txt",
  "swagger-ui.css": "node_modules/swagger-ui-dist/swagger-ui.css",
};

const sha256 = (path) => createHash("sha256").update(readFileSync(path)).digest("hex");

async function buildInto(out) {
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: Object.fromEntries(BUNDLES.map((name) => [name, join(HERE, "src", `${name}.js`)])),
    outdir: out,
    bundle: true,
    minify: true,
    format: "iife",
    target: ["es2020"],
    charset: "utf8",
    legalComments: "eof",
    sourcemap: false,
    logLevel: "warning",
    absWorkingDir: HERE,
  });
  for (const [name, from] of Object.entries(COPIED)) copyFileSync(join(HERE, from), join(out, name));

  const lock = JSON.parse(readFileSync(join(HERE, "package-lock.json"), "utf8"));
  const pkg = JSON.parse(readFileSync(join(HERE, "package.json"), "utf8"));
  const packages = {};
  for (const name of Object.keys(pkg.devDependencies).sort()) {
    packages[name] = lock.packages[`node_modules/${name}`].version;
  }
  const sources = {};
  for (const name of ["build.mjs", "package.json", "package-lock.json"]) sources[name] = sha256(join(HERE, name));
  for (const name of readdirSync(join(HERE, "src")).sort()) sources[`src/${name}`] = sha256(join(HERE, "src", name));
  const outputs = {};
  for (const name of [...BUNDLES.map((b) => `${b}.js`), ...Object.keys(COPIED)].sort()) {
    outputs[name] = { sha256: sha256(join(out, name)), bytes: readFileSync(join(out, name)).length };
  }
  const manifest = {
    comment: "Written by src/dyad/web/frontend/build.mjs; checked by tests/test_web_assets.py. Do not edit.",
    packages,
    sources,
    outputs,
  };
  writeFileSync(join(out, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

const args = process.argv.slice(2);
if (args[0] === "--check") {
  const tmp = mkdtempSync(join(tmpdir(), "dyad-web-"));
  try {
    const built = await buildInto(tmp);
    const names = [...Object.keys(built.outputs), "manifest.json"];
    const differ = names.filter((name) => {
      try {
        return sha256(join(tmp, name)) !== sha256(join(STATIC, name));
      } catch {
        return true;
      }
    });
    if (differ.length) {
      console.error(`static files differ from a fresh build: ${differ.join(", ")} (run: npm run build)`);
      process.exit(1);
    }
    console.log(`ok: ${names.length} static files match a fresh build`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
} else {
  const out = args[0] === "--out" ? resolve(args[1]) : STATIC;
  const manifest = await buildInto(out);
  for (const [name, info] of Object.entries(manifest.outputs)) console.log(`${name}\t${info.bytes}\t${info.sha256.slice(0, 12)}`);
}
