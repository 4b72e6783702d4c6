'use strict';
// napi-rs's name for the platform a prebuilt addon is for, e.g. linux-x64-gnu.
function platformTriple() {
  if (process.platform !== 'linux') return `${process.platform}-${process.arch}`;
  const glibc = process.report?.getReport?.().header?.glibcVersionRuntime;
  return `linux-${process.arch}-${glibc ? 'gnu' : 'musl'}`;
}

module.exports = { platformTriple };
