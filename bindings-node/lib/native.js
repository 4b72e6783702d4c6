'use strict';
// The N-API addon: the prebuilt one shipped in the package for this platform when there
// is one (prebuilds/<platform>-<arch>-<libc>/), else the one `npm install` built from
// source (scripts/build-addon.js).
const fs = require('node:fs');
const path = require('node:path');

const { platformTriple, prebuiltAddon } = require('./platform');

const packageDir = path.join(__dirname, '..');

function load() {
  const candidates = [
    prebuiltAddon(packageDir),
    path.join(packageDir, 'ctxbridge.node'),
  ];
  const found = candidates.find((file) => fs.existsSync(file));
  if (found === undefined) {
    throw new Error(
      `ctxbridge: no native addon for ${platformTriple()}: the package ships prebuilt addons for ` +
        'linux-x64-gnu, and building one from source (npm rebuild ctxbridge) needs a Rust toolchain (cargo)',
    );
  }
  return require(found);
}

module.exports = load();
