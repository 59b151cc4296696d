// SQL fragments that carry their parameters, so a statement's `?`s and its values can never
// drift apart, and the JSON operations the two dialects spell differently.
import type { Dialect } from '@kasper/storage';
import { invalid } from './errors.ts';

export class Frag {
  readonly text: string;
  readonly params: readonly unknown[];
  constructor(text: string, params: readonly unknown[] = []) {
    this.text = text;
    this.params = params;
  }
}

/** A fragment from a template: embedded fragments are spliced in, every other value becomes a `?`. */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): Frag {
  let text = strings[0];
  const params: unknown[] = [];
  values.forEach((v, i) => {
    if (v instanceof Frag) {
      text += v.text;
      params.push(...v.params);
    } else {
      text += '?';
      params.push(v);
    }
    text += strings[i + 1];
  });
  return new Frag(text, params);
}

export const raw = (text: string) => new Frag(text);

export function join(frags: readonly Frag[], separator: string): Frag {
  return new Frag(frags.map((f) => f.text).join(separator), frags.flatMap((f) => f.params));
}

export const TRUE = raw('(1 = 1)');
export const FALSE = raw('(1 = 0)');

/** One step into a JSON document: an object key or an array index. */
export type PathStep = string | number;

/** SQLite's JSON path for `->`, `json_extract` and `json_type`: `$."os"."family"[0]`. */
function sqlitePath(path: readonly PathStep[]): string {
  let p = '$';
  for (const s of path) {
    if (typeof s === 'number') p += `[${s}]`;
    else {
      if (s.includes('"')) throw invalid(`a field name with a double quote cannot be matched: ${s}`);
      p += `."${s}"`;
    }
  }
  return p;
}

/** A JSON value in a column (jsonb in PostgreSQL, text in SQLite), or a path inside it. */
export class JsonAt {
  private readonly d: Dialect;
  private readonly base: Frag;
  private readonly path: readonly PathStep[];
  constructor(d: Dialect, base: Frag, path: readonly PathStep[] = []) {
    this.d = d;
    this.base = base;
    this.path = path;
  }

  /** PostgreSQL: the jsonb node. */
  private get node(): Frag {
    return this.path.length ? sql`(${this.base} #> CAST(${this.path.map(String)} AS text[]))` : this.base;
  }

  /** SQLite: the path argument. */
  private get sp(): string {
    return sqlitePath(this.path);
  }

  /** The JSON type: 'string', 'number', 'boolean', 'null', 'array', 'object', or NULL when absent. */
  type(): Frag {
    if (this.d === 'postgres') return sql`jsonb_typeof(${this.node})`;
    return sql`(CASE json_type(${this.base}, ${this.sp}) WHEN 'text' THEN 'string' WHEN 'integer' THEN 'number' WHEN 'real' THEN 'number'
      WHEN 'true' THEN 'boolean' WHEN 'false' THEN 'boolean' ELSE json_type(${this.base}, ${this.sp}) END)`;
  }

  /** The value as it is stored: jsonb in PostgreSQL, JSON text in SQLite (NULL when absent). */
  value(): Frag {
    return this.d === 'postgres' ? this.node : sql`(${this.base} -> ${this.sp})`;
  }

  /** The value as JSON text (NULL when absent). */
  json(): Frag {
    if (this.d === 'postgres') return sql`CAST(${this.node} AS text)`;
    return sql`(${this.base} -> ${this.sp})`;
  }

  /** A string value as text (NULL for anything else). */
  text(): Frag {
    if (this.d === 'postgres') return sql`(CASE WHEN jsonb_typeof(${this.node}) = 'string' THEN ${this.node} #>> '{}' END)`;
    return sql`(CASE WHEN json_type(${this.base}, ${this.sp}) = 'text' THEN json_extract(${this.base}, ${this.sp}) END)`;
  }

  /** Any scalar as text (strings unquoted), as PostgreSQL's `#>> '{}'` gives it. */
  scalarText(): Frag {
    if (this.d === 'postgres') return sql`(${this.node} #>> '{}')`;
    return sql`(CASE json_type(${this.base}, ${this.sp}) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'text' THEN json_extract(${this.base}, ${this.sp})
      ELSE (${this.base} -> ${this.sp}) END)`;
  }

