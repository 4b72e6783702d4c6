'use strict';
// index.d.ts declares exactly what index.js exports.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

test('index.d.ts declares every export and nothing else', () => {
  const source = fs.readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8');
  const declared = [...source.matchAll(/^export declare (?:class|function) (\w+)/gm)].map((m) => m[1]).sort();
  assert.deepEqual(declared, Object.keys(require('..')).sort());
});

test('stats() has the fields index.d.ts names', () => {
  assert.deepEqual(Object.keys(require('..').stats()).sort(),
    ['attached', 'detached', 'doubleDetach', 'leaked', 'outOfOrder', 'wrongScope']);
});

test('index.d.ts compiles as a TypeScript user writes against it (tsc --strict)', () => {
  const { execFileSync } = require('node:child_process');
  const tsc = require.resolve('typescript/bin/tsc');
  // Throws with tsc's diagnostics when a declaration does not compile.
  execFileSync(process.execPath, [tsc, '-p', path.join(__dirname, 'types')], { encoding: 'utf8', stdio: 'pipe' });
});
