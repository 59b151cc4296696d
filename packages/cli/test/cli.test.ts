import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { run } from './run.ts';
import { buildProgram, COMMANDS } from '../src/main.ts';
import { captureOutput } from '../src/output.ts';

const bin = fileURLToPath(new URL('../bin/kasper.js', import.meta.url));

const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function fixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-cli-'));
  made.push(dir);
  mkdirSync(join(dir, 'good', 'templates'), { recursive: true });
  writeFileSync(join(dir, 'good', 'init.pp'), "class good { notify { 'hi': } }\n");
  writeFileSync(join(dir, 'good', 'templates', 't.epp'), '<%- | $x | -%>\n<%= $x %>\n');
  writeFileSync(join(dir, 'good', 'README.txt'), 'not puppet {');
  writeFileSync(join(dir, 'bad.pp'), "class bad {\n  file { '/x' ensure => file }\n}\n");
  return dir;
}

test('parser validate: valid folders exit 0 with a summary; other files are ignored', async () => {
  const dir = fixture();
  const r = await run('parser', 'validate', join(dir, 'good'));
  assert.equal(r.code, 0);
  assert.equal(r.out, '2 files checked: all valid\n');
});

test('parser validate: an invalid file exits 1 with file:line:column, the line and a caret', async () => {
  const dir = fixture();
  const r = await run('parser', 'validate', dir);
  assert.equal(r.code, 1);
  const file = join(dir, 'bad.pp');
  assert.equal(r.out.split('\n').slice(0, 3).join('\n'), [
    `${file}:2:15: error: Syntax error at 'ensure': expected ':' [KSP-PARSE-001]`,
    "2 |   file { '/x' ensure => file }",
    '                  ^~~~~~',
  ].join('\n'));
  assert.match(r.out, /3 files checked: 1 error in 1 file\n$/);
});

test('parser validate --modulepath: module files follow Puppet\'s layout (only definitions, named for their file)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-cli-'));
  made.push(dir);
  mkdirSync(join(dir, 'modules', 'web', 'manifests'), { recursive: true });
  mkdirSync(join(dir, 'modules', 'web', 'examples'), { recursive: true });
  writeFileSync(join(dir, 'modules', 'web', 'manifests', 'init.pp'), "class web { class inner { } }\n");
  writeFileSync(join(dir, 'modules', 'web', 'manifests', 'vhost.pp'), 'define web::site { }\n');
  writeFileSync(join(dir, 'modules', 'web', 'examples', 'init.pp'), 'include web\n');
  // Without a modulepath the files are only parsed: all valid.
  assert.equal((await run('parser', 'validate', join(dir, 'modules'))).code, 0);
  const r = await run('parser', 'validate', '--modulepath', join(dir, 'modules'), join(dir, 'modules'));
  assert.equal(r.code, 1);
  const vhost = join(dir, 'modules', 'web', 'manifests', 'vhost.pp');
  assert.match(r.out, new RegExp(`examples/init.pp:1:1: error: This Function Call is unacceptable as a top level construct in this location \\[KSP-VALID-043\\]`));
  assert.ok(r.out.includes(`${vhost}:1:1: error: Unacceptable location. The name 'web::site' is unacceptable in file '${vhost}' [KSP-VALID-044]`), r.out);
  assert.match(r.out, /3 files checked: 2 errors in 2 files\n$/);
});

test('parser validate --format json lists diagnostics per file', async () => {
  const dir = fixture();
  const r = await run('parser', 'validate', '--format', 'json', dir);
  assert.equal(r.code, 1);
  const j = JSON.parse(r.out);
  assert.equal(j.files, 3);
  assert.equal(j.errors, 1);
  assert.equal(j.results[0].diagnostics[0].start.line, 2);
});

test('parser validate: a missing path is reported and fails', async () => {
  const r = await run('parser', 'validate', '/nonexistent/site.pp');
  assert.equal(r.code, 1);
  assert.equal(r.err, 'kasper parser validate: error: no such file or folder: /nonexistent/site.pp [KSP-CLI-003]\n');
});

test('parser dump prints the syntax tree with line:column ranges', async () => {
  const dir = fixture();
  const r = await run('parser', 'dump', join(dir, 'good', 'init.pp'));
  assert.equal(r.code, 0);
  const tree = JSON.parse(r.out);
  assert.equal(tree.kind, 'Program');
  assert.equal(tree.body[0].kind, 'HostClassDefinition');
  assert.equal(tree.body[0].range, '1:1-1:32');
});

test('--help, --version, help for subcommands, and unknown commands', async () => {
  const help = await run('--help');
  assert.equal(help.code, 0);
  assert.match(help.out, /parser/);
  const version = await run('--version');
  assert.match(version.out, /^\d+\.\d+\.\d+\n$/);
  const sub = await run('parser', 'validate', '--help');
  assert.match(sub.out, /Usage: kasper parser validate/);
  const bad = await run('frobnicate');
  assert.equal(bad.code, 1);
  assert.match(bad.err, /^kasper: error: unknown command 'frobnicate' \[KSP-CLI-002\]\n/);
  const format = await run('parser', 'validate', '--format', 'xml', '.');
  assert.equal(format.code, 1);
  assert.match(format.err, /^kasper parser: error: option '--format <format>' argument 'xml' is invalid\. Allowed choices are text, json\. \[KSP-CLI-002\]\n/);
});

test('a command is built alone when it runs: the same command, options and help as among all of them', () => {
  const all = buildProgram(captureOutput());
  assert.deepEqual(all.commands.map((c) => c.name()), COMMANDS.map(([name]) => name));
  const describe = (c: Command): unknown => ({
    name: c.name(), help: c.helpInformation(), options: c.options.map((o) => o.flags), commands: c.commands.map(describe),
  });
  for (const [name] of COMMANDS) {
    const alone = buildProgram(captureOutput(), undefined, name);
    assert.deepEqual(alone.commands.map((c) => c.name()), [name]);
    assert.deepEqual(describe(alone.commands[0]), describe(all.commands.find((c) => c.name() === name)!), name);
  }
});

test('the installed bin runs under this Node and never prints a stack trace for bad input', () => {
  const dir = fixture();
  writeFileSync(join(dir, 'garbage.pp'), '}}}{{{ @("x \u0000 """ ${ <| |>> /* ');
  const r = spawnSync(process.execPath, [bin, 'parser', 'validate', dir], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.doesNotMatch(r.stdout + r.stderr, /at .*\.ts:\d+|node:internal/);
  assert.match(r.stdout, /garbage\.pp:1:1: error/);
  assert.equal(execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' }).trim().length > 0, true);
});

test('the bin prints a package\'s coded warnings as it prints errors, and goes on', () => {
  const dir = fixture();
  writeFileSync(join(dir, 'broken.json'), '{ not json');
  writeFileSync(join(dir, 'site.txt'), 'site=here\n');
  const r = spawnSync(process.execPath, [bin, 'facts', 'site', '--external-dir', dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '"here"\n');
  assert.match(r.stderr, new RegExp(`^kasper facts: warning: Could not read external facts from ${join(dir, 'broken.json')}: .* \\[KSP-FACTS-001\\]\\n$`));
});
