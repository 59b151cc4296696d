// Emits the JavaScript the kasper command runs: packages/NAME/src/**/*.ts → packages/NAME/dist/**/*.js
// (other files under src/, such as the Ruby shim, are copied). Run by `npm ci` (the root `prepare`
// script), `npm run build` and `npm test`. With it, a command starts without Node's TypeScript
// type stripper: measured on `kasper facts` with an empty compile cache, 200 → 65 ms of CPU and
// 96 → 63 MiB of memory (docs/performance.md).
//
// Incremental: a file is emitted again only when its source is newer; outputs whose source is
// gone are removed. Each output is written to a temporary name and renamed, so a concurrent run
// (two test files building at once) never sees half a file.
//
// Imports of Kasper packages (`@kasper/x`, also in createRequire calls) become relative paths
// into the other package's dist folder, so the emitted tree never reaches back into TypeScript,
// while package.json `exports` keep naming the sources, which the typechecker, the tests and
// development use. Pure JavaScript (no TypeScript syntax) so it runs before anything else.
//
// Third-party packages made of many small modules (VENDORED below) are bundled with esbuild into
// one ES module each, packages/cli/dist/vendor/NAME.js, and the emitted code imports that file
// instead of the package: resolving, reading and instantiating a module costs about as much as a
// small module's code, and `yaml` alone is 72 CommonJS modules, execa 150 with its dependencies.
// (chevrotain is not here: the language and query packages load the one-file build it ships.)
// Without esbuild (an install without devDependencies) the emitted
// code imports the packages themselves, as the sources do.
import { createHash } from 'node:crypto';
import { builtinModules, createRequire } from 'node:module';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const packagesDir = join(root, 'packages');
const TMP = /\.tmp-\d+$/;

/** Every workspace package: its npm name → folder and `exports` map. */
const packages = new Map();
for (const folder of readdirSync(packagesDir)) {
  const file = join(packagesDir, folder, 'package.json');
  if (!existsSync(file)) continue;
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  packages.set(pkg.name, { dir: join(packagesDir, folder), exports: pkg.exports ?? {} });
}

/** Bundled into one file each: the third-party packages Kasper imports that load many modules. */
const VENDORED = ['yaml', 'commander', 'execa', 'diff', 'node-forge'];
const vendorDir = join(packagesDir, 'cli', 'dist', 'vendor');
const vendorFile = (name) => join(vendorDir, `${name.replace('/', '+')}.js`);
const requireHere = createRequire(import.meta.url);

/**
 * Node modules a vendored package requires at load time but uses only in a path Kasper never takes,
 * given to it as a stand-in that loads the module on first use: commander requires child_process
 * for subcommands that are executables of their own (Kasper has none), and child_process brings
 * 28 more of Node's modules (net, dgram, streams, fs/promises, readline…) into every command:
 * about 3 ms of `kasper parser validate`'s start (docs/performance.md, start-up).
 */
const LAZY_BUILTINS = { commander: ['node:child_process', 'child_process'] };

/** An esbuild plugin giving `names` (Node modules) to the bundle as stand-ins loaded on first use. */
function lazyBuiltins(names) {
  return {
    name: 'kasper-lazy-builtins',
    setup(build) {
      const filter = new RegExp(`^(?:${names.map((n) => n.replace(/[/.]/g, '\\$&')).join('|')})$`);
      build.onResolve({ filter }, (a) => ({ path: a.path, namespace: 'kasper-lazy-builtin' }));
      build.onLoad({ filter: /.*/, namespace: 'kasper-lazy-builtin' }, (a) => ({
        loader: 'js',
        contents: `let m;\nconst load = () => (m ??= process.getBuiltinModule(${JSON.stringify(a.path)}));\n` +
          'module.exports = new Proxy({}, { get: (_, k) => load()[k], has: (_, k) => k in load(), ownKeys: () => Reflect.ownKeys(load()), ' +
          'getOwnPropertyDescriptor: (_, k) => { const d = Reflect.getOwnPropertyDescriptor(load(), k); return d && { ...d, configurable: true }; } });\n',
      }));
    },
  };
}

