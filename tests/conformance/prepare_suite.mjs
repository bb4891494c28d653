// Copies one published conformance suite out of the read-only shared folder into a build
// folder and makes it installable without GitHub: the `github:` dependencies become `file:`
// paths to the packed tarballs (copied beside the suites, so the lock file holds no
// machine-specific path), and the development tools we never run (eslint, allure) are
// dropped; mocha is kept, it runs the suite.
//
//   node prepare_suite.mjs SOURCE_SUITE_DIR SOURCE_DEPS_DIR BUILD_DIR
//
// Leaves BUILD_DIR/<suite>/ (sources and package.json, node_modules untouched) and
// BUILD_DIR/deps/*.tgz. Prints nothing; exits non-zero with a reason on a problem.
import {chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync,
  writeFileSync} from 'node:fs';
import {basename, join} from 'node:path';

const [source, depsSource, build] = process.argv.slice(2);
if(!source || !depsSource || !build) {
  console.error('usage: prepare_suite.mjs SOURCE_SUITE_DIR SOURCE_DEPS_DIR BUILD_DIR');
  process.exit(2);
}
const suite = basename(source);
const target = join(build, suite);
const deps = join(build, 'deps');
mkdirSync(deps, {recursive: true});
// the tarballs, by package name (name-version.tgz)
const tarballs = new Map();
for(const file of readdirSync(depsSource)) {
  const match = /^(.+)-(\d+\.\d+\.\d+)\.tgz$/.exec(file);
  if(!match) {
    continue;
  }
  cpSync(join(depsSource, file), join(deps, file));
  chmodSync(join(deps, file), 0o644);
  tarballs.set(match[1], file);
}
// fresh sources every time (a changed or removed file upstream must not linger), keeping
// node_modules and what the runs leave (localConfig.cjs is written by each run)
mkdirSync(target, {recursive: true});
for(const entry of readdirSync(target)) {
  if(entry !== 'node_modules') {
    rmSync(join(target, entry), {recursive: true, force: true});
  }
}
for(const entry of readdirSync(source)) {
  if(entry === 'node_modules' || entry === '.git') {
    continue;
  }
  cpSync(join(source, entry), join(target, entry), {recursive: true});
  writable(join(target, entry));
}
const manifest = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8'));
for(const [name, spec] of Object.entries(manifest.dependencies || {})) {
  if(typeof spec === 'string' && spec.startsWith('github:')) {
    const file = tarballs.get(name);
    if(!file) {
      console.error(`${suite}: no tarball for ${name} (${spec}) in ${depsSource}`);
      process.exit(1);
    }
    manifest.dependencies[name] = `file:../deps/${file}`;
  }
}
const dev = manifest.devDependencies || {};
manifest.devDependencies = dev.mocha ? {mocha: dev.mocha} : {};
delete manifest.mocha; // the allure reporter config of one suite; we pass --reporter json
writeFileSync(join(target, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');

// the shared folder is read-only, and so is what cpSync copies from it: let the next run
// replace the copy (and mocha write its report) without root
function writable(path) {
  const stat = statSync(path);
  chmodSync(path, stat.mode | 0o200);
  if(stat.isDirectory()) {
    for(const entry of readdirSync(path)) {
      writable(join(path, entry));
    }
  }
}
