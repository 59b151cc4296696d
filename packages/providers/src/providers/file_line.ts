// file_line's provider: edits the run's copy of the file (see textfile.ts), with stdlib's rules
// for when a line counts as present and where a new one goes.
import { rubyRegExp } from '@kasper/catalog';
import { asBool, asString, type Provider, type ProviderContext, type Resource } from '../api.ts';
import { raise } from '../messages.ts';
import { changeText, prefetchTextFiles, putsLines, splitLines, textFile } from '../textfile.ts';

const chomp = (l: string) => l.replace(/\r?\n$|\r$/, '');

interface Spec {
  path: string;
  line?: string;
  match?: RegExp;
  after?: RegExp;
  present: boolean;
  multiple: boolean;
  replace: boolean;
  all: boolean;
  appendOnNoMatch: boolean;
  matchForAbsence: boolean;
}

/** A Ruby regexp parameter (the catalog's translation); one JavaScript cannot take fails the resource. */
function regexpParameter(r: Resource, parameter: 'match' | 'after'): RegExp | undefined {
  const source = asString(r.params[parameter]);
  if (source === undefined) return undefined;
  try {
    return rubyRegExp(source);
  } catch (e) {
    throw raise('KSP-PROVIDERS-101', { ref: r.ref, parameter, value: source, reason: (e as Error).message });
  }
}

function specOf(r: Resource): Spec {
  const p = r.params;
  return {
    path: String(p.path),
    line: asString(p.line),
    match: regexpParameter(r, 'match'),
    after: regexpParameter(r, 'after'),
    present: (asString(p.ensure) ?? 'present') === 'present',
    multiple: asBool(p.multiple, false),
    replace: asBool(p.replace, true),
    all: asBool(p.replace_all_matches_not_matching_line, false),
    appendOnNoMatch: asBool(p.append_on_no_match, true),
    matchForAbsence: asBool(p.match_for_absence, false),
  };
}

function linesOf(r: Resource, s: Spec, ctx: ProviderContext, noop: boolean): string[] {
  const f = textFile(ctx, s.path);
  if (!f.exists) {
    if (noop) return [];
    throw raise('KSP-PROVIDERS-104', { path: s.path });
  }
  return splitLines(f.text);
}

function countMatches(lines: string[], re: RegExp, s: Spec): number {
  return lines.filter((l) => (s.all && chomp(l) === s.line ? false : re.test(l))).length;
}

/** stdlib's exists?: whether the resource counts as present in these lines. */
function isPresent(lines: string[], s: Spec): boolean {
  const linesCount = lines.filter((l) => chomp(l) === s.line).length;
  if (!s.match) return linesCount > 0;
  const matches = countMatches(lines, s.match, s);
  if (s.present) {
    if (matches === 0) return linesCount > 0 || !s.appendOnNoMatch;
    if (s.all) return false; // every other matching line still has to be replaced
    if (linesCount === 0) return !s.replace;
    return true;
  }
  if (matches === 0) return linesCount > 0;
  if (linesCount === 0) return s.matchForAbsence;
  return true;
}

/** The lines with the resource's line in place; undefined when stdlib leaves the file alone. */
function create(lines: string[], s: Spec, r: Resource): string[] | undefined {
  const line = s.line ?? '';
  if (!s.replace && s.match && countMatches(lines, s.match, s) > 0) return undefined;
  if (s.match) {
    let count = countMatches(lines, s.match, s);
    if (count > 1 && !s.multiple) throw raise('KSP-PROVIDERS-105', { path: s.path, pattern: String(r.params.match) });
    const out: string[] = [];
    for (const l of lines) {
      out.push(s.match.test(l) ? line : l);
      if (count === 0 && s.after && s.after.test(l)) {
        out.push(line);
        count++;
      }
    }
    if (count === 0) out.push(line);
    return out;
  }
  if (s.after) {
    const count = lines.filter((l) => s.after!.test(l)).length;
    if (count > 1 && !s.multiple) throw raise('KSP-PROVIDERS-106', { count, path: s.path, pattern: String(r.params.after) });
    const out: string[] = [];
    for (const l of lines) {
      out.push(l);
      if (s.after.test(l)) out.push(line);
    }
    if (count === 0) out.push(line);
    return out;
  }
  return [...lines, line];
}

function destroy(lines: string[], s: Spec, r: Resource): string {
  if (s.matchForAbsence && s.match) {
    const count = countMatches(lines, s.match, s);
    if (count > 1 && !s.multiple) throw raise('KSP-PROVIDERS-105', { path: s.path, pattern: String(r.params.match) });
    return lines.filter((l) => !s.match!.test(l)).join('');
  }
  return lines.filter((l) => chomp(l) !== s.line).join('');
}

export const fileLineRuby: Provider = {
  name: 'ruby',
  type: 'file_line',
  suitable: () => true,
  isDefault: () => true,
  defersWrites: true,

  prefetch: prefetchTextFiles,

  async retrieve(r, ctx) {
    const s = specOf(r);
    const noop = ctx.noop || r.params.noop === true;
    return { ensure: isPresent(linesOf(r, s, ctx, noop), s) ? 'present' : 'absent' };
  },

  async sync(r, changes, ctx) {
    const s = specOf(r);
    const lines = linesOf(r, s, ctx, false);
    const created = s.present ? create(lines, s, r) : undefined;
    if (s.present && !created) return;
    const text = created ? putsLines(created) : destroy(lines, s, r);
    changeText(ctx, textFile(ctx, s.path), text, r.ref);
  },
};
