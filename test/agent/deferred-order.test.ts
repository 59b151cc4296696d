// When Deferred values are resolved, against Puppet 7 (deferred-order/expected-*.txt, recorded
// from `puppet apply` by deferred-order/regenerate.sh): with preprocess_deferred (the default)
// before anything is applied, so a value reading what the run makes fails the run and nothing
// changes; with preprocess_deferred = false (kasper.conf) when its resource comes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../packages/cli/src/main.ts';
import { captureOutput } from '../../packages/cli/src/output.ts';
import { tempDir } from './apply-helpers.ts';

const here = join(import.meta.dirname, 'deferred-order');

for (const variant of ['preprocess', 'lazy'] as const) {
  test(`Deferred values are resolved when Puppet resolves them (preprocess_deferred ${variant === 'lazy' ? 'false' : 'true'})`, async () => {
    const dir = tempDir();
    const root = join(dir, 'root');
    mkdirSync(root);
    mkdirSync(join(dir, 'conf'));
    if (variant === 'lazy') writeFileSync(join(dir, 'conf/kasper.conf'), '[main]\npreprocess_deferred = false\n');
    const manifest = join(dir, 'site.pp');
    writeFileSync(manifest, readFileSync(join(here, 'site.pp'), 'utf8').replaceAll('@ROOT@', root));
    const out = captureOutput();
    await main(['apply', manifest, '--confdir', join(dir, 'conf'), '--vardir', join(dir, 'var')], out);
    const resources = out.out.split('\n').filter((l) => l.startsWith('Notice: /'))
      .map((l) => l.replace(/^Notice: /, '').replaceAll(root, '@ROOT@'));
    const files = readdirSync(root).sort().flatMap((f) => [`== ${f}`, readFileSync(join(root, f), 'utf8').replace(/\n$/, '')]);
    const got = ['# resources', ...resources, '# files', ...files].join('\n') + '\n';
    assert.equal(got, readFileSync(join(here, `expected-${variant}.txt`), 'utf8'), out.out + out.err);
    if (variant === 'preprocess') assert.match(out.err, /KSP-AGENT-040|Could not resolve the Deferred value of File\[.*copy\.txt\]/);
  });
}
