'use strict';
// Loading ctxbridge picks the prebuilt addon for this platform without the process report
// (tens of milliseconds), and names the platform as the report would.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

test('the platform is named as the process report names it', { skip: process.platform !== 'linux' }, () => {
  const { platformTriple } = require('../lib/platform');
  const glibc = process.report.getReport().header.glibcVersionRuntime;
  assert.equal(platformTriple(), `linux-${process.arch}-${glibc ? 'gnu' : 'musl'}`);
});

test('require("ctxbridge") never asks for the process report when ldd names the C library', { skip: process.platform !== 'linux' }, () => {
  const entry = path.join(__dirname, '..');
  const out = execFileSync(
    process.execPath,
    ['-e', `process.report.getReport = () => { throw new Error('process report asked'); }; require(${JSON.stringify(entry)}); console.log('loaded');`],
    { encoding: 'utf8' },
  );
  assert.equal(out.trim(), 'loaded');
});
