'use strict';
const path = require('node:path');

// napi-rs's name for the platform a prebuilt addon is for, e.g. linux-x64-gnu.
function platformTriple() {
  if (process.platform !== 'linux') return `${process.platform}-${process.arch}`;
  const glibc = process.report?.getReport?.().header?.glibcVersionRuntime;
  return `linux-${process.arch}-${glibc ? 'gnu' : 'musl'}`;
}

/** Where a package keeps its prebuilt addon for this platform. */
function prebuiltAddon(packageDir) {
  return path.join(packageDir, 'prebuilds', platformTriple(), 'ctxbridge.node');
}

module.exports = { platformTriple, prebuiltAddon };
