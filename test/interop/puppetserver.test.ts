// Kasper's agent against Debian's puppetserver 7, as a fleet would move its agents first while
// puppetserver stays: a CSR signed with `puppetserver ca sign`, pluginsync of a module's external
// fact (pluginfacts) and of its Kasper type (plugins), facts sent as Puppet's agent sends them
// and used in a template, a catalog compiled by puppetserver with a module file, a recursive
// folder, a Notify and the module's type, the report accepted and stored by puppetserver's
// `store` processor; then a run that changes nothing, a node the classifier puts in another
// environment, noop on drifted files, and a revoked certificate refused with a readable
// message. The mirror image of puppet-agent.test.ts.
//
// puppetserver runs in a temporary folder of its own (test/support/puppetserver.ts: its own
// puppet.conf, CA, code and reports, on a free port), started here and stopped by its process
// group at the end; nothing under /etc/puppet or /var/lib/puppet is read or changed. Starting
// the JVM takes a minute or more.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ensureCommands, isRoot, needs } from '../support/host.ts';
import { startPuppetserver, type Puppetserver } from '../support/puppetserver.ts';

const root = join(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'kasper-interop-puppetserver-'));
const out = join(work, 'out');
const certname = 'kagent.test';
let reason: string | null = isRoot ? null : 'the puppetserver interop test needs root (it installs and runs Debian\'s puppetserver)';
let server: Puppetserver | undefined;
let startError: Error | undefined;
const timings: string[] = [];

interface Run {
  code: number;
  output: string;
}

/** A Kasper agent run against puppetserver, once, with Puppet's detailed exit codes. */
function agent(...extra: string[]): Promise<Run> {
  return agentAs(certname, ...extra);
}

