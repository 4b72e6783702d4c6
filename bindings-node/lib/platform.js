'use strict';
const fs = require('node:fs');
const path = require('node:path');

let libc;

/**
 * The C library of this Linux, 'gnu' or 'musl', found once. `ldd` names it (as the
 * detect-libc package reads it): one small file read. `process.report.getReport()` says it
 * too, but takes tens of milliseconds, so it is asked only when `ldd` says neither.
 */
function linuxLibc() {
  if (libc !== undefined) return libc;
  try {
    const ldd = fs.readFileSync('/usr/bin/ldd', 'latin1');
    if (ldd.includes('musl')) return (libc = 'musl');
    if (ldd.includes('GNU C Library') || ldd.includes('GLIBC')) return (libc = 'gnu');
  } catch {
    // No ldd (a distroless image): ask the process report.
  }
  const glibc = process.report?.getReport?.().header?.glibcVersionRuntime;
  return (libc = glibc ? 'gnu' : 'musl');
}

// napi-rs's name for the platform a prebuilt addon is for, e.g. linux-x64-gnu.
function platformTriple() {
  if (process.platform !== 'linux') return `${process.platform}-${process.arch}`;
  return `linux-${process.arch}-${linuxLibc()}`;
}

/** Where a package keeps its prebuilt addon for this platform. */
function prebuiltAddon(packageDir) {
  return path.join(packageDir, 'prebuilds', platformTriple(), 'ctxbridge.node');
}

module.exports = { platformTriple, prebuiltAddon };
