// The work behind `kasper parser validate|dump`: wiring of @kasper/language to the terminal
// (loaded only when a parser command runs: chevrotain and the grammar are most of its start-up).
import { checkFiles, checkPathsOnOneThread, collectSourceFiles, dumpAst, errorCount, formatDiagnostic, parseFile, type CheckPool, type Diagnostic } from '@kasper/language';
import { printError, type Output } from './output.ts';
import { raise } from './messages.ts';

export interface ValidateOpts { format: string; modulepath?: string }

/** `kasper parser validate`. */
/** `pool`: worker threads started already (startCheckWorkersFor), given to checkFiles. */
export async function runValidate(paths: string[], opts: ValidateOpts, out: Output, pool?: CheckPool): Promise<void> {
  const modulepath = opts.modulepath ? opts.modulepath.split(':').filter((p) => p) : [];
  const print = opts.format !== 'json';
  // Without workers, each path is read as it is listed (no stat of every file first); with them,
  // listed first and shared out (on every core when there are many files); the same files and
  // results, in the order of the files.
  const { files, missing, results } = pool
    ? await (async () => {
      const { files, missing } = collectSourceFiles(paths);
      return { files, missing, results: await checkFiles(files, { modulepath, print, pool }) };
    })()
    : checkPathsOnOneThread(paths, { modulepath, print });
  const all: Diagnostic[] = [];
  let invalidFiles = 0;
  const report: { file: string; diagnostics: Diagnostic[] }[] = [];
  for (const m of missing) {
    printError(out, 'parser validate', raise('KSP-CLI-003', { path: m }));
  }
  for (const r of results) {
    if (r.readError !== undefined) {
      printError(out, 'parser validate', raise('KSP-CLI-004', { file: r.file, reason: r.readError }));
      invalidFiles++;
      continue;
    }
    if (errorCount(r.diagnostics) > 0) invalidFiles++;
    all.push(...r.diagnostics);
    if (opts.format === 'json') report.push({ file: r.file, diagnostics: r.diagnostics });
    else if (r.printed) out.stdout(r.printed);
  }
  const errors = errorCount(all);
  if (opts.format === 'json') {
    out.stdout(JSON.stringify({ files: files.length, invalidFiles, errors, results: report.filter((r) => r.diagnostics.length) }, null, 2) + '\n');
  } else {
    const noun = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
    out.stdout(`${noun(files.length, 'file')} checked: ${errors === 0 ? 'all valid' : `${noun(errors, 'error')} in ${noun(invalidFiles, 'file')}`}\n`);
  }
  out.exitCode = errors > 0 || invalidFiles > 0 || missing.length > 0 || files.length === 0 ? 1 : 0;
  if (files.length === 0 && missing.length === 0) printError(out, 'parser validate', raise('KSP-CLI-005', { paths: paths.join(', ') }));
}

/** `kasper parser dump`. */
export function runDump(file: string, out: Output): void {
  const r = parseFile(file);
  if (!r.result) {
    printError(out, 'parser dump', raise('KSP-CLI-004', { file, reason: r.readError }));
    return;
  }
  const map = r.result.lineMap;
  const json = dumpAst(r.result.program, map);
  out.stdout(json + '\n');
  for (const d of r.result.diagnostics) out.stderr(formatDiagnostic(d, map) + '\n');
  out.exitCode = errorCount(r.result.diagnostics) > 0 ? 1 : 0;
}
