'use strict';
// Builds the N-API addon from source with the machine's cargo and puts it where
// lib/native.js loads it. Debug by default; CTXBRIDGE_RELEASE=1 for a release build.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const packageDir = path.resolve(__dirname, '..');
const release = process.env.CTXBRIDGE_RELEASE === '1';
const manifest = path.join(packageDir, 'Cargo.toml');
const args = ['build', '--quiet', '--manifest-path', manifest, '--message-format', 'json-render-diagnostics'];
if (release) args.push('--release');

const output = execFileSync(process.env.CARGO || 'cargo', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
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
