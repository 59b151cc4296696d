// Settings: flags win over kasper.conf, the command's section over [main], kasper.conf over
// defaults; defaults follow other settings; bad values are errors naming where they were.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDiagnostic } from '@kasper/diagnostics';
import { Resolver, SETTINGS, SETTING_NAMES, SettingsError, parseConf, printSettings, resolveSettings, settingsOfSection, type ResolveOptions } from '../src/index.ts';

const host = { root: false, home: '/home/u', hostname: () => 'box', fqdn: async () => 'box.example.com' };

function confdir(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-settings-'));
  writeFileSync(join(dir, 'kasper.conf'), text);
  return dir;
}

test('kasper.conf: sections, comments, [server] as [master]; malformed lines are errors with their line', () => {
  assert.deepEqual(parseConf('# top\nserver = m.example.com\n\n[agent]\nruninterval = 60\n[server]\nport=8141\n'), {
    main: { server: 'm.example.com' }, agent: { runinterval: '60' }, master: { port: '8141' },
  });
  const text = '# the agent\n  port: 8140\n';
  assert.throws(() => parseConf(text, '/etc/kasper/kasper.conf'), (e: unknown) => {
    assert.ok(e instanceof SettingsError);
    assert.equal(e.code, 'KSP-SETTINGS-002');
    assert.deepEqual(e.location, { file: '/etc/kasper/kasper.conf', line: 2, column: 3, endLine: 2, endColumn: 13 });
    assert.equal(formatDiagnostic(e.toJSON(), text), [
      "/etc/kasper/kasper.conf:2:3: error: expected 'key = value' or '[section]', found 'port: 8140' [KSP-SETTINGS-002]",
      '2 |   port: 8140',
      '      ^~~~~~~~~~',
    ].join('\n'));
    return true;
  });
  assert.throws(() => parseConf('[nosuch]\n'), { code: 'KSP-SETTINGS-001', message: 'unknown section [nosuch] (main, master, agent or user)', location: { file: 'kasper.conf', line: 1, column: 1, endLine: 1, endColumn: 9 } });
});

test('flags win over kasper.conf, the command\'s section over [main], kasper.conf over defaults', async () => {
  const dir = confdir('server = main.example.com\nport = 9000\nruninterval = 600\n[agent]\nport = 9001\nnoop = true\n[master]\nport = 9002\n');
  const agent = await resolveSettings('agent', { host, flags: { confdir: dir, server: 'flag.example.com' } });
  assert.equal(agent.server, 'flag.example.com');
  assert.equal(agent.port, 9001);
  assert.equal(agent.runinterval, 600);
  assert.equal(agent.noop, true);
  assert.equal(agent.splay, 0);
  const master = await resolveSettings('master', { host, flags: { confdir: dir } });
  assert.equal(master.port, 9002);
  assert.equal(master.bind, '0.0.0.0');
  const r = new Resolver('agent', { host, flags: { confdir: dir, server: 'x' } });
  assert.deepEqual(await Promise.all(['server', 'port', 'runinterval', 'splay'].map((n) => r.source(n as never))),
    ['flag', 'kasper.conf [agent]', 'kasper.conf [main]', 'default']);
});

test('defaults follow the host and other settings', async () => {
  const dir = confdir('vardir = /srv/kasper\n');
  const agent = await resolveSettings('agent', { host, flags: { confdir: dir } });
  assert.equal(agent.certname, 'box.example.com', "an agent's certname is its fqdn");
  assert.equal(agent.logdest, '/srv/kasper/log/kasper.log');
  assert.equal(agent.plugindest, '/srv/kasper/lib');
  assert.equal(agent.pluginsync, true);
  assert.equal(agent.waitforcert, 120);
  assert.equal((await resolveSettings('agent', { host, flags: { confdir: dir, onetime: true } })).waitforcert, 0);
  const master = await resolveSettings('master', { host, flags: { confdir: dir, certname: 'puppet' } });
  assert.deepEqual(master.dns_alt_names, ['puppet', 'localhost']);
  assert.equal(master.storage, '/srv/kasper/kasper.db');
  assert.equal(master.environmentpath, join(dir, 'environments'));
  assert.equal((await resolveSettings('master', { host, flags: { confdir: dir } })).certname, 'box', "the master's is the host name");
  const home = await resolveSettings('apply', { host, conf: {} });
  assert.equal(home.confdir, '/home/u/.kasper/etc');
  assert.equal(home.vardir, '/home/u/.kasper/var');
  const root = await resolveSettings('apply', { host: { ...host, root: true }, conf: {} });
  assert.deepEqual([root.confdir, root.vardir], ['/etc/kasper', '/var/lib/kasper']);
});

