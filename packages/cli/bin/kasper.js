#!/usr/bin/env -S node --max-semi-space-size=4
// (A smaller young generation: compiles allocate many short-lived objects, and V8's default
// lets it grow to tens of MiB for no gain in speed here; measured: about 25% less peak memory.
// No other V8 flag belongs on this line: V8 refuses Node's built-in code cache under any changed
// flag (this one excepted), and every Node module a command loads outside Node's start-up
// snapshot (streams, child_process, crypto, worker_threads…) is then compiled from its source:
// about 18 ms more CPU for a hundred of them. Flags that pay are set at run time, below, after
// the command's modules are loaded; the embedded Ruby sets its own when it starts.)
// The kasper command. It runs the JavaScript emitted from Kasper's TypeScript sources at install
// (`npm ci` → packages/cli/scripts/build.mjs → packages/*/dist), so no command pays for Node's
// type stripper; without an emitted tree (or with KASPER_FROM_SOURCE=1, for development) it runs
// the sources through Node's type stripping, which needs Node 22.18 or later (Kasper targets 24 LTS).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `kasper needs Node.js 22.18 or later (24 LTS recommended); this is ${process.version}.\n` +
      'Run it through npm (npx kasper …) after `npm ci` in the Kasper checkout, which brings Node 24.\n',
  );
  process.exit(1);
}
// `kasper --version` needs nothing else: answered before any of Kasper (or the TypeScript
// type stripper) is loaded.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { readFileSync } = process.getBuiltinModule('node:fs');
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
  process.exit(0);
}
// V8's optimising tiers (Maglev, TurboFan) pay off in long computations; in a command that lives
// a second they cost memory (compiler zones, optimised code) and CPU for code that is gone before
// it pays back. Measured on a no-change `kasper apply` of 1,000 files: 115 → 96 MiB peak and
// 15% less CPU without them (docs/performance.md). Parses and compiles keep Maglev (below), the
// master every tier.
const command = args[0];
// A run process of the daemon (`kasper agent --daemon-run <json>`, the daemon's flags in the JSON).
const daemonRun = command === 'agent' && args[1] === '--daemon-run' && args.length === 3;
const daemon = command === 'agent' && !daemonRun && !args.includes('--onetime') && !args.includes('--test');
// The daemon becomes each run and the run the daemon again (process.execve, keeping the PID;
// @kasper/agent's supervise.ts): until a signal has a listener it kills the process, and this
// image's listeners come after its modules are loaded. Caught from the first line instead, and
// handed to them (run-clock.ts's takeEarlySignals).
if (daemonRun || (daemon && args.includes('--daemon-resume'))) {
  const early = { signals: new Set(), listener: (signal) => early.signals.add(signal) };
  globalThis[Symbol.for('kasper.earlySignals')] = early;
  process.on('SIGHUP', early.listener);
  process.on('SIGTERM', early.listener);
}
// (Not when running the TypeScript sources, KASPER_FROM_SOURCE: Node's type stripping needs
// WebAssembly, which lite mode, jitless, does not have.)
if (daemon && !process.execArgv.some((a) => a === '--lite-mode' || a === '--no-lite-mode') && typeof process.execve === 'function' && !process.env.KASPER_FROM_SOURCE) {
  // The agent daemon waits most of its life and applies catalogs now and then: V8's lite mode
  // (no optimising compilers, feedback allocated lazily) and a small young generation keep it
  // small (idle 102 → 78 MiB after a 1,000-resource run). Lite mode is chosen when V8 starts, so
  // the process replaces itself once, keeping its PID (signals, pid files, service managers).
  const { fileURLToPath } = process.getBuiltinModule('node:url');
  process.execve(process.execPath, [
    process.execPath, '--lite-mode', '--max-semi-space-size=1',
    ...process.execArgv.filter((a) => !a.startsWith('--max-semi-space-size')),
    fileURLToPath(import.meta.url), ...args,
  ], process.env);
}
// Parsing and compiling keep Maglev (V8's fast optimising tier) but not TurboFan: in a one-shot
// command TurboFan compiles the hot lexer, parser and evaluator functions on a background thread
// and the command ends before that pays back. Measured (CPU, user + system, medians): `parser
// validate` of the generated 5,000-resource site 208 → 165 ms, `compile` of its environment
// 650 → 488 ms, of a 20,000-resource environment 1.42 → 1.16 s, no change for a site that starts
// Ruby (docs/performance.md). The master keeps every tier: it compiles for hours.
const agentSide = ['apply', 'facts', 'resource', 'filebucket'].includes(command) || (command === 'agent' && !daemon);
const compileSide = ['parser', 'compile', 'lookup', 'diff'].includes(command);
// Agent-side commands also keep the young generation at the size it has once the command line is
// loaded (2 MiB; it grows to 8 MiB under --max-semi-space-size=4, which V8 takes only at start):
// a no-change `kasper apply` of 1,000 files 82 → 80 MiB (docs/performance.md).
// Compile-side commands also compile every function of the modules they load after this point
// (the compile action, the compiler, the language, Ruby's JavaScript) when the module is compiled
// (--no-lazy), not on its first call: Node's compile cache keeps the code V8 has when it compiles a
// module, before it runs, so a function compiled on its first call was parsed and compiled again
// in every process (~430 of the compiler's in a compile of Debian's apache module). Measured on
// that compile: 295 → 289 ms of the main thread's CPU, 340 → 326 ms of the process's, +3 MiB;
// the generated 5,000-resource site 199 → 189 ms (docs/performance.md).
// `compile` may start the embedded Ruby: its WebAssembly flags (@kasper/ruby's RUBY_WASM_FLAGS,
// which a test holds equal to these) are set with the others, so that Node caches the command's
// modules under one set of flags whether Ruby starts early, late or not at all.
const rubyWasm = command === 'compile' ? ['--wasm-lazy-validation', '--no-wasm-tier-up', '--no-wasm-dynamic-tiering', '--experimental-wasm-compilation-hints', '--no-wasm-lazy-compilation'] : [];
const tiers = agentSide ? ['--no-maglev', '--no-turbofan', '--semi-space-growth-factor=1'] : compileSide ? ['--no-turbofan', '--no-lazy', ...rubyWasm] : [];
// Cache compiled code (and the type-stripped sources) between runs, in the user's cache folder
// ($XDG_CACHE_HOME or ~/.cache, kasper/compile-cache): most of a short command's time is
// start-up. NODE_COMPILE_CACHE, when set, wins; a folder that cannot be written only means no cache.
try {
  const { enableCompileCache } = process.getBuiltinModule('node:module');
  const { homedir } = process.getBuiltinModule('node:os');
  const { join } = process.getBuiltinModule('node:path');
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  // One folder per set of V8 flags: V8 refuses code cached under other flags, so commands with
  // different flags sharing a folder would overwrite each other's entries, each run refused.
  // (The agent daemon and its run processes run in lite mode: a folder of their own too.)
  const lite = process.execArgv.includes('--lite-mode') ? ['lite-mode'] : [];
  const flags = [...lite, ...tiers.map((f) => f.slice(2))].join('+') || 'default';
  enableCompileCache?.(process.env.NODE_COMPILE_CACHE || join(base, 'kasper', 'compile-cache', flags));
} catch {
  // No cache: the command runs as well, only slower to start.
}
// A reader that stops early (`kasper … | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}
// The emitted JavaScript is run bundled (dist/bundle: a few files instead of ~120 modules) when
// the install could bundle it, else as emitted (packages/cli/scripts/build.mjs).
const { existsSync } = process.getBuiltinModule('node:fs');
// A run process of the daemon starts from an entry point of its own, without the command-line
// parser (agent-run.ts).
const entry = daemonRun ? 'agent-run' : 'main';
// The command line's modules (commander, the commands' definitions) are compiled whole when they
// are compiled (--no-lazy, set back once they are loaded), not each function on its first call:
// Node's compile cache keeps what V8 compiled before a module ran, so every function the command
// line calls was compiled again in every process. Measured (41 and 31 interleaved runs, paired
// medians): 0.8 ms less of the main thread's CPU for `parser validate` of a one-line file and for
// `facts`, 1.1 for a no-change `apply`; 0.9 MiB more (docs/performance.md). Not in lite mode (the
// agent daemon keeps memory first) nor from the sources.
// (What Node loads for them is loaded first, under V8's default flags, from Node's own code cache,
// which V8 refuses under changed ones: node:process, commander's, and the import.meta helper.)
const eager = !process.execArgv.includes('--lite-mode') && !process.env.KASPER_FROM_SOURCE;
const entryFile = process.env.KASPER_FROM_SOURCE ? `../src/${entry}.ts` : existsSync(new URL(`../dist/bundle/${entry}.js`, import.meta.url)) ? `../dist/bundle/${entry}.js` : `../dist/${entry}.js`;
process.getBuiltinModule('node:process');
if (eager) process.getBuiltinModule('node:v8').setFlagsFromString('--no-lazy');
const { main, preload, prestart, runDaemonRun } = await import(entryFile);
if (eager) process.getBuiltinModule('node:v8').setFlagsFromString('--lazy');
// The tiers are chosen now that the command line's modules (and the Node modules they use) are
// loaded under V8's default flags, from Node's code cache: `parser validate` of a one-line file
// 59 → 47 ms of CPU on the main thread against setting them first. `apply` loads its run's
// modules first as well (main.ts's preload).
if (tiers.length) {
  await preload?.(args);
  const { setFlagsFromString } = process.getBuiltinModule('node:v8');
  for (const flag of tiers) setFlagsFromString(flag);
  // Said for worker threads (@kasper/language's check-pool.ts): V8 refuses Node's built-in code
  // cache under changed flags, which doubles a worker's start (24 → 50 ms of CPU), so they start
  // under the default ones.
  globalThis[Symbol.for('kasper.v8Flags')] = tiers;
}
await prestart?.(args);
// The process's warnings are printed as the errors are (a package's coded ones with their code).
// `rerun`: this command line, for the agent daemon's run processes (each a `kasper agent
// --daemon-run`). Not in lite mode: a run resolves the custom facts modules ship and Deferred
// values with Ruby functions in the embedded Ruby, which is WebAssembly, and lite mode (jitless)
// has none — every run of a node whose modules ship a `lib/facter/*.rb` failed. (Lite mode made a
// 1,000-file run's process about 4 MiB smaller; docs/performance.md.)
const { fileURLToPath } = process.getBuiltinModule('node:url');
const rerun = [process.execPath, ...process.execArgv.filter((a) => a !== '--lite-mode'), fileURLToPath(import.meta.url), ...args];
process.exitCode = daemonRun ? await runDaemonRun(args[2], undefined, { warnings: true }) : await main(args, undefined, { warnings: true, rerun });
// The code caches of the bundle's classic scripts (the language package), made now that their code
// has run, where missing or young (packages/cli/src/script-cache.ts).
for (const save of globalThis[Symbol.for('kasper.scriptCaches')]?.splice(0) ?? []) save();
// A parse, compile, lookup, diff or apply ends as soon as its answer is written, rather than
// letting the event loop run dry: V8 would first finish, in idle tasks, the scavenge and
// incremental marking the command's last allocations started, for a heap about to be dropped
// (`parser validate` of the generated site: 87 → 84 ms of the main thread's CPU, 142 → 134 ms of
// the process's; a no-change `kasper apply` of 1,000 files finished a mark-compact of ~9 ms after
// its report was written; docs/performance.md). An apply's report, state and log are written
// synchronously, and its commands waited for. Only when nothing is left unwritten: stdout and
// stderr are synchronous on Linux for files, pipes and terminals, but not on every system. Node
// flushes its compile cache on process.exit() too.
if ((compileSide || command === 'apply') && process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit();
