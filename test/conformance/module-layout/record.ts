// Records what `puppet parser validate` (Puppet 7) says of every .pp file of Debian's module
// packages, validated with the packages' folder as the modulepath (as Debian's Puppet has it by
// default): which files it refuses and why, in expected.json. Run by regenerate.sh.
//
//   node test/conformance/module-layout/record.ts [MODULEPATH]   (default /usr/share/puppet/modules)
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { moduleLayoutFiles, type LayoutGolden } from './layout.ts';

const modulepath = process.argv[2] ?? '/usr/share/puppet/modules';
const files = moduleLayoutFiles(modulepath);
const refused: LayoutGolden['refused'] = {};
const version = execFileSync('puppet', ['--version'], { encoding: 'utf8' }).trim();
for (let i = 0; i < files.length; i += 400) {
  const chunk = files.slice(i, i + 400).map((f) => join(modulepath, f));
  let out = '';
  try {
    out = execFileSync('puppet', ['parser', 'validate', '--color=false', '--modulepath', modulepath, ...chunk], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    out = `${(e as { stdout?: string }).stdout ?? ''}${(e as { stderr?: string }).stderr ?? ''}`;
  }
  for (const line of out.split('\n')) {
    const m = /^Error: (?:Could not parse for environment \w+: )?(.*) \(file: (.*?), line: (\d+), column: \d+\)$/.exec(line);
    if (!m) continue;
    const file = m[2].slice(modulepath.length + 1);
    (refused[file] ??= []).push({ message: m[1].split(`${modulepath}/`).join(''), line: Number(m[3]) });
  }
}
const golden: LayoutGolden = { puppet: version, files, refused };
writeFileSync(join(import.meta.dirname, 'expected.json'), `${JSON.stringify(golden, null, 2)}\n`);
console.log(`Puppet ${version}: ${files.length} files, ${Object.keys(refused).length} refused`);