test('a command gets exactly the settings it uses, and the fqdn is only asked for when needed', async () => {
  let asked = 0;
  const options: ResolveOptions = { host: { ...host, fqdn: async () => { asked++; return 'x.example.com'; } }, conf: {} };
  const apply = await resolveSettings('apply', options);
  assert.deepEqual(Object.keys(apply).sort(), SETTING_NAMES.filter((n) => (SETTINGS[n].commands as readonly string[]).includes('apply')));
  assert.ok(!('server' in apply));
  assert.equal(asked, 0);
  await resolveSettings('agent', options);
  assert.equal(asked, 1);
});

test('values are typed; a bad one is an error naming where it was', async () => {
  const dir = confdir('basemodulepath = /a:/b\nautosign = *.example.com, web01\n[agent]\nport = eighty\n');
  const master = await resolveSettings('master', { host, flags: { confdir: dir } });
  assert.deepEqual(master.basemodulepath, ['/a', '/b']);
  assert.deepEqual(master.autosign, ['*.example.com', 'web01']);
  assert.equal(master.compile_workers, undefined);
  assert.equal((await resolveSettings('master', { host, flags: { confdir: dir, workers: '3' } })).compile_workers, 3);
  await assert.rejects(resolveSettings('agent', { host, flags: { confdir: dir } }), { code: 'KSP-SETTINGS-004', message: "kasper.conf [agent]: port must be a whole number, not 'eighty'" });
  await assert.rejects(resolveSettings('agent', { host, flags: { confdir: dir, port: '-1' } }), /--port: port must be a whole number/);
  await assert.rejects(resolveSettings('apply', { host, conf: { main: { noop: 'yes' } } }), { code: 'KSP-SETTINGS-003', message: "kasper.conf [main]: noop must be true or false, not 'yes'" });
  // digest_algorithm takes Puppet 7's digests only; sha256 by default, as Puppet 7.
  assert.equal((await resolveSettings('apply', { host })).digest_algorithm, 'sha256');
  assert.equal((await resolveSettings('agent', { host, conf: { agent: { digest_algorithm: 'md5' } } })).digest_algorithm, 'md5');
  await assert.rejects(resolveSettings('apply', { host, conf: { main: { digest_algorithm: 'crc32' } } }),
    { code: 'KSP-SETTINGS-006', message: "kasper.conf [main]: digest_algorithm must be one of md5, sha256, sha384, sha512, sha224, not 'crc32'" });
});

test('config print: one name prints its value, several or none print name = value lines', async () => {
  const dir = confdir('server = m.example.com\n[agent]\nruninterval = 60\n');
  const options = { host, flags: { confdir: dir } };
  assert.equal(await printSettings(['server'], 'agent', options), 'm.example.com\n');
  assert.equal(await printSettings(['runinterval', 'server'], 'agent', options), 'runinterval = 60\nserver = m.example.com\n');
  assert.equal(await printSettings(['runinterval'], 'main', options), '1800\n', '[agent] does not apply to [main]');
  const all = await printSettings([], 'agent', options);
  assert.deepEqual(all.trim().split('\n').map((l) => l.split(' = ')[0]), settingsOfSection('agent'));
  assert.match(all, /^certname = box\.example\.com$/m);
  assert.match(all, /^noop = false$/m);
  assert.ok(!/^bind = /m.test(all), "the master's settings are not the agent's");
  assert.match(await printSettings([], 'master', options), /^dns_alt_names = box,localhost$/m);
  await assert.rejects(printSettings(['nosuch'], 'main', options), { code: 'KSP-SETTINGS-005', message: "unknown setting 'nosuch'" });
});
