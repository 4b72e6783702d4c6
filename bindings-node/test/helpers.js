'use strict';
const fs = require('node:fs');
const path = require('node:path');

const VECTORS = path.join(__dirname, '..', '..', 'tests', 'vectors');

/** Reads tests/vectors/<name>. */
function loadVectors(name) {
  return JSON.parse(fs.readFileSync(path.join(VECTORS, name), 'utf8'));
}

/** A carrier value: one string, or an array when the header is repeated. */
function headerValue(values) {
  return values.length === 1 ? values[0] : values;
}

module.exports = { loadVectors, headerValue };
