// The parser fuzzers' inputs (test/fuzz/parser-fuzz.test.ts, fast-parser.test.ts): a fixed, sorted
// corpus of real Puppet code (this repository's manifests and negative cases, and every Puppet
// module package of Debian, fetched when not installed: module-corpus.ts), so every machine
// fuzzes the same files, and the mutations made of them.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { debianModuleSources } from './module-corpus.ts';

const root = join(import.meta.dirname, '../..');

const FRAGMENTS = [
  '{', '}', '(', ')', '[', ']', '|', ',', ';', ':', '=>', '+>', '->', '~>', '<-', '<~', '<|', '|>', '<<|', '|>>',
  '$', '${', '"', "'", '/', '@(', '@@', '@', '*', '?', '=~', '!~', '<%', '%>', '<%=', '-%>', '\\', '\n', ' ',
  'class', 'define', 'node', 'if', 'elsif', 'else', 'unless', 'case', 'default', 'function', 'type', 'inherits',
  'undef', 'true', 'and', 'or', 'in', '$x', 'File', 'file', 'Integer[1,', '0x', '1e', '"${', '@("E")\n', '|-E',
];
/** Fragments repeated many times: nesting and chains far beyond what real code does. */
const REPEATED = ['[', '(', '{', '"${', '-', '!', '@', '$x + ', '$x -> ', '.x', '[0]', 'if $x {', '} elsif $x {', '$x = ', 'f(', '$x ? { 1 => '];

export interface Seed {
  name: string;
  /** The name without the folder the corpus is in, the same on every machine. */
  key: string;
  text: string;
}

let cached: { seeds: Seed[]; description: string } | { reason: string } | undefined;

function load(): { seeds: Seed[]; description: string } | { reason: string } {
  const modules = debianModuleSources();
  if (!('dir' in modules)) return modules;
  const seeds: Seed[] = [];
  for (const dir of ['manifests', 'modules', 'test/negative/cases']) {
    for (const f of (readdirSync(join(root, dir), { recursive: true }) as string[]).sort()) {
      if (f.endsWith('.pp') || f.endsWith('.epp')) seeds.push({ name: join(dir, f), key: join(dir, f), text: readFileSync(join(root, dir, f), 'utf8') });
    }
  }
  // Real modules make the best seeds: every construct, at real sizes.
  for (const f of modules.files) seeds.push({ name: join(modules.dir, f), key: `debian/${f}`, text: readFileSync(join(modules.dir, f), 'utf8') });
  seeds.push({ name: 'inline.pp', key: 'inline.pp', text: 'class a::b(Optional[String[1]] $x = "v${y}") inherits a {\n  $h = { k => [1, 2.5, 0x1F], "q" => @("T"/L)\n    text $x\n    | T\n  }\n  File <| tag == "x" |> -> Service["s"]\n  case $x { /a(b)/: { notice($1) } default: { } }\n}\n' });
  const hash = createHash('sha256');
  for (const s of seeds) hash.update(s.key).update('\0').update(s.text).update('\0');
  const chars = seeds.reduce((n, s) => n + s.text.length, 0);
  return { seeds, description: `${seeds.length} files (${modules.files.length} from Debian's module packages in ${modules.dir}), ${chars} characters, sha256 ${hash.digest('hex').slice(0, 12)}` };
}

export function mutate(text: string, rnd: () => number): string {
  const at = () => Math.floor(rnd() * (text.length + 1));
  switch (Math.floor(rnd() * 7)) {
    case 0: { const a = at(); const b = Math.min(text.length, a + Math.floor(rnd() * 20)); return text.slice(0, a) + text.slice(b); }
    case 1: { const a = at(); return text.slice(0, a) + FRAGMENTS[Math.floor(rnd() * FRAGMENTS.length)] + text.slice(a); }
    case 2: { const a = at(); const b = Math.min(text.length, a + Math.floor(rnd() * 40)); const c = at(); return text.slice(0, c) + text.slice(a, b) + text.slice(c); }
    case 3: return text.slice(0, at());
    case 4: { const a = at(); return text.slice(0, a) + String.fromCharCode(Math.floor(rnd() * 0x2500)) + text.slice(a + 1); }
    case 5: { const a = at(); return text.slice(0, a) + REPEATED[Math.floor(rnd() * REPEATED.length)].repeat(1 + Math.floor(rnd() * 3000)) + text.slice(a); }
    default: { const a = at(); return text.slice(0, a) + text.slice(a).split('').reverse().slice(0, 5).join('') + text.slice(a + 5); }
  }
}


/** The corpus (read once per process), or why there is none. */
export function fuzzCorpus(): { seeds: Seed[]; description: string } | { reason: string } {
  return (cached ??= load());
}
