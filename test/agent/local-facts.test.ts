// The facts `kasper apply` adds to the host's (clientcert, clientversion, clientnoop,
// agent_specified_environment, puppetversion) and its server facts, against what Puppet 7's
// `puppet apply` writes for the same manifest (local-facts/expected-*.txt, recorded by
// local-facts/regenerate.sh). And Debian's concat module, which stops without clientversion,
// compiles under kasper apply, a Deferred fragment content included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../packages/cli/src/main.ts';
import { captureOutput } from '../../packages/cli/src/output.ts';
import { tempDir } from './apply-helpers.ts';
import { needs } from '../support/host.ts';
import { corpusModulepath } from '../support/module-corpus.ts';

const here = join(import.meta.dirname, 'local-facts');

async function kasperApply(dir: string, manifest: string, flags: string[]) {
  const out = captureOutput();
  // An empty confdir: no kasper.conf of this host chooses the environment.
  const code = await main(['apply', manifest, '--confdir', join(dir, 'conf'), '--vardir', join(dir, 'var'), ...flags], out);
  return { code, out };
}

for (const variant of ['default', 'environment'] as const) {
  test(`kasper apply's local and server facts are puppet apply's (${variant === 'default' ? 'no environment chosen' : '--environment production'})`, async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'root'));
    const manifest = join(dir, 'site.pp');
    writeFileSync(manifest, readFileSync(join(here, 'site.pp'), 'utf8').replaceAll('@ROOT@', join(dir, 'root')));
    const { code, out } = await kasperApply(dir, manifest, variant === 'environment' ? ['--environment', 'production'] : []);
    assert.equal(code, 0, JSON.stringify(out));
    assert.equal(readFileSync(join(dir, 'root/facts.txt'), 'utf8'), readFileSync(join(here, `expected-${variant}.txt`), 'utf8'));
  });
}

test("Debian's concat compiles under kasper apply (it compares clientversion), a Deferred fragment kept for the agent", async (t) => {
  const corpus = corpusModulepath();
  if (!needs(t, 'dir' in corpus, 'reason' in corpus ? corpus.reason : '')) return;
  const dir = tempDir();
  const target = join(dir, 'out.conf');
  const manifest = join(dir, 'site.pp');
  writeFileSync(manifest, [
    `concat { '${target}': ensure => present }`,
    `concat::fragment { 'a': target => '${target}', content => "first\\n", order => '01' }`,
    `concat::fragment { 'b': target => '${target}', content => Deferred('join', [['second', "\\n"], '']), order => '02' }`,
  ].join('\n'));
  const catalogFile = join(dir, 'catalog.json');
  const { out } = await kasperApply(dir, manifest, ['--modulepath', (corpus as { dir: string }).dir, '--catalog', catalogFile]);
  // The catalog was compiled (applying concat's Ruby types is the agent types issue's).
  const text = out.out + out.err;
  assert.doesNotMatch(text, /KSP-EVAL|versioncmp/, text);
  const catalog = JSON.parse(readFileSync(catalogFile, 'utf8')) as { resources: { type: string; title: string; parameters?: Record<string, unknown> }[] };
  const fragment = catalog.resources.find((r) => r.type === 'Concat_fragment' && r.title === 'b');
  assert.deepEqual(fragment?.parameters?.content, { __ptype: 'Deferred', name: 'join', arguments: [['second', '\n'], ''] });
});
