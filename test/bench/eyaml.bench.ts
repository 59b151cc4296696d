// Encrypted Hiera data (hiera-eyaml's format): what decrypting costs a compile, and `kasper
// lookup` of an encrypted key against `puppet lookup` with Debian's hiera-eyaml, pairs
// interleaved. The data (100 values) is encrypted for the test key pair of test/secrets/fixture.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hiera } from '../../packages/compiler/src/index.ts';
import { Keyring, encryptForOutput } from '../../packages/secrets/src/index.ts';
import { hasCommand } from '../support/host.ts';
import { measure, type Measurement } from './measure.ts';
import type { BenchReport } from './parser.bench.ts';

const root = join(import.meta.dirname, '../..');
const fixture = join(root, 'test/secrets/fixture');
const N = 100;

function median(ms: number[]): number {
  const s = [...ms].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function runEyamlBench(): BenchReport {
  const work = mkdtempSync(join(tmpdir(), 'kasper-bench-eyaml-'));
  try {
    const env = join(work, 'production');
    mkdirSync(join(env, 'data'), { recursive: true });
    const keys = new Keyring({ publicKey: join(fixture, 'keys/production/public_key.pkcs7.pem') });
    const t0 = performance.now();
    const encrypted = Array.from({ length: N }, (_x, i) => encryptForOutput(`secret value ${i}`, keys, 'string', `k${i}`));
    const encryptMs = (performance.now() - t0) / N;
    writeFileSync(join(env, 'data', 'common.eyaml'), `---\n${encrypted.join('\n')}\n`);
    writeFileSync(join(env, 'data', 'common.yaml'), `---\n${Array.from({ length: N }, (_x, i) => `p${i}: plain value ${i}`).join('\n')}\n`);
    writeFileSync(join(env, 'hiera.yaml'), `${readFileSync(join(fixture, 'hiera.yaml.in'), 'utf8').replaceAll('@KEYS@', join(fixture, 'keys')).replace('"nodes/%{facts.role}.eyaml"', '"none.eyaml"')}`);
    writeFileSync(join(work, 'facts.yaml'), 'role: web\n');

    // In process, as a compile does: a new Hiera, every key looked up once.
    const scope = { variable: (n: string) => (n === 'environment' ? 'production' : undefined) };
    const run = (prefix: string) => {
      const h = new Hiera([join(env, 'hiera.yaml')], () => undefined);
      const t = performance.now();
      for (let i = 0; i < N; i++) if (!h.lookup(`${prefix}${i}`, scope).found) throw new Error(`${prefix}${i} not found`);
      return performance.now() - t;
    };
    run('k');
    const enc: number[] = [];
    const plain: number[] = [];
    for (let i = 0; i < 5; i++) {
      enc.push(run('k'));
      plain.push(run('p'));
    }
    const encMs = median(enc);
    const plainMs = median(plain);

    const kasper = [join(root, 'packages/cli/bin/kasper.js'), 'lookup', '--environmentpath', work, '--node', 'web01.example.com', '--facts', join(work, 'facts.yaml'), 'k7'];
    const puppet = hasCommand('puppet') && hasCommand('eyaml');
    const puppetArgv = ['puppet', 'lookup', '--environmentpath', work, '--node', 'web01.example.com', '--facts', join(work, 'facts.yaml'), 'k7'];
    const k: Measurement[] = [];
    const p: Measurement[] = [];
    for (let i = 0; i < 3; i++) {
      k.push(measure(kasper, 1));
      if (puppet) p.push(measure(puppetArgv, 1));
    }
    if (k.some((m) => !m.ok)) throw new Error('kasper lookup failed');
    if (p.some((m) => !m.ok)) throw new Error('puppet lookup failed');
    const kMs = median(k.map((m) => m.medianMs));
    const pMs = puppet ? median(p.map((m) => m.medianMs)) : NaN;
    return {
      name: 'eyaml',
      lines: [
        `${N} values encrypted with the test key pair (RSA 2048, AES-256-CBC); medians.`,
        '',
        '| | Kasper | Puppet 7 + hiera-eyaml | Puppet ÷ Kasper |',
        '|---|---|---|---|',
        `| \`lookup\` of one encrypted key, whole command (3 interleaved pairs) | ${kMs.toFixed(0)} ms, ${Math.max(...k.map((m) => m.peakRssMiB)).toFixed(0)} MiB | ${puppet ? `${pMs.toFixed(0)} ms, ${Math.max(...p.map((m) => m.peakRssMiB)).toFixed(0)} MiB` : 'not installed'} | ${puppet ? `${(pMs / kMs).toFixed(1)}×` : '—'} |`,
        `| in process, a compile's Hiera: ${N} encrypted keys | ${encMs.toFixed(0)} ms (${(encMs / N).toFixed(2)} ms a key) | | |`,
        `| in process, the same for ${N} plain keys | ${plainMs.toFixed(0)} ms (${(plainMs / N).toFixed(2)} ms a key) | | |`,
        `| \`kasper secret encrypt\`, one value (in process) | ${encryptMs.toFixed(1)} ms | | |`,
      ],
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
