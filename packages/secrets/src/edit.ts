// `kasper secret edit FILE`: the file decrypted into a private temporary file, an editor on it,
// the result encrypted again (unchanged values keep their ciphertext) and written atomically,
// the previous version kept as FILE.bak. The clear text is overwritten before it is removed.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { writeFileAtomic } from '@kasper/files';
import { closeEdit, openForEdit, type Keyring } from './eyaml.ts';
import { raise } from './messages.ts';

/** Lines starting with this at the top of the edited text are an explanation, removed on save. */
export const PREAMBLE_PREFIX = '# |';

export const PREAMBLE = [
  'kasper secret edit: values are shown decrypted as DEC(<n>)::PKCS7[<text>]!',
  '(these lines starting with "# |" are removed when you save).',
  ' - change a value between the brackets; keep the (<n>): it tells which value it was,',
  '   and values you leave as they were keep their old encrypted text;',
  ' - add a value as DEC::PKCS7[<text>]! (without a number);',
  ' - a value written over several lines after ">" is kept in that form.',
].map((l) => `${PREAMBLE_PREFIX} ${l}\n`).join('');

export interface EditResult {
  changed: boolean;
  backup?: string;
}

/** The editor eyaml would start: $EDITOR, $VISUAL, then the first of these found. */
export function findEditor(env: NodeJS.ProcessEnv = process.env): string {
  if (env.EDITOR) return env.EDITOR;
  if (env.VISUAL) return env.VISUAL;
  for (const e of ['sensible-editor', 'editor', 'nano', 'vim', 'vi']) {
    if (spawnSync('sh', ['-c', `command -v ${e}`], { stdio: 'ignore' }).status === 0) return e;
  }
  return 'vi';
}

/** Where the clear text is written: memory (/dev/shm) when there is one, in a 0700 folder. */
function privateFolder(): string {
  const base = existsSync('/dev/shm') && statSync('/dev/shm').isDirectory() ? '/dev/shm' : tmpdir();
  return mkdtempSync(join(base, 'kasper-secret-'));
}

function shred(path: string): void {
  try {
    const size = statSync(path).size;
    const fd = openSync(path, 'r+');
    try {
      writeSync(fd, Buffer.alloc(size));
    } finally {
      closeSync(fd);
    }
  } catch {
    // already gone
  }
}

export function editFile(file: string, keys: Keyring, o: { editor?: string; preamble?: boolean } = {}): EditResult {
  const exists = existsSync(file);
  const original = exists ? readFileSync(file, 'utf8') : '---\n';
  const session = openForEdit(original, keys, file);
  const preamble = o.preamble === false ? '' : PREAMBLE;
  const dir = privateFolder();
  const tmp = join(dir, basename(file));
  const editor = o.editor ?? findEditor();
  try {
    writeFileAtomic(tmp, preamble + session.decrypted, 0o600);
    // The editor is a command line, as eyaml and git run it (`code --wait`, `vim -n`).
    const r = spawnSync('sh', ['-c', `${editor} "$1"`, 'editor', tmp], { stdio: 'inherit' });
    if (r.error || r.status !== 0) throw raise('KSP-SECRET-007', { editor, file, reason: r.error ? r.error.message : r.signal ? `signal ${r.signal}` : `exit status ${r.status}` });
    if (!existsSync(tmp)) throw raise('KSP-SECRET-007', { editor, file, reason: 'the edited file was moved away' });
    const lines = readFileSync(tmp, 'utf8').split('\n');
    let i = 0;
    while (i < lines.length && lines[i].startsWith(PREAMBLE_PREFIX)) i++;
    const edited = lines.slice(i).join('\n');
    const text = closeEdit(session, edited, keys, file);
    if (text === null) return { changed: false };
    const mode = exists ? statSync(file).mode & 0o7777 : 0o640;
    let backup: string | undefined;
    if (exists) {
      backup = `${file}.bak`;
      writeFileAtomic(backup, original, mode);
    }
    writeFileAtomic(file, text, mode);
    return { changed: true, backup };
  } finally {
    shred(tmp);
    rmSync(dir, { recursive: true, force: true });
  }
}
