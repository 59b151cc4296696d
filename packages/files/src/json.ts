// JSON.stringify(value, null, 2) in pieces: the members of the top object, and of the objects and
// arrays in it, one piece each, so that a large document (a run's report: 1.6 MB for 1,000
// changed files) is written out without ever being one string in memory. The text is exactly
// JSON.stringify's: a member's own text is JSON.stringify's with its lines indented to its depth
// (JSON text has no line break inside a string), toJSON is called as JSON.stringify calls it, and
// what it cannot show (undefined, functions, symbols) is left out of objects and null in arrays.

/**
 * The pieces of `JSON.stringify(value, null, 2)`, objects and arrays split down to `depth` levels;
 * with `compact`, of `JSON.stringify(value)` (what goes over the wire: a report sent to the master).
 */
export function* jsonChunks(value: unknown, depth = 2, compact = false): Generator<string> {
  yield* piece(jsonValue(value, ''), depth, compact ? undefined : '');
}

/** What JSON.stringify shows of a value: its toJSON's result, when it has one. */
function jsonValue(value: unknown, key: string): unknown {
  const toJSON = value !== null && typeof value === 'object' ? (value as { toJSON?: unknown }).toJSON : undefined;
  return typeof toJSON === 'function' ? (toJSON as (k: string) => unknown).call(value, key) : value;
}

const shown = (v: unknown) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';

/** Where a value's text starts and ends in JSON.stringify's text of it nested in `levels` arrays. */
const shells = new Map<number, { head: number; tail: number }>();

/**
 * An object's JSON.stringify(…, null, 2) text as it stands `indent` deep (two spaces a level):
 * the object nested in as many arrays and stringified, the arrays' text left out by a slice,
 * which shares the text (re-indenting each line with a regular expression copied it: 2.4 MB of
 * strings for a 780 KB report).
 */
function indented(v: object, indent: string): string {
  const levels = indent.length / 2;
  let shell = shells.get(levels);
  if (!shell) {
    const text = JSON.stringify(nest(0, levels), null, 2);
    const head = text.indexOf('0');
    shell = { head, tail: text.length - head - 1 };
    shells.set(levels, shell);
  }
  const text = JSON.stringify(nest(v, levels), null, 2);
  return text.slice(shell.head, text.length - shell.tail);
}

function nest(v: unknown, levels: number): unknown {
  for (let i = 0; i < levels; i++) v = [v];
  return v;
}

/** `indent` undefined: compact (no line breaks, no spaces), as JSON.stringify without its `space`. */
function* piece(v: unknown, depth: number, indent: string | undefined): Generator<string> {
  if (depth <= 0 || v === null || typeof v !== 'object') {
    if (indent === undefined) {
      yield JSON.stringify(v) ?? 'null';
      return;
    }
    yield indent && v !== null && typeof v === 'object' ? indented(v, indent) : JSON.stringify(v, null, 2) ?? 'null';
    return;
  }
  const inner = indent === undefined ? undefined : `${indent}  `;
  // Where a line break and indentation go in the pretty form (nothing in the compact one).
  const brk = (at: string | undefined) => (at === undefined ? '' : `\n${at}`);
  const colon = indent === undefined ? ':' : ': ';
  if (Array.isArray(v)) {
    if (v.length === 0) {
      yield '[]';
      return;
    }
    for (let i = 0; i < v.length; i++) {
      yield `${i ? ',' : '['}${brk(inner)}`;
      const member = jsonValue(v[i], String(i));
      yield* shown(member) ? piece(member, depth - 1, inner) : ['null'];
    }
    yield `${brk(indent)}]`;
    return;
  }
  let first = true;
  for (const [k, raw] of Object.entries(v as Record<string, unknown>)) {
    const member = jsonValue(raw, k);
    if (!shown(member)) continue;
    yield `${first ? '{' : ','}${brk(inner)}${JSON.stringify(k)}${colon}`;
    first = false;
    yield* piece(member, depth - 1, inner);
  }
  yield first ? '{}' : `${brk(indent)}}`;
}