function agentAs(certname: string, ...extra: string[]): Promise<Run> {
  const dir = join(work, certname === 'kagent.test' ? 'agent' : certname);
  const args = [join(root, 'packages/cli/bin/kasper.js'), 'agent', '--onetime', '--detailed-exitcodes', '--server', server!.server, '--port', String(server!.port),
    '--certname', certname, '--confdir', join(dir, 'conf'), '--vardir', join(dir, 'var'), '--waitforcert', '0', ...extra];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { timeout: 180_000, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

const problems = (output: string) => output.split('\n').filter((l) => /^(Error|Warning):/.test(l));

/** The code puppetserver serves: a module with files, a folder, an external fact, a Kasper type (and its Ruby twin for the compiler). */
function writeCode(environmentpath: string): void {
  const write = (path: string, text: string) => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  };
  const prod = join(environmentpath, 'production');
  write(join(prod, 'manifests/site.pp'), 'node default { include site }\n');
  const mod = join(prod, 'modules/site');
  write(join(mod, 'manifests/init.pp'), `class site {
  file { '${out}': ensure => directory }
  file { '${out}/motd': content => epp('site/motd.epp') }
  file { '${out}/from_module.txt': source => 'puppet:///modules/site/a.txt' }
  file { '${out}/conf': ensure => directory, recurse => true, source => 'puppet:///modules/site/conf.d' }
  line { '${out}/line': value => "zone \${facts['site_zone']}", require => File['${out}'] }
  file { '${out}/deferred.txt':
    content => Deferred('sprintf', ["zone=%s secret=%s\\n", Deferred('$facts', ['site_zone']), Deferred('unwrap', [Sensitive('s3cret')])]),
  }
  if $facts['site_greeting'] {
    notify { 'greeting': message => "\${facts['site_greeting']} from puppetserver" }
  }
}
`);
  // The classifier (puppetserver's exec node terminus) puts one node in another environment.
  write(join(environmentpath, 'staging/manifests/site.pp'), `node default {
  file { '${out}': ensure => directory }
  file { '${out}/staging.txt': content => "staging for \${trusted['certname']}\\n" }
}
`);
  write(join(mod, 'templates/motd.epp'), "zone=<%= $facts['site_zone'] %> node=<%= $trusted['certname'] %> os=<%= $facts['os']['family'] %>\n");
  write(join(mod, 'files/a.txt'), 'from the module\n');
  write(join(mod, 'files/conf.d/x.conf'), 'x = 1\n');
  write(join(mod, 'files/conf.d/sub/y.conf'), 'y = 2\n');
  write(join(mod, 'facts.d/site_zone.txt'), 'site_zone=blue\n');
  write(join(mod, 'facts.d/greeting.yaml'), 'site_greeting: hello\n');
  // The compiler's view of the type (puppetserver must know it) and the agent's (Kasper applies it).
  write(join(mod, 'lib/puppet/type/line.rb'), 'Puppet::Type.newtype(:line) do\n  newparam(:path, namevar: true)\n  newproperty(:value)\nend\n');
  write(join(mod, 'lib/kasper/types/line.mjs'), "export const type = { name: 'line', namevar: 'path', properties: [{ name: 'value' }], parameters: ['path'] };\n");
  write(join(mod, 'lib/kasper/providers/line_file.mjs'), `import { existsSync, readFileSync, writeFileSync } from 'node:fs';
export const provider = {
  name: 'line_file', type: 'line', suitable: () => true,
  async retrieve(r) { return { value: existsSync(r.name) ? readFileSync(r.name, 'utf8') : 'absent' }; },
  async sync(r, changes) { writeFileSync(r.name, String(changes[0].should)); },
};
`);
}

before(async () => {
  if (reason) return;
  reason = ensureCommands({ puppetserver: 'puppetserver', java: 'puppetserver' });
  if (reason) return;
  const started = Date.now();
  try {
    const classifier = join(work, 'classifier.sh');
    writeFileSync(classifier, '#!/bin/sh\ncase "$1" in\n  staged.test) printf "environment: staging\\nclasses: []\\n" ;;\n  *) printf "classes: []\\n" ;;\nesac\n', { mode: 0o755 });
    // No base modulepath: Debian's puppetserver would add /usr/share/puppet/modules, whose custom
    // facts then come by pluginsync and fail or not by what this host has installed (ssh's
    // facts run `sshd -V`), as they would under Facter — the run's outcome must not depend on it.
    const noModules = join(work, 'no-modules');
    mkdirSync(noModules, { recursive: true });
    server = await startPuppetserver(join(work, 'puppetserver'), { timeoutMs: 300_000, serverSettings: { node_terminus: 'exec', external_nodes: classifier, basemodulepath: noModules } });
    timings.push(`puppetserver up in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    writeCode(server.environmentpath);
  } catch (e) {
    startError = e as Error;
  }
});
after(async () => {
  await server?.stop();
  if (timings.length) console.log(`# ${timings.join(', ')}`);
  rmSync(work, { recursive: true, force: true });
});

test('the Kasper agent runs against Debian\'s puppetserver 7', async (t) => {
  if (!needs(t, !reason, reason ?? '')) return;
  if (startError) throw startError;
  const ps = server!;
  const timed = async <T>(what: string, f: () => Promise<T>) => {
    const t0 = Date.now();
    const r = await f();
    timings.push(`${what} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return r;
  };

  // 1. A CSR, and nothing more until an operator signs it with puppetserver's own CLI.
  const first = await timed('first run', () => agent());
  assert.equal(first.code, 1, `first run:\n${first.output}`);
  assert.match(first.output, /No certificate for kagent\.test yet .*puppetserver ca sign --certname kagent\.test/, `first run:\n${first.output}`);
  const listed = await ps.ca('list');
  assert.match(listed.output, /kagent\.test/, listed.output);
  const signed = await ps.ca('sign', '--certname', certname);
  assert.equal(signed.code, 0, signed.output);

  // 2. Pluginsync, facts, catalog, apply, report: changes, no error, no warning.
  const run = await timed('converging run', () => agent());
  assert.equal(run.code, 2, `converging run:\n${run.output}`);
  assert.deepEqual(problems(run.output), [], `converging run:\n${run.output}`);
  assert.match(run.output, /Synced external fact site_zone\.txt/);
  assert.match(run.output, /Synced plugin kasper\/types\/line\.mjs/);
  assert.equal(readFileSync(join(out, 'motd'), 'utf8'), 'zone=blue node=kagent.test os=Debian\n', 'the external fact came by pluginfacts, went back with the facts and into the template');
  assert.equal(readFileSync(join(out, 'from_module.txt'), 'utf8'), 'from the module\n');
  // puppetserver's rich Deferred values, resolved by the Kasper agent with the compiler's functions.
  assert.equal(readFileSync(join(out, 'deferred.txt'), 'utf8'), 'zone=blue secret=s3cret\n');
  assert.equal(readFileSync(join(out, 'conf/x.conf'), 'utf8'), 'x = 1\n');
  assert.equal(readFileSync(join(out, 'conf/sub/y.conf'), 'utf8'), 'y = 2\n');
  assert.equal(readFileSync(join(out, 'line'), 'utf8'), 'zone blue', 'the module\'s Kasper type came by pluginsync');
  assert.match(run.output, /Notice: hello from puppetserver/);

  // puppetserver accepted the report and stored it (the `store` processor's YAML) as Puppet's.
  const kept = JSON.parse(readFileSync(join(work, 'agent/var/state/last_run_report.json'), 'utf8'));
  const reportDir = join(ps.reportdir, certname);
  assert.ok(existsSync(reportDir), `puppetserver stored no report for ${certname}:\n${run.output}`);
  const stored = readdirSync(reportDir).map((f) => parse(readFileSync(join(reportDir, f), 'utf8'), { logLevel: 'error' }) as Record<string, unknown>);
  const report = stored.find((r) => r.transaction_uuid === kept.transaction_uuid);
  assert.ok(report, `the run's report (${kept.transaction_uuid}) is among those stored: ${stored.map((r) => r.transaction_uuid).join(', ')}`);
  assert.equal(report.host, certname);
  assert.equal(report.status, 'changed');
  assert.equal(report.report_format, 12);
  assert.equal(report.environment, 'production');
  assert.match(String(report.catalog_uuid), /^[0-9a-f-]{36}$/, 'the report names the catalog puppetserver compiled');
  const statuses = report.resource_statuses as Record<string, { changed: boolean; events: { status: string }[] }>;
  assert.equal(statuses[`File[${out}/conf/sub/y.conf]`].changed, true);
  assert.equal(statuses[`File[${out}/conf/sub/y.conf]`].events[0].status, 'success');
  assert.equal(statuses['Notify[greeting]'].changed, true);

  // 3. The greeting fact leaves the module: the agent's copy goes too, and nothing else changes.
  rmSync(join(ps.environmentpath, 'production/modules/site/facts.d/greeting.yaml'));
  const quiet = await timed('unchanged run', () => agent());
  assert.equal(quiet.code, 0, `unchanged run:\n${quiet.output}`);
  assert.deepEqual(problems(quiet.output), [], `unchanged run:\n${quiet.output}`);
  assert.equal(existsSync(join(work, 'agent/var/facts.d/greeting.yaml')), false);
  assert.doesNotMatch(quiet.output, /Notice: \/Stage/, `unchanged run:\n${quiet.output}`);

  // puppetserver had nothing to complain about in any of it.
  assert.deepEqual(readFileSync(ps.log, 'utf8').split('\n').filter((l) => / ERROR /.test(l)), []);

  // 4. A node puppetserver's classifier puts in another environment: the agent switches to it
  // (its node, pluginsync, catalog, file sources and report all in that environment).
  assert.equal((await agentAs('staged.test')).code, 1);
  assert.equal((await ps.ca('sign', '--certname', 'staged.test')).code, 0);
  const staged = await timed('classified run', () => agentAs('staged.test'));
  assert.equal(staged.code, 2, `classified run:\n${staged.output}`);
  assert.deepEqual(problems(staged.output), [], `classified run:\n${staged.output}`);
  assert.match(staged.output, /The master put staged\.test in environment 'staging' \(asked for 'production'\)/);
  assert.equal(readFileSync(join(out, 'staging.txt'), 'utf8'), 'staging for staged.test\n');
  assert.equal(JSON.parse(readFileSync(join(work, 'staged.test/var/state/last_run_report.json'), 'utf8')).environment, 'staging');

  // 5. Drift, seen in noop: reported with what it would do, nothing touched.
  writeFileSync(join(out, 'from_module.txt'), 'changed by hand\n');
  writeFileSync(join(out, 'conf/x.conf'), 'x = 0\n');
  const noop = await timed('noop run', () => agent('--noop'));
  assert.equal(noop.code, 0, `noop run:\n${noop.output}`);
  assert.deepEqual(problems(noop.output), [], `noop run:\n${noop.output}`);
  for (const drifted of ['from_module.txt', 'conf/x.conf']) {
    const where = `File[${out}/${drifted}]/content: `.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    assert.match(noop.output, new RegExp(`${where}[\\s\\S]*?current_value '\\{sha256\\}[0-9a-f]+', should be '\\{sha256\\}[0-9a-f]+' \\(noop\\)`), `noop run:\n${noop.output}`);
  }
  assert.equal(readFileSync(join(out, 'from_module.txt'), 'utf8'), 'changed by hand\n');
  assert.equal(readFileSync(join(out, 'conf/x.conf'), 'utf8'), 'x = 0\n');

  // 6. Revoked with puppetserver's CLI: refused, and told why in words.
  const revoked = await ps.ca('revoke', '--certname', certname);
  assert.equal(revoked.code, 0, revoked.output);
  // puppetserver enforces it once it has reloaded its CRL, a moment after the CLI returns.
  const ssl = join(work, 'agent/conf/ssl');
  assert.ok(await ps.refuses(readFileSync(join(ssl, `certs/${certname}.pem`)), readFileSync(join(ssl, `private_keys/${certname}.pem`))), 'puppetserver applies the revocation');
  const refused = await timed('refused run', () => agent());
  assert.equal(refused.code, 1, `refused run:\n${refused.output}`);
  assert.match(refused.output, /Error: The certificate of kagent\.test has been revoked/, `refused run:\n${refused.output}`);
  assert.doesNotMatch(refused.output, /CACHED CATALOG/);
  assert.equal(readFileSync(join(out, 'from_module.txt'), 'utf8'), 'changed by hand\n', 'a refused agent applies nothing');
});
