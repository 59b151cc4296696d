// A file's validate_cmd (concat passes it on): the new content is checked in a temporary file
// beside the target, `%` replaced by its path; the file is replaced only when the command agrees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SystemExecutor } from '../src/index.ts';
import { filePosix } from '../src/providers/file-posix.ts';
import { assertRaises, context, res, tempDir } from './fixtures.ts';

test('validate_cmd: content that fails the check leaves the file as it was; content that passes replaces it', async () => {
  const dir = tempDir();
  const path = join(dir, 'sudoers');
  writeFileSync(path, 'old\n');
  const ctx = { ...context(), exec: new SystemExecutor() };
  const change = (content: string) => [{ property: 'content', is: Buffer.from('old\n'), should: Buffer.from(content), message: '' }];
  const bad = res('file', path, { content: 'broken\n', validate_cmd: '/bin/grep -q "^ok" %' });
  await assertRaises(() => filePosix.sync(bad, change('broken\n'), ctx), 'KSP-PROVIDERS-029', /returned 1/);
  assert.equal(readFileSync(path, 'utf8'), 'old\n');
  assert.deepEqual(readdirSync(dir), ['sudoers'], 'no temporary file left');
  const good = res('file', path, { content: 'ok\n', validate_cmd: '/bin/grep -q "^ok" %' });
  await filePosix.sync(good, change('ok\n'), ctx);
  assert.equal(readFileSync(path, 'utf8'), 'ok\n');
  assert.ok(existsSync(path));
});
