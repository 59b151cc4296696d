// `kasper parser dump`'s output: the AST as JSON, indented by two spaces as JSON.stringify does,
// with each node's offsets written as `line:column-line:column`. Written with an explicit stack
// rather than recursion: the parser accepts expressions as long as a file (`1+1+…` 20,000 times
// is a left-nested chain 20,000 deep), and JSON.stringify would overflow the call stack on them.
// Indentation stops growing past INDENT_LEVELS levels (the JSON stays the same JSON): indenting
// every level would make such a dump quadratic in size (gigabytes for that one line).
import type { LineMap } from './diagnostics.ts';

interface Frame {
  /** `]` or `}`. */
  close: string;
  /** The indentation of the frame's own line. */
  indent: string;
  /** Array entries (key undefined) or object members, still to write. */
  entries: [string | undefined, unknown][];
  next: number;
}

/** A node's offsets as line:column, as a reader can find them in the file. */
function withRange(value: unknown, map: LineMap): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const node = value as { kind?: unknown; start?: unknown; end?: unknown };
    if (typeof node.kind === 'string' && typeof node.start === 'number' && typeof node.end === 'number') {
      const s = map.position(node.start);
      const e = map.position(node.end);
      const { start: _s, end: _e, ...rest } = value as Record<string, unknown>;
      return { ...rest, range: `${s.line}:${s.column}-${e.line}:${e.column}` };
    }
  }
  return value;
}

/** What JSON writes for a value without members; undefined when it has members (or is omitted). */
function scalar(v: unknown): string | undefined {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string': return JSON.stringify(v);
    case 'number': return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean': return String(v);
    case 'bigint': return v.toString();
    default: return undefined;
  }
}

/** Whether JSON leaves the member out of an object (and writes null for it in an array). */
const omitted = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol';

/** Levels of nesting that are indented; deeper ones are written at the last level's indentation. */
const INDENT_LEVELS = 100;
const DEEPEST = ' '.repeat(2 * INDENT_LEVELS);

export function dumpAst(program: unknown, map: LineMap): string {
  const out: string[] = [];
  const stack: Frame[] = [];
  /** Writes a value at the current position: a scalar at once, an array or object as a new frame. */
  const open = (raw: unknown, indent: string) => {
    const v = withRange(raw, map);
    const s = scalar(v);
    if (s !== undefined) return out.push(s);
    if (omitted(v)) return out.push('null');
    const isArray = Array.isArray(v);
    const entries: [string | undefined, unknown][] = isArray
      ? (v as unknown[]).map((x) => [undefined, x])
      : Object.entries(v as object).filter(([, x]) => !omitted(x));
    if (entries.length === 0) return out.push(isArray ? '[]' : '{}');
    out.push(isArray ? '[' : '{');
    stack.push({ close: isArray ? ']' : '}', indent, entries, next: 0 });
  };
  open(program, '');
  while (stack.length > 0) {
    const f = stack[stack.length - 1];
    if (f.next === f.entries.length) {
      out.push(`\n${f.indent}${f.close}`);
      stack.pop();
      continue;
    }
    const [key, value] = f.entries[f.next];
    const inner = f.indent.length < DEEPEST.length ? `${f.indent}  ` : DEEPEST;
    out.push(`${f.next === 0 ? '' : ','}\n${inner}${key === undefined ? '' : `${JSON.stringify(key)}: `}`);
    f.next++;
    open(value, inner);
  }
  return out.join('');
}
