// What the providers' unit tests share: resources written as data, a host that says what it
// has, and a context whose executor is a RecordedExecutor, so a test decides what each command
// answers and reads back every command a provider ran, in order.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { FileBucket, ProviderError, RecordedExecutor, type Host, type ProviderContext, type Resource } from '../src/index.ts';

const NAMEVARS: Record<string, string> = { file: 'path', exec: 'command' };

/** `res('file', '/etc/motd', { mode: '0644' })`: the resource as the agent hands it to a type or provider. */
export function res(type: string, title: string, params: Record<string, unknown> = {}): Resource {
  const namevar = NAMEVARS[type] ?? 'name';
  const name = typeof params[namevar] === 'string' ? (params[namevar] as string) : title;
  return { type, title, ref: `${type[0].toUpperCase()}${type.slice(1)}[${title}]`, name, params, tags: [type] };
}

/** A Debian host under systemd that has every command, unless told otherwise. */
export function host(overrides: Partial<Host> & { commands?: string[] } = {}): Host {
  const { commands, ...rest } = overrides;
  return { osFamily: 'Debian', initSystem: 'systemd', hasCommand: (c) => (commands ? commands.includes(c) : true), ...rest };
}

export function tempDir(prefix = 'kasper-providers-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A context on a recording executor; `logs` collects what the provider logged. */
export function context(exec = new RecordedExecutor(), h: Host = host()): ProviderContext & { exec: RecordedExecutor; logs: string[] } {
  const logs: string[] = [];
  return {
    noop: false, exec, host: h, cache: new Map(), bucket: new FileBucket(join(tempDir('kasper-bucket-'), 'bucket')),
    log: { info: (m) => logs.push(`info: ${m}`), warn: (m) => logs.push(`warn: ${m}`), debug: () => {} },
    logs,
  };
}

/** Asserts that `f` throws (or rejects with) the catalogue's error `code`, with a message matching `message`. */
export async function assertRaises(f: () => unknown, code: string, message?: RegExp | string): Promise<void> {
  let thrown: unknown;
  try {
    await f();
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown instanceof ProviderError, `expected ${code}, got ${thrown === undefined ? 'no error' : String(thrown)}`);
  assert.equal(thrown.code, code, thrown.message);
  if (typeof message === 'string') assert.equal(thrown.message, message);
  else if (message) assert.match(thrown.message, message);
}
