// The HTML report in a real browser: Debian's Chromium, driven headless by playwright-core. The
// summary table must list the nodes with their counts, a folded text diff must open on a click,
// and the page needs nothing from outside the file. A screenshot is kept in test/output/diff/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { main } from '../../packages/cli/src/main.ts';
import { captureOutput } from '../../packages/cli/src/output.ts';
import { ensureCommands, isRoot, needs } from '../support/host.ts';
import { makeFixture } from './fixture.ts';

// Runs in the page; the project's TypeScript has no DOM library.
declare const getComputedStyle: (el: unknown, pseudo?: string) => { content: string; backgroundColor: string };

const OUTPUT = join(import.meta.dirname, '../output/diff');

test('the HTML report opens in headless Chromium: summary table, one expanded diff, a screenshot', async (t) => {
  const reason = ensureCommands({ chromium: 'chromium' });
  if (!needs(t, reason === null, reason ?? '')) return;
  const fx = makeFixture();
  t.after(() => rmSync(fx.root, { recursive: true, force: true }));
  const file = join(fx.root, 'report.html');
  const code = await main(['diff', '--repo', fx.repo, '--from', 'old', '--to', 'main', '--facts', fx.facts, '--all-nodes', '--format', 'html', '--output', file], captureOutput());
  assert.equal(code, 1);

  // Root in a container cannot use Chromium's sandbox.
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: isRoot ? ['--no-sandbox'] : [] });
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href);
  // Self-contained: the only request is the file itself.
  assert.deepEqual(requests, [pathToFileURL(file).href]);

  const rows = await page.locator('#nodes tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent!.trim())));
  assert.deepEqual(rows.slice(0, 4).map((r) => r.slice(0, 3)), [['db1', 'failed to compile', '1'], ['app1', 'changed', '3'], ['web1', 'changed', '2'], ['web2', 'changed', '2']]);
  const web1 = rows.find((r) => r[0] === 'web1')!;
  assert.deepEqual(web1.slice(3), ['1', '1', web1[5], '1', '2']);
  assert.ok(Number(web1[5]) >= 6, `web1 changed count ${web1[5]}`);
  assert.match(rows[4][0], /^1 node unchanged/);
  // The table lines up: no marker drawn before any row or group box (only before list items).
  const markers = await page.locator('#nodes tr, section.group').evaluateAll((els) => els.map((el) => getComputedStyle(el, '::before').content));
  assert.ok(markers.every((m) => m === 'none' || m === 'normal'), `markers: ${markers.join(' ')}`);

  // The content diff of /etc/motd in the web group starts folded and opens on a click.
  const group = page.locator('#group-2');
  const motd = group.locator('li.changed', { hasText: 'File[/etc/motd]' });
  const added = motd.locator('pre.diff span.add');
  assert.equal(await added.first().isVisible(), false);
  await motd.locator('details.textdiff summary').first().click();
  assert.equal(await added.first().isVisible(), true);
  assert.equal(await added.first().textContent(), '+Managed by Kasper: changes here are overwritten.');
  const color = await added.first().evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.notEqual(color, 'rgba(0, 0, 0, 0)', 'added lines are highlighted');
  // The failed group is marked as such.
  assert.match(await page.locator('#group-1 h2').textContent() ?? '', /failed to compile/);

  mkdirSync(OUTPUT, { recursive: true });
  await motd.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(OUTPUT, 'diff-report.png'), fullPage: true });
});