/**
 * A vendored bundle's imports of Node's modules as `process.getBuiltinModule(name)`, gathered at
 * its top, not as ES module imports: an import of a Node module makes its ES module facade, which
 * reads every export, lazy ones included. execa's imports of node:util, node:fs and node:process
 * loaded 30 more of Node's modules (util's parseArgs and diff, fs/promises, readline,
 * worker_threads through util's trace_sigint…), compiled from their sources in `kasper apply`,
 * whose V8 flags make V8 refuse Node's code cache (the bundle's own modules get the same rewrite,
 * below). esbuild names every binding uniquely in a bundle, so they can all go first.
 */
function builtinsByGetter(code) {
  const taken = [];
  const get = (mod) => `globalThis.process.getBuiltinModule(${JSON.stringify(mod)})`;
  code = code.replace(/^import\s+(?:([\w$]+)\s*,\s*)?(?:\{([^}]*)\}|\*\s*as\s+([\w$]+)|([\w$]+))\s*from\s*(['"])(node:[a-z0-9_/]+)\5;?[ \t]*$/gm,
    (_, first, names, namespace, only, _q, mod) => {
      const whole = first ?? namespace ?? only;
      if (whole) taken.push(`const ${whole} = ${get(mod)};`);
      if (names !== undefined && names.trim()) taken.push(`const {${names.replace(/\s+as\s+/g, ': ').replace(/\s+/g, ' ')}} = ${get(mod)};`);
      return '';
    });
  if (/^import\b[^;]*['"]node:/m.test(code)) throw new Error('kasper build: an import of a Node module in a vendored bundle was not rewritten');
  return `${taken.join('\n')}\n${code}`;
}

/** Bundles each of VENDORED whose bundle is missing or of another version; returns the names bundled. */
async function vendor() {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    process.stdout.write('kasper build: esbuild not installed: third-party packages are imported unbundled\n');
    return [];
  }
  const done = [];
  for (const name of VENDORED) {
    // One bundle serves every package: only when they all resolve the package to one copy.
    const copies = [...packages.values()].filter(({ dir }) => existsSync(join(dir, 'node_modules', name)));
    if (copies.length) continue;
    const version = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
    const lazy = LAZY_BUILTINS[name] ?? [];
    const stamp = `// ${name}@${version} bundled by packages/cli/scripts/build.mjs (esbuild ${esbuild.version}; Node's modules by getBuiltinModule, also require${lazy.length ? `; loaded on first use: ${lazy.join(', ')}` : ''})\n`;
    const out = vendorFile(name);
    done.push(`${name}@${version}`);
    if (existsSync(out) && readFileSync(out, 'utf8').startsWith(stamp)) continue;
    // Every name the package gives an ES module importer (for a CommonJS package, those Node
    // finds in it), re-exported by name: esbuild cannot list a CommonJS module's exports itself.
    const ns = await import(name);
    const names = Object.keys(ns).filter((k) => k !== 'default' && /^[A-Za-z_$][\w$]*$/.test(k));
    const entry = [names.length ? `export { ${names.join(', ')} } from '${name}';` : '', 'default' in ns ? `export { default } from '${name}';` : ''].join('\n');
    const result = await esbuild.build({
      stdin: { contents: entry, resolveDir: dirname(fileURLToPath(import.meta.url)), sourcefile: `vendor-${name}.mjs`, loader: 'js' },
      bundle: true, format: 'esm', platform: 'node', target: 'node22', write: false, logLevel: 'error',
      plugins: lazy.length ? [lazyBuiltins(lazy)] : [],
      // CommonJS code in the bundle requires Node's modules through this require.
      banner: { js: `${stamp}const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);` },
    });
    mkdirSync(vendorDir, { recursive: true });
    const tmp = `${out}.tmp-${process.pid}.mjs`; // (.mjs: so it can be imported, to check it)
    const [banner, ...rest] = result.outputFiles[0].text.split('\n');
    writeFileSync(tmp, `${banner}\n${builtinsByGetter(rest.join('\n'))}`);
    // The bundle must give what the package gave.
    const bundled = await import(pathToFileURL(tmp).href);
    const missing = [...names, ...('default' in ns ? ['default'] : [])].filter((k) => !(k in bundled));
    if (missing.length) {
      rmSync(tmp, { force: true });
      throw new Error(`kasper build: the bundle of ${name} lacks ${missing.join(', ')}`);
    }
    renameSync(tmp, out);
    vendored++;
  }
  // Bundles of packages no longer vendored go.
  if (existsSync(vendorDir)) {
    const keep = new Set(VENDORED.filter((n) => done.some((d) => d.startsWith(`${n}@`))).map(vendorFile));
    for (const f of readdirSync(vendorDir)) {
      const p = join(vendorDir, f);
      if (f.endsWith('.js') && !TMP.test(f) && !keep.has(p)) rmSync(p, { force: true });
    }
  }
  return done;
}

let vendored = 0;
const bundledNames = await vendor();
const bundled = new Set(bundledNames.map((d) => d.slice(0, d.lastIndexOf('@'))));

const compilerOptions = {
  target: ts.ScriptTarget.ES2023,
  module: ts.ModuleKind.ESNext,
  verbatimModuleSyntax: true,
  rewriteRelativeImportExtensions: true,
};

function* files(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else yield p;
  }
}

/** Where a source file's output goes: src/a/b.ts → dist/a/b.js, src/x.rb → dist/x.rb. */
function output(pkgDir, source) {
  return join(pkgDir, 'dist', relative(join(pkgDir, 'src'), source)).replace(/\.ts$/, '.js');
}

/** Rewrites every string literal naming a Kasper package into a relative path to its output. */
function linkPackages(code, out) {
  return code.replace(/(['"])(@kasper\/[a-z-]+)((?:\/[a-z-]+)?)\1/g, (_, quote, name, sub) => {
    const target = packages.get(name);
    const entry = target?.exports[`.${sub}`];
    if (typeof entry !== 'string' || !entry.startsWith('./src/')) {
      throw new Error(`${relative(root, out)}: cannot link ${name}${sub} (not a package export under ./src/)`);
    }
    let path = relative(dirname(out), output(target.dir, join(target.dir, entry))).split(sep).join('/');
    if (!path.startsWith('.')) path = `./${path}`;
    return `${quote}${path}${quote}`;
  });
}

/** Rewrites imports (static, dynamic, require) of a bundled third-party package to its bundle. */
function linkVendored(code, out) {
  if (bundled.size === 0) return code;
  return code.replace(/(\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)(['"])((?:@[a-z0-9-]+\/)?[a-z0-9.-]+)\2/g, (all, before, quote, name) => {
    if (!bundled.has(name)) return all;
    let path = relative(dirname(out), vendorFile(name)).split(sep).join('/');
    if (!path.startsWith('.')) path = `./${path}`;
    return `${before}${quote}${path}${quote}`;
  });
}

function emit(source, out) {
  const { outputText, diagnostics } = ts.transpileModule(readFileSync(source, 'utf8'), {
    compilerOptions, fileName: source, reportDiagnostics: true,
  });
  if (diagnostics?.length) {
    const d = diagnostics[0];
    const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    throw new Error(`${relative(root, source)}${at ? `:${at.line + 1}:${at.character + 1}` : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  }
  return linkVendored(linkPackages(outputText, out), out);
}

// Outputs are made again when this script or the set of bundles changed (not only their sources).
const key = createHash('sha256').update(readFileSync(fileURLToPath(import.meta.url))).update(bundledNames.join(' ')).digest('hex');
const keyFile = join(vendorDir, 'build-key');
const rebuildAll = !existsSync(keyFile) || readFileSync(keyFile, 'utf8') !== key;

let emitted = 0;
let copied = 0;
let removed = 0;
for (const { dir } of packages.values()) {
  const src = join(dir, 'src');
  if (!existsSync(src)) continue;
  const wanted = new Set();
  for (const source of files(src)) {
    if (source.endsWith('.d.ts')) continue; // declarations only: nothing to run
    const out = output(dir, source);
    wanted.add(out);
    if (!rebuildAll && existsSync(out) && statSync(out).mtimeMs >= statSync(source).mtimeMs) continue;
    mkdirSync(dirname(out), { recursive: true });
    const tmp = `${out}.tmp-${process.pid}`;
    if (source.endsWith('.ts')) {
      writeFileSync(tmp, emit(source, out));
      emitted++;
    } else {
      copyFileSync(source, tmp);
      copied++;
    }
    renameSync(tmp, out);
  }
  const dist = join(dir, 'dist');
  if (!existsSync(dist)) continue;
  for (const f of files(dist)) {
    if (!wanted.has(f) && !TMP.test(f) && !f.startsWith(vendorDir + sep) && !f.startsWith(join(packagesDir, 'cli', 'dist', 'bundle'))) {
      rmSync(f, { force: true });
      removed++;
    }
  }
}
// The command as one bundle (packages/cli/dist/bundle): see bundleCommand.
const bundleDir = join(packagesDir, 'cli', 'dist', 'bundle');
if (emitted + copied + removed > 0 || rebuildAll || !existsSync(join(bundleDir, 'main.js'))) await bundleCommand();

if (rebuildAll) {
  mkdirSync(vendorDir, { recursive: true });
  writeFileSync(`${keyFile}.tmp-${process.pid}`, key);
  renameSync(`${keyFile}.tmp-${process.pid}`, keyFile);
}
if (emitted + copied + removed + vendored > 0 || process.argv.includes('--verbose')) {
  process.stdout.write(`kasper build: ${emitted} emitted, ${copied} copied, ${removed} removed, ${vendored} third-party packages bundled\n`);
}

/**
 * Bundles the emitted command (dist/main.js and everything it imports, Kasper's packages with
 * them) into packages/cli/dist/bundle: main.js and chunks, each lazy import its own chunk, so a
 * command loads a few files instead of ~120 modules. The emitted tree stays as it is: worker
 * threads start its files, and bin/kasper.js runs it when there is no bundle.
 *
 * What a bundler does not follow by itself, done here on each module's text as it is read:
 * - a synchronous `require` (made with createRequire) of another Kasper module (the compiler's
 *   of Ruby and eyaml, the language package's of chevrotain's parser) becomes a require of an
 *   entry point of the same bundle (its own file, sharing chunks with the rest), so the module
 *   is loaded once, not a second copy beside the bundled one;
 * - `import.meta.url` becomes the URL of the module's emitted file, so what is found from it
 *   (workers, Ruby's shim, package.json, the chevrotain and Ruby packages) is found as before,
 *   except the URL of a worker in BUNDLED_WORKERS, which becomes its entry point in the bundle;
 * - the bundled third-party files (dist/vendor) and every npm package stay outside it.
 * The start-up tests learn which packages each file holds from bundle/packages.json.
 */
async function bundleCommand() {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    rmSync(bundleDir, { recursive: true, force: true }); // (no esbuild: said once already, by vendor())
    return;
  }
  // npm packages are imported by name from the bundle's folder: only when no workspace package
  // has a copy of its own that its name would resolve to from its own folder.
  const nested = [...packages.values()].filter(({ dir }) => existsSync(join(dir, 'node_modules')) && readdirSync(join(dir, 'node_modules')).some((n) => !n.startsWith('.')));
  if (nested.length) {
    process.stdout.write(`kasper build: not bundled: ${nested.map(({ dir }) => relative(root, dir)).join(', ')} have node_modules of their own\n`);
    rmSync(bundleDir, { recursive: true, force: true });
    return;
  }
  const distOf = (file) => file.includes(`${sep}dist${sep}`) && file.startsWith(packagesDir + sep) && !file.startsWith(vendorDir + sep);
  const entryName = (file) => relative(packagesDir, file).replace(/\.js$/, '').split(sep).filter((p) => p !== 'dist').join('-');
  // agent-run.js: a run process of the agent daemon, which needs no command-line parser.
  const entries = { main: join(packagesDir, 'cli', 'dist', 'main.js'), 'agent-run': join(packagesDir, 'cli', 'dist', 'agent-run.js') };
  const transformed = new Map();
  /**
   * Worker threads bundled as entry points of their own: a worker of the emitted tree loads its
   * modules one by one (the parser's: about 30), each resolved, read and compiled. Each must
   * load what it needs with literal imports (a computed one, such as `./x${ext}`, is not followed).
   */
  const BUNDLED_WORKERS = new Set(['language/dist/check-worker.js']);
  /** A module's text as the bundle takes it (see above); records the entry points it requires. */
  const transform = (file) => {
    let code = readFileSync(file, 'utf8');
    // Node's own modules taken with process.getBuiltinModule, not imported: an ES module import of
    // one makes its ES module facade, which reads every export, lazy ones included: importing
    // `readFileSync` from node:fs loaded 34 more of Node's modules (fs/promises, readline,
    // streams, watchers…) into every command (docs/performance.md, start-up).
    code = code
      .replace(/^import\s*\{([^}]*)\}\s*from\s*(['"])(node:[a-z0-9_/]+)\2;?/gm, (_, names, _q, mod) => `const {${names.replace(/\s+as\s+/g, ': ')}} = process.getBuiltinModule('${mod}');`)
      .replace(/^import\s*\*\s*as\s+([\w$]+)\s+from\s*(['"])(node:[a-z0-9_/]+)\2;?/gm, (_, name, _q, mod) => `const ${name} = process.getBuiltinModule('${mod}');`);
    if (!code.includes('import.meta') && !code.includes('require(')) return code;
    code = code
      .replace(/require\(`(\.[^`$]*)\$\{(?:ext|EXT)\}`\)/g, "require('$1.js')") // .ts or .js: .js here
      .replace(/createRequire\(import\.meta\.url\)\((['"])([^'"]+)\1\)/g, "require('$2')")
      .replace(/^[ \t]*const require = createRequire\(import\.meta\.url\);[ \t]*$/gm, '');
    code = code.replace(/\brequire\((['"])(\.[^'"]+)\1\)/g, (all, _q, spec) => {
      const target = join(dirname(file), spec);
      if (!distOf(target)) return all;
      const name = entryName(target);
      entries[name] = target;
      return `require('kasper-entry:${name}')`;
    });
    // A worker of BUNDLED_WORKERS, started by its URL: an entry point of the bundle (its modules in
    // it, sharing chunks with the rest), started from the bundle's folder.
    code = code.replace(/new URL\(import\.meta\.url\.endsWith\('\.ts'\) \? '(\.[^']+)\.ts' : '\1\.js', import\.meta\.url\)/g, (all, spec) => {
      const target = join(dirname(file), `${spec}.js`);
      if (!BUNDLED_WORKERS.has(relative(packagesDir, target).split(sep).join('/'))) return all;
      const name = entryName(target);
      entries[name] = target;
      return `new URL('./${name}.js', import.meta.kasperBundleUrl)`;
    });
    let here = relative(bundleDir, file).split(sep).join('/');
    code = code.replace(/\bimport\.meta\.url\b/g, `new URL(${JSON.stringify(here)}, import.meta.url).href`);
    return code.replaceAll('import.meta.kasperBundleUrl', 'import.meta.url');
  };
  for (const { dir } of packages.values()) {
    if (!existsSync(join(dir, 'dist'))) continue;
    for (const f of files(join(dir, 'dist'))) {
      if (f.endsWith('.js') && distOf(f) && !TMP.test(f)) transformed.set(f, transform(f));
    }
  }
  // The language package as a classic script (see classicScript), which every importer of it in
  // the bundle reaches through a small ES module in its place (its facade): its modules leave the
  // ES module build, the entry points its requires made with them.
  const classic = await classicScript(esbuild, transformed, entries, distOf);
  for (const [name, file] of Object.entries(entries)) if (classic.holds(file)) delete entries[name];
  const plugin = {
    name: 'kasper',
    setup(build) {
      build.onResolve({ filter: /^kasper-entry:/ }, (a) => ({ path: `./${a.path.slice('kasper-entry:'.length)}.js`, external: true }));
      build.onResolve({ filter: /^\./ }, (a) => {
        const target = join(a.resolveDir, a.path);
        if (classic.holds(target)) return { path: classic.name, namespace: 'kasper-classic' };
        if (!target.startsWith(vendorDir + sep)) return undefined;
        return { path: relative(bundleDir, target).split(sep).join('/'), external: true };
      });
      // (Resolved from dist, which exists: the bundle's folder does not yet in a first build, and
      // esbuild then resolves no import of the facade, absolute paths included.)
      build.onLoad({ filter: /.*/, namespace: 'kasper-classic' }, () => ({ contents: classic.facade, loader: 'js', resolveDir: dirname(bundleDir) }));
      build.onLoad({ filter: /\.js$/ }, (a) => (transformed.has(a.path) ? { contents: transformed.get(a.path), loader: 'js' } : undefined));
    },
  };
  // What a build that stopped half-way left (its process gone).
  for (const f of readdirSync(dirname(bundleDir))) {
    const m = f.match(/^bundle\.(?:tmp|old)-(\d+)$/);
    if (!m) continue;
    try {
      process.kill(Number(m[1]), 0);
    } catch (e) {
      if (e.code === 'ESRCH') rmSync(join(dirname(bundleDir), f), { recursive: true, force: true });
    }
  }
  const tmp = `${bundleDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  let result;
  try {
    result = await esbuild.build({
      entryPoints: entries, outdir: tmp, absWorkingDir: root, bundle: true, splitting: true, format: 'esm', platform: 'node',
      target: 'node22', packages: 'external', chunkNames: 'chunk-[hash]', metafile: true, write: true, logLevel: 'warning',
      plugins: [plugin],
      // A require the bundle leaves (Node's modules, npm packages, the entry points above) is
      // resolved from the file it is in.
      banner: { js: `import { createRequire as __kasperCreateRequire } from 'node:module';\nconst require = __kasperCreateRequire(import.meta.url);` },
    });
  } catch (e) {
    // The command still runs, unbundled (and the start-up tests fail, so it is seen).
    process.stdout.write(`kasper build: the command could not be bundled, it runs unbundled: ${e.message}\n`);
    rmSync(tmp, { recursive: true, force: true });
    rmSync(bundleDir, { recursive: true, force: true });
    return;
  }
  /** Which packages each file of the bundle holds, for the start-up tests' tracer. */
  const held = {};
  for (const [out, { inputs }] of Object.entries(result.metafile.outputs)) {
    const names = new Set();
    for (const input of Object.keys(inputs)) {
      const m = input.match(/^packages\/([^/]+)\//);
      if (m) names.add(`@kasper/${m[1]}`);
      if (input.startsWith('kasper-classic:')) names.add(classic.package); // (its facade: loading it runs the script)
    }
    held[out.split('/').pop()] = [...names].sort();
  }
  held[classic.file] = [classic.package];
  writeFileSync(join(tmp, classic.file), classic.text, 'latin1');
  writeFileSync(join(tmp, 'packages.json'), JSON.stringify(held, null, 1));
  // V8 keeps each file's source text for as long as the process lives (functions are compiled
  // when first called), one byte a character — unless one character is beyond Latin-1, and then
  // two bytes for every character of the file: one `…` in a comment doubled the providers'
  // 200 KB chunk in every agent run. esbuild writes code in ASCII (its default charset escapes
  // strings, templates and regular expressions), so what is left beyond Latin-1 is in comments
  // kept from the sources: written there as `\uXXXX`, which a comment does not read.
  for (const out of Object.keys(result.metafile.outputs)) {
    const file = join(tmp, out.split('/').pop());
    const text = readFileSync(file, 'utf8');
    if (/[^\u0000-\u00ff]/.test(text)) writeFileSync(file, text.replace(/[^\u0000-\u00ff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  }
  const old = `${bundleDir}.old-${process.pid}`;
  if (existsSync(bundleDir)) renameSync(bundleDir, old);
  try {
    renameSync(tmp, bundleDir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another build put its own there meanwhile
  }
  rmSync(old, { recursive: true, force: true });
  process.stdout.write(`kasper build: the command bundled into ${Object.keys(result.metafile.outputs).length} files\n`);
}

/**
 * The language package (its emitted modules as the bundle transforms them, `transformed`) as one
 * classic script, dist/bundle/language.js, which packages/cli/src/script-cache.ts runs with a V8
 * code cache made after the script has worked: it then holds the lexer's, parser's and
 * validator's functions, which V8 compiles lazily, where Node's compile cache of an ES module holds
 * what was compiled before it ran, little more than its top level (docs/performance.md).
 *
 * The script is CommonJS wrapped in a function of (module, exports, require, url, resolve): `url`
 * and `resolve` stand for its modules' `import.meta.url` and `import.meta.resolve`; its `require`
 * of another package of the bundle (`kasper-classic:PATH`, @kasper/diagnostics) gives the ES module
 * the rest of the bundle uses, imported by the facade, so no class or table exists twice in a
 * process. The facade, an ES module in the bundle in place of every module of the package (the
 * check worker, an entry point of its own, excepted), runs the script and exports its exports.
 * `entries`: the bundle's entry points, which requires inside the package (chevrotain's parser)
 * added; those are bundled into the script here (lazily evaluated, as they were loaded). `distOf`:
 * whether a file is an emitted module of the bundle (another package's: required from the facade).
 */
async function classicScript(esbuild, transformed, entries, distOf) {
  const pkg = '@kasper/language';
  const dist = join(packagesDir, 'language', 'dist');
  const worker = join(dist, 'check-worker.js');
  const holds = (file) => file.startsWith(dist + sep) && file !== worker;
  const external = new Map(); // require name in the script → the module's file
  const result = await esbuild.build({
    stdin: { contents: `export * from './index.js';\nexport * from './check-pool.js';\n`, resolveDir: dist, sourcefile: 'language-classic.js', loader: 'js' },
    bundle: true, format: 'cjs', platform: 'node', target: 'node22', packages: 'external', write: false, logLevel: 'warning',
    define: { 'import.meta.url': '__kasperUrl', 'import.meta.resolve': '__kasperResolve' },
    plugins: [{
      name: 'kasper-classic',
      setup(build) {
        build.onResolve({ filter: /^kasper-entry:/ }, (a) => {
          const file = entries[a.path.slice('kasper-entry:'.length)];
          if (!file || !holds(file)) throw new Error(`kasper build: the language script requires ${a.path}, outside the package`);
          return { path: file };
        });
        build.onResolve({ filter: /^\./ }, (a) => {
          const target = join(a.resolveDir, a.path);
          if (holds(target)) return { path: target };
          if (!distOf(target)) return undefined;
          const name = `kasper-classic:${relative(packagesDir, target).split(sep).join('/')}`;
          external.set(name, target);
          return { path: name, external: true };
        });
        build.onLoad({ filter: /\.js$/ }, (a) => (transformed.has(a.path) ? { contents: transformed.get(a.path), loader: 'js' } : undefined));
      },
    }],
  });
  // In ASCII (esbuild escapes strings and regular expressions; comments kept from the sources may
  // hold other characters), read back as Latin-1: one byte a character, no decoding.
  const body = result.outputFiles[0].text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const text = `(function (module, exports, require, __kasperUrl, __kasperResolve) {\n${body}\n})\n`;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  // Its exports, by running it (with the emitted modules it requires): the facade names each.
  const module = { exports: {} };
  const imports = new Map();
  for (const [name, file] of external) imports.set(name, await import(pathToFileURL(file).href));
  const { runInThisContext } = await import('node:vm');
  const url = pathToFileURL(join(dist, 'index.js')).href;
  runInThisContext(text, { filename: 'language.js' })(module, module.exports, (id) => (imports.has(id) ? imports.get(id) : requireHere(id)), url, (s) => import.meta.resolve(s, url));
  const names = Object.keys(module.exports).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k));
  const load = `${pathToFileURL(join(packagesDir, 'cli', 'dist', 'script-cache.js')).href}`;
  const facade = [
    ...[...external.values()].map((file, i) => `import * as m${i} from ${JSON.stringify(file)};`),
    `import { runClassicScript } from ${JSON.stringify(fileURLToPath(load))};`,
    `const script = runClassicScript(new URL('./language.js', import.meta.url), 'language', ${JSON.stringify(hash)}, {`,
    ...[...external.keys()].map((name, i) => `  ${JSON.stringify(name)}: m${i},`),
    '}, (s) => import.meta.resolve(s));',
    `export const { ${names.join(', ')} } = script;`,
  ].join('\n');
  return { name: 'language', file: 'language.js', package: pkg, text, hash, holds, facade };
}
