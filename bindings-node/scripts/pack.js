'use strict';
// Packs the npm tarball users install (`make dist` runs it):
//   node scripts/pack.js <release addon .so> <cargo target dir> <dist dir>
// The package carries the prebuilt linux-x64-gnu addon in prebuilds/ (loaded by
// lib/native.js, so installing needs no Rust toolchain), and, for platforms without a
// prebuilt, a self-contained crate in native/: the addon's sources, the core crate as
// `cargo package` writes it (workspace settings resolved), and the workspace's
// Cargo.lock, so that a source build from the tarball resolves exactly what was tested.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { prebuiltAddon } = require('../lib/platform');

const [addon, targetDir, distDir] = process.argv.slice(2).map((arg) => path.resolve(arg));
const packageDir = path.resolve(__dirname, '..');
const root = path.resolve(packageDir, '..');
const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'ctxbridge-npm-'));

// What the package ships from this folder as it is (package.json's `files` adds what is
// made here: prebuilds/, native/ and the LICENSE).
const SHIPPED = ['index.js', 'index.mjs', 'index.d.ts', 'register.js', 'register.mjs', 'doctor.js', 'doctor.mjs', 'doctor.d.ts', 'bin/', 'lib/', 'scripts/build-addon.js', 'README.md'];
const copy = (from, to = from) => fs.cpSync(path.join(packageDir, from), path.join(stage, to), { recursive: true });
for (const entry of SHIPPED.filter((entry) => !entry.startsWith('scripts/'))) copy(entry);
fs.mkdirSync(path.join(stage, 'scripts'));
copy('scripts/build-addon.js');
fs.copyFileSync(path.join(root, 'LICENSE'), path.join(stage, 'LICENSE'));

const prebuilt = prebuiltAddon(stage);
fs.mkdirSync(path.dirname(prebuilt), { recursive: true });
fs.copyFileSync(addon, prebuilt);

// native/: a crate of its own (an empty [workspace] table keeps cargo from looking for
// the repository's), with the workspace's inherited settings written out.
const native = path.join(stage, 'native');
fs.mkdirSync(native);
fs.cpSync(path.join(packageDir, 'src'), path.join(native, 'src'), { recursive: true });
fs.copyFileSync(path.join(packageDir, 'build.rs'), path.join(native, 'build.rs'));
fs.copyFileSync(path.join(root, 'Cargo.lock'), path.join(native, 'Cargo.lock'));
const workspace = fs.readFileSync(path.join(root, 'Cargo.toml'), 'utf8');
const inherited = (key) => workspace.match(new RegExp(`^${key} = (.*)$`, 'm'))[1];
const releaseProfile = workspace.slice(workspace.indexOf('[profile.release]'));
const manifest = fs
  .readFileSync(path.join(packageDir, 'Cargo.toml'), 'utf8')
  .replace(/^(\w[\w-]*)\.workspace = true$/gm, (line, key) => `${key} = ${inherited(key)}`)
  .replace(/^ctxbridge-core = .*$/m, 'ctxbridge-core = { path = "core", features = ["doctor"] }');
fs.writeFileSync(path.join(native, 'Cargo.toml'), `${manifest}\n${releaseProfile}\n[workspace]\n`);

execFileSync(process.env.CARGO || 'cargo', ['package', '-p', 'ctxbridge-core', '--no-verify', '--allow-dirty', '--offline', '--quiet'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, CARGO_TARGET_DIR: targetDir },
});
const version = inherited('version').replace(/"/g, '');
execFileSync('tar', ['xzf', path.join(targetDir, 'package', `ctxbridge-core-${version}.crate`), '-C', native]);
fs.renameSync(path.join(native, `ctxbridge-core-${version}`), path.join(native, 'core'));
for (const unneeded of ['tests', 'benches', 'Cargo.lock', 'Cargo.toml.orig', '.cargo_vcs_info.json']) {
  fs.rmSync(path.join(native, 'core', unneeded), { recursive: true, force: true });
}

// package.json: what users install, without the repository's development parts.
const pkg = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
if (pkg.version !== version) throw new Error(`package.json says ${pkg.version}, Cargo.toml ${version}`);
delete pkg.devDependencies;
delete pkg.scripts.test;
pkg.files = [...SHIPPED, 'prebuilds/', 'native/', 'LICENSE'];
fs.writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);

fs.mkdirSync(distDir, { recursive: true });
execFileSync('npm', ['pack', '--silent', '--pack-destination', distDir], { cwd: stage, stdio: ['ignore', 'inherit', 'inherit'] });
fs.rmSync(stage, { recursive: true, force: true });
