// The push diffs kept in <codedir>/diffs: ids by time, two pushes in one millisecond kept apart,
// the newest KEEP_DIFF_REPORTS kept, and only ids this module makes read back.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildReport } from '@kasper/diff';
import { KEEP_DIFF_REPORTS, listDiffReports, readDiffReport, saveDiffReport } from '../src/index.ts';

const codedir = mkdtempSync(join(tmpdir(), 'kasper-diff-reports-'));
after(() => rmSync(codedir, { recursive: true, force: true }));

const report = buildReport({ ref: 'a', resolved: 'a' }, { ref: 'b', resolved: 'b' }, 'production', [], 0, 0);
const save = (branch: string, commit: string, at: Date) => saveDiffReport(codedir, {
  branch, commit, from: report.from, nodes: 'no node', summary: report.summary, gate: 'broken', verdict: 'accepted',
}, report, at);

test('ids sort by time; the same millisecond gets a second id; the newest are kept; ids are checked', () => {
  const t0 = Date.UTC(2026, 11, 1, 6, 0, 0);
  const first = save('production', 'a'.repeat(40), new Date(t0));
  assert.equal(first.id, `20261201T060000000Z-production-${'a'.repeat(12)}`);
  const twin = save('production', 'a'.repeat(40), new Date(t0));
  assert.equal(twin.id, `${first.id}-2`);
  for (let i = 1; i <= KEEP_DIFF_REPORTS; i++) save(i % 2 ? 'testing' : 'production', 'b'.repeat(40), new Date(t0 + i * 1000));
  const all = listDiffReports(codedir);
  assert.equal(all.length, KEEP_DIFF_REPORTS);
  assert.ok(!all.some((r) => r.id.startsWith('20261201T060000000Z')), 'the two oldest are gone');
  assert.equal(readdirSync(join(codedir, 'diffs')).length, KEEP_DIFF_REPORTS * 3, 'with their JSON and HTML');
  assert.ok(!existsSync(first.html));
  assert.equal(listDiffReports(codedir, 'testing').length, KEEP_DIFF_REPORTS / 2);
  assert.deepEqual(readDiffReport(codedir, 'latest').record, all[0]);
  assert.equal(readDiffReport(codedir, all[5].id).report.schema, 'kasper.catalog-diff/v1');
  for (const bad of ['../../etc/passwd', first.id, 'x']) {
    assert.throws(() => readDiffReport(codedir, bad), (e: Error & { code?: string }) => e.code === 'KSP-DEPLOY-010', bad);
  }
});
