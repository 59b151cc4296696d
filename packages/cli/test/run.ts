// The `kasper` command run in this process, its output captured: the CLI tests' way in.
import { main } from '../src/main.ts';
import { captureOutput } from '../src/output.ts';

/** Runs `kasper ARGV…`: its exit code, what it printed on stdout and on stderr. */
export async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = captureOutput();
  const code = await main(argv, out);
  return { code, out: out.out, err: out.err };
}
