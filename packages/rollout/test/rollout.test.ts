// The parts of a rollout that need no fleet: batch sizes, the progress table and the summary.
// The rollout itself runs against real agents in test/fleet/rolling.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchSize, ProgressPrinter, progressLine, progressTable, RolloutError, summary, type NodeProgress } from '../src/index.ts';

test('--batch: a number of nodes, or a percentage of those chosen (rounded up, at least one)', () => {
  assert.equal(batchSize('1', 10), 1);
  assert.equal(batchSize(3, 10), 3);
  assert.equal(batchSize('20%', 10), 2);
  assert.equal(batchSize('20%', 11), 3);
  assert.equal(batchSize('1%', 4), 1);
  assert.equal(batchSize('100%', 4), 4);
  for (const bad of ['0', '-1', '0%', '150%', 'two', '1.5', '']) {
    assert.throws(() => batchSize(bad, 10), (e: Error) => e instanceof RolloutError && (e as RolloutError).code === 'KSP-ROLLOUT-002', bad);
  }
});

test('the progress table, its lines, and the summary', () => {
  const rows: NodeProgress[] = [
    { node: 'web01.example.com', batch: 1, phase: 'failed', outcome: 'changed', changed: 2, asked: true, detail: 'health check failed: http://web01.example.com/health answered 503', seconds: 4.2 },
    { node: 'web02.example.com', batch: 2, phase: 'untouched' },
    { node: 'db\u001b[2J01', batch: 2, phase: 'untouched' },
  ];
  assert.equal(progressTable(rows), [
    'batch node               phase          time  result',
    '1     web01.example.com  FAILED         4.2s  changed 2, health check failed: http://web01.example.com/health answered 503',
    '2     web02.example.com  untouched            ',
    '2     db [2J01           untouched            ',
    '',
  ].join('\n'));
  assert.equal(progressLine(rows[0]), '[batch 1] web01.example.com: FAILED (changed 2, health check failed: http://web01.example.com/health answered 503)\n');
  const text = summary({ jobId: 'run-x', nodes: rows, batches: 2, stopped: true, ran: ['web01.example.com'], changed: ['web01.example.com'], failed: ['web01.example.com'], untouched: ['web02.example.com', 'db\u001b[2J01'] });
  assert.match(text, /Rollout run-x: STOPPED\n {2}ran: {7}1 {2}web01\.example\.com\n {2}changed: {3}1 {2}web01\.example\.com\n {2}unchanged: 0 {2}—\n {2}failed: {4}1 {2}web01\.example\.com\n {2}web01\.example\.com: health check failed/);
  assert.match(text, /untouched: 2 {2}web02\.example\.com, db \[2J01\n$/);
});

test('on a terminal the table is redrawn in place; notes go above it', () => {
  let text = '';
  const p = new ProgressPrinter((t) => (text += t), true);
  const rows: NodeProgress[] = [{ node: 'a.test', batch: 1, phase: 'running' }, { node: 'b.test', batch: 2, phase: 'waiting' }];
  p.progress(rows[0], rows);
  assert.equal(text, progressTable(rows));
  text = '';
  rows[0].phase = 'done';
  p.progress(rows[0], rows);
  // Three lines drawn: back up three, clear, draw again.
  assert.equal(text, `\u001b[3F\u001b[J${progressTable(rows)}`);
  text = '';
  p.note('stopping');
  assert.equal(text, '\u001b[3F\u001b[Jstopping\n');
  text = '';
  p.progress(rows[1], rows);
  assert.equal(text, progressTable(rows));
  // Not a terminal: a line per change, nothing redrawn.
  const lines: string[] = [];
  new ProgressPrinter((t) => lines.push(t), false).progress(rows[0], rows);
  assert.deepEqual(lines, ['[batch 1] a.test: done\n']);
});
