'use strict';
// @opentelemetry/api is a peer dependency: the app's own copy must be the one used, so
// that the context manager and propagator registered here are the app's. When the
// package is linked rather than copied (`npm install ../path/to/bindings-node` makes a
// symlink), Node resolves from the link's real path, outside the app; then look where the
// app is: the module that required ctxbridge, the main script, the preloads named on the
// command line (`--require <app>/node_modules/ctxbridge/register`) and the working
// directory, whatever that is.
const path = require('node:path');

/** Folders that belong to the app, from which its `node_modules` can be found. */
function appFolders() {
  const folders = [];
  const parent = module.parent?.parent ?? module.parent; // lib/api.js <- ctxbridge's entry <- the app
  if (parent?.filename) folders.push(path.dirname(parent.filename));
  if (require.main?.filename) folders.push(path.dirname(require.main.filename));
  if (process.argv[1]) folders.push(path.dirname(path.resolve(process.argv[1])));
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s);
    if (flag !== '--require' && flag !== '-r' && flag !== '--import') continue;
    const preload = inline ?? args[++i];
    if (preload && (path.isAbsolute(preload) || preload.startsWith('.'))) {
      folders.push(path.dirname(path.resolve(preload.replace(/^file:\/\//, ''))));
    }
  }
  folders.push(process.cwd());
  return folders;
}

/** The app's copy of the API, or undefined when none is found from the app's folders. */
function appCopy() {
  try {
    return require(require.resolve('@opentelemetry/api', { paths: appFolders() }));
  } catch (error) {
    if (error.code !== 'MODULE_NOT_FOUND') throw error;
    return undefined;
  }
}

// Installed (the real path is inside a node_modules), the API found next to the package is
// the app's. Linked from a checkout, the checkout's own copy (its dev dependency) is not: the
// app's comes first, and the checkout's only when the app has none.
const linked = !__dirname.split(path.sep).includes('node_modules');
module.exports = (linked && appCopy()) || require('@opentelemetry/api');
