'use strict';
// `npm install`'s step: nothing to do when the package ships a prebuilt addon for this
// platform (prebuilds/, see lib/native.js); otherwise builds the addon from source with
// cargo and puts it where lib/native.js loads it.
//
// Release by default. A developer who wants a debug build asks for it with
// CTXBRIDGE_PROFILE=debug; a later plain `npm install` builds release again, never debug.
// From the npm tarball the sources are the self-contained crate in native/ (with its
// Cargo.lock); in the repository, the workspace member beside this script.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { platformTriple, prebuiltAddon } = require('../lib/platform');

const packageDir = path.resolve(__dirname, '..');

if (fs.existsSync(prebuiltAddon(packageDir)) && process.env.CTXBRIDGE_BUILD_FROM_SOURCE !== '1') {
  process.exit(0);
}

const profile = process.env.CTXBRIDGE_PROFILE === 'debug' ? 'debug' : 'release';
const packed = path.join(packageDir, 'native', 'Cargo.toml');
const manifest = fs.existsSync(packed) ? packed : path.join(packageDir, 'Cargo.toml');
const args = ['build', '--quiet', '--manifest-path', manifest, '--message-format', 'json-render-diagnostics'];
if (profile === 'release') args.push('--release');

let output;
try {
  output = execFileSync(process.env.CARGO || 'cargo', args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
} catch (error) {
  const why = error.code === 'ENOENT' ? 'cargo is not on PATH' : `cargo failed (${error.message})`;
  console.error(`ctxbridge: no prebuilt addon for ${platformTriple()} and ${why}; install a Rust toolchain to build it from source`);
  process.exit(1);
}
// cargo names the library it built; take its path rather than guessing the target dir.
const library = output
  .split('\n')
  .filter((line) => line.startsWith('{'))
  .map((line) => JSON.parse(line))
  .filter((m) => m.reason === 'compiler-artifact' && m.target && m.target.name === 'ctxbridge_node')
  .flatMap((m) => m.filenames)
  .find((file) => /\.(so|dylib|dll)$/.test(file));
if (!library) {
  throw new Error('ctxbridge: cargo did not report the addon library');
}
fs.copyFileSync(library, path.join(packageDir, 'ctxbridge.node'));
