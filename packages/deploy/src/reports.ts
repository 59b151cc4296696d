// Push diff reports, kept as files beside the repository: <codedir>/diffs/<id>.json (the diff
// report, docs/diff-schema.json), <id>.html (the same, for a browser) and <id>.push.json (what
// `kasper report diffs` lists: the push, its summary and what the gate did). Files rather than
// rows in the master's storage: the hooks run as the account that owns the codedir, which need
// not write to the master's storage, and an HTML report is a file to open.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderHtml, renderJson, type DiffReport, type SideInfo } from '@kasper/diff';
import { writeFileAtomic } from '@kasper/files';
import { raise } from './messages.ts';

/** Reports kept: the newest; older ones are removed when a new one is saved. */
export const KEEP_DIFF_REPORTS = 100;

export interface PushDiffRecord {
  /** `<time>-<branch>-<commit12>`: sorts by time. */
  id: string;
  time: string;
  branch: string;
  commit: string;
  from: SideInfo;
  /** Which nodes were compiled, in words ("3 nodes of environment production"). */
  nodes: string;
  summary: DiffReport['summary'];
  gate: string;
  verdict: 'accepted' | 'refused';
  /** Why it was refused. */
  reason?: string;
  json: string;
  html: string;
}

const ID = /^\d{8}T\d{9}Z-[a-z0-9_]+-[0-9a-f]{12}(-\d+)?$/;

export const diffsDir = (codedir: string) => join(codedir, 'diffs');

/** Saves a push's report (JSON and HTML) and its record; answers the record. */
export function saveDiffReport(codedir: string, record: Omit<PushDiffRecord, 'id' | 'json' | 'html' | 'time'>, report: DiffReport, now = new Date()): PushDiffRecord {
  const dir = diffsDir(codedir);
  mkdirSync(dir, { recursive: true });
  const stamp = now.toISOString().replace(/[-:.]/g, '');
  let id = `${stamp}-${record.branch}-${record.commit.slice(0, 12)}`;
  // The record's file is created first, exclusively (empty until the reports are written; the
  // listing skips it meanwhile): two pushes in the same millisecond get two ids.
  for (let n = 2; ; n++) {
    try {
      writeFileSync(join(dir, `${id}.push.json`), '', { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      id = `${stamp}-${record.branch}-${record.commit.slice(0, 12)}-${n}`;
    }
  }
  const full: PushDiffRecord = { id, time: now.toISOString(), ...record, json: join(dir, `${id}.json`), html: join(dir, `${id}.html`) };
  writeFileAtomic(full.json, renderJson(report));
  writeFileAtomic(full.html, renderHtml(report));
  writeFileAtomic(join(dir, `${id}.push.json`), `${JSON.stringify(full, null, 2)}\n`);
  prune(dir);
  return full;
}

function prune(dir: string): void {
  const ids = readdirSync(dir).filter((f) => f.endsWith('.push.json')).map((f) => f.slice(0, -'.push.json'.length)).sort();
  for (const id of ids.slice(0, Math.max(0, ids.length - KEEP_DIFF_REPORTS))) {
    for (const ext of ['.push.json', '.json', '.html']) rmSync(join(dir, `${id}${ext}`), { force: true });
  }
}

/** The stored push diffs, newest first (only for `branch` when given). */
export function listDiffReports(codedir: string, branch?: string): PushDiffRecord[] {
  const dir = diffsDir(codedir);
  if (!existsSync(dir)) return [];
  const out: PushDiffRecord[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.push.json')).sort().reverse()) {
    try {
      const r = JSON.parse(readFileSync(join(dir, f), 'utf8')) as PushDiffRecord;
      if (!branch || r.branch === branch) out.push(r);
    } catch { /* being written, or damaged: not listed */ }
  }
  return out;
}

/** One push diff: its record and its report. `latest` is the newest. */
export function readDiffReport(codedir: string, id: string): { record: PushDiffRecord; report: DiffReport } {
  const dir = diffsDir(codedir);
  if (id === 'latest') id = listDiffReports(codedir)[0]?.id ?? id;
  const fail = () => raise('KSP-DEPLOY-010', { id, dir, keep: KEEP_DIFF_REPORTS });
  // The id names files: only ids this module makes are read.
  if (!ID.test(id)) throw fail();
  try {
    const record = JSON.parse(readFileSync(join(dir, `${id}.push.json`), 'utf8')) as PushDiffRecord;
    const report = JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8')) as DiffReport;
    return { record, report };
  } catch {
    throw fail();
  }
}
