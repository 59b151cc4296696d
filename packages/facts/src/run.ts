// A command's output as a promise: what util.promisify(execFile) gives, without loading node:util
// (which brings parse_args, its diff and colour helpers: ~2 ms of every command collecting facts).
// node:child_process (with net, dgram and their helpers, ~2–4 ms) is loaded on the first command
// run, not with the package: `kasper compile` loads the facts package and runs no command.
import type { ExecFileOptions } from 'node:child_process';

/** Runs `file` with `args`; resolves to its output, rejects with execFile's error (code, killed, stdout, stderr). */
export function run(file: string, args: string[], options: ExecFileOptions): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    process.getBuiltinModule('node:child_process').execFile(file, args, { ...options, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stdout, stderr }));
      else resolve({ stdout, stderr });
    });
  });
}
