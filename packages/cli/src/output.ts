// Where a command writes, and the exit code it settles on; tests capture it instead of the terminal.
export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
  exitCode: number;
  isTTY: boolean;
}

export function createOutput(): Output {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    exitCode: 0,
    isTTY: Boolean(process.stdout.isTTY),
  };
}

export function captureOutput(): Output & { out: string; err: string } {
  const o = {
    out: '',
    err: '',
    exitCode: 0,
    isTTY: false,
    stdout(t: string) { o.out += t; },
    stderr(t: string) { o.err += t; },
  };
  return o;
}