  /** A number value (NULL for anything else). */
  number(): Frag {
    if (this.d === 'postgres') return sql`(CASE WHEN jsonb_typeof(${this.node}) = 'number' THEN CAST(${this.node} #>> '{}' AS double precision) END)`;
    return sql`(CASE WHEN json_type(${this.base}, ${this.sp}) IN ('integer', 'real') THEN json_extract(${this.base}, ${this.sp}) END)`;
  }

  /** Equal to a JSON value of the same type. */
  eq(value: unknown): Frag {
    if (value === null) return this.isNull(true);
    if (typeof value === 'string') {
      if (this.d === 'postgres') return sql`(${this.node} = to_jsonb(CAST(${value} AS text)))`;
      return sql`(json_type(${this.base}, ${this.sp}) = 'text' AND json_extract(${this.base}, ${this.sp}) = ${value})`;
    }
    if (typeof value === 'number') return sql`(${this.number()} = ${value})`;
    if (typeof value === 'boolean') {
      if (this.d === 'postgres') return sql`(${this.node} = CAST(${String(value)} AS jsonb))`;
      return sql`(json_type(${this.base}, ${this.sp}) = ${String(value)})`;
    }
    if (this.d === 'postgres') return sql`(${this.node} = CAST(${JSON.stringify(value)} AS jsonb))`;
    return sql`(json(${this.base} -> ${this.sp}) = json(${JSON.stringify(value)}))`;
  }

  /** `<`, `>`, `<=`, `>=` against a number (numbers only), or a string (strings only). */
  compare(op: string, value: unknown): Frag {
    if (typeof value === 'number') return sql`(${this.number()} ${raw(op)} ${value})`;
    if (typeof value === 'string') return sql`(${this.text()} ${raw(op)} ${value})`;
    throw invalid(`Argument "${JSON.stringify(value)}" and operator "${op}" have incompatible types.`);
  }

  /** A string value matching a regular expression. */
  regex(pattern: string): Frag {
    return regexMatch(this.d, this.text(), pattern);
  }

  /** Absent or JSON null (`null`), or present and not null. */
  isNull(isNull: boolean): Frag {
    const t = this.type();
    return isNull ? sql`(${t} IS NULL OR ${t} = 'null')` : sql`(${t} IS NOT NULL AND ${t} <> 'null')`;
  }

  /** An ordering key that sorts as PostgreSQL sorts jsonb (null < string < number < boolean < array < object). */
  order(): Frag[] {
    if (this.d === 'postgres') return [this.node];
    const t = this.type();
    return [
      sql`(CASE ${t} WHEN 'null' THEN 0 WHEN 'string' THEN 1 WHEN 'number' THEN 2 WHEN 'boolean' THEN 3 WHEN 'array' THEN 4 WHEN 'object' THEN 5 END)`,
      sql`json_extract(${this.base}, ${this.sp})`,
    ];
  }
}

/** `value ~ pattern` (PostgreSQL) or `value REGEXP pattern` (SQLite, through the regexp function the store registers). */
export function regexMatch(d: Dialect, value: Frag, pattern: string): Frag {
  if (typeof pattern !== 'string') throw invalid('A regular expression must be a string');
  return d === 'postgres' ? sql`(${value} ~ ${pattern})` : sql`(${value} REGEXP ${pattern})`;
}

/** A JSON array column (tags, a containment path). */
export class JsonArray {
  private readonly d: Dialect;
  private readonly col: Frag;
  constructor(d: Dialect, col: Frag) {
    this.d = d;
    this.col = col;
  }

  /** One of the elements equals the value. */
  has(value: unknown): Frag {
    const v = typeof value === 'string' ? value : JSON.stringify(value);
    if (this.d === 'postgres') return sql`(${this.col} @> jsonb_build_array(CAST(${v} AS text)))`;
    return sql`EXISTS (SELECT 1 FROM json_each(${this.col}) WHERE value = ${v})`;
  }

  /** One of the elements matches the regular expression. */
  matches(pattern: string): Frag {
    if (this.d === 'postgres') return sql`EXISTS (SELECT 1 FROM jsonb_array_elements_text(${this.col}) AS t(v) WHERE t.v ~ ${pattern})`;
    return sql`EXISTS (SELECT 1 FROM json_each(${this.col}) WHERE value REGEXP ${pattern})`;
  }

  json(): Frag {
    return this.d === 'postgres' ? sql`CAST(${this.col} AS text)` : this.col;
  }
}
