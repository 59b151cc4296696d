// The AST query language compiled to one SQL statement, for SQLite or PostgreSQL: filters
// (`=`, `<`…, `~`, `~>`, `null?`, `and`/`or`/`not`, `in` with an array or a subquery, implicit
// subqueries, `["fact", name]`, `["parameter", name]`, `node_state`, `latest_report?`, dotted
// fields), projections (`extract`, functions, `group_by`) and paging (`limit`, `offset`,
// `order_by`). Every value travels as a parameter; every field name is looked up in the
// entity's definition, never copied into the SQL.
import { tryPdbTime } from '@kasper/storage';
import { type Ctx, type Dotted, ENTITIES, type Entity, entity as entityNamed, type FieldDef } from './entities.ts';
import { invalid, raise } from './errors.ts';
import { parseField } from './fields.ts';
import { FALSE, type Frag, join, JsonArray, JsonAt, raw, regexMatch, sql, TRUE } from './sql.ts';

export type Kind = 'string' | 'number' | 'boolean' | 'json';

export interface Column {
  name: string;
  kind: Kind;
}

export interface Paging {
  limit?: number;
  offset?: number;
  orderBy?: [string, 'asc' | 'desc'][];
}

/** An ORDER BY key: its expression, `ASC NULLS LAST` or `DESC NULLS FIRST`, and the projected column it is, if one. */
interface OrderKey {
  expr: Frag;
  nulls: string;
  alias?: string;
}

export interface Compiled {
  sql: string;
  params: unknown[];
  columns: Column[];
  /** SQLite: the same query answering one row, `body`, the whole answer as JSON text built by the database. */
  json?: { sql: string; params: unknown[] };
  /** `count(*)` of the unpaged result (`include_total`). */
  count: { sql: string; params: unknown[] };
}

type Ast = unknown;
const isArray = Array.isArray as (v: unknown) => v is unknown[];

const BINARY = new Set(['=', '>', '<', '>=', '<=', '~', '~>']);
const INEQUALITY = new Set(['>', '<', '>=', '<=']);
const FUNCTIONS = new Set(['count', 'avg', 'sum', 'min', 'max', 'to_string', 'jsonb_typeof']);

interface FnCall {
  fn: string;
  args: unknown[];
}

const fieldDef = (e: Entity, name: string): FieldDef => {
  const def = Object.hasOwn(e.fields, name) ? e.fields[name] : undefined;
  if (!def || def.queryable === false) {
    const known = Object.entries(e.fields).filter(([, f]) => f.queryable !== false).map(([k]) => `'${k}'`).join(', ');
    throw raise('KSP-QUERY-002', { field: name, entity: e.name, known });
  }
  return def;
};

const kindOf = (f: FieldDef): Kind => {
  switch (f.type) {
    case 'numeric': return 'number';
    case 'boolean': return 'boolean';
    case 'string': case 'timestamp': return 'string';
    default: return 'json';
  }
};

/** The value of a field as the answer carries it: JSON as text (jsonb cast in PostgreSQL). */
function projectField(c: Ctx, f: FieldDef): Frag {
  const expr = f.sql(c);
  if (kindOf(f) === 'json' && c.d === 'postgres' && !f.textJson) return sql`CAST(${expr} AS text)`;
  return expr;
}

function timestamp(value: unknown): string {
  const t = typeof value === 'string' ? tryPdbTime(value) : undefined;
  if (!t) throw raise('KSP-QUERY-006', { value: String(value) });
  return t;
}

class Compiler {
  private readonly c: Ctx;
  constructor(c: Ctx) {
    this.c = c;
  }

  // -------------------------------------------------------------------------------------------
  // Filters

  cond(e: Entity, node: Ast): Frag {
    if (!isArray(node) || node.length === 0) throw invalid(`${JSON.stringify(node)} is not well-formed: queries must contain at least one operator`);
    const op = typeof node[0] === 'string' ? node[0].toLowerCase() : node[0];
    const args = node.slice(1);
    switch (op) {
      case 'and':
      case 'or': {
        if (!args.length) throw invalid(`'${op}' takes at least one argument, but none were supplied`);
        return sql`(${join(args.map((a) => this.cond(e, a)), op === 'and' ? ' AND ' : ' OR ')})`;
      }
      case 'not':
        if (args.length !== 1) throw invalid(`'not' takes exactly one argument, but ${args.length} were supplied`);
        return sql`(NOT ${this.cond(e, args[0])})`;
      case 'null?':
        if (args.length !== 2 || typeof args[1] !== 'boolean') throw invalid(`Invalid null? clause: ${JSON.stringify(node)}`);
        return this.isNull(e, args[0], args[1]);
      case 'in':
        if (args.length !== 2) throw invalid(`'in' takes a field and an array or a subquery: ${JSON.stringify(node)}`);
        return this.in(e, args[0], args[1]);
      case 'subquery':
        return this.implicitSubquery(e, args);
      default:
        if (typeof op === 'string' && BINARY.has(op)) {
          if (args.length !== 2) throw invalid(`${op} requires exactly two arguments`);
          return this.binary(e, op, args[0], args[1]);
        }
        throw invalid(`${JSON.stringify(node)} is not a valid expression`);
    }
  }

  private binary(e: Entity, op: string, field: Ast, value: Ast): Frag {
    const c = this.c;
    if (isArray(field)) return this.binaryOnCall(e, op, field, value);
    if (typeof field !== 'string') throw invalid(`Invalid ${op} clause: ${JSON.stringify([op, field, value])}`);
    if (op === '=' && field === 'node_state') return this.nodeState(e, value);
    if (op === '=' && field === 'latest_report?' && (e.name === 'reports' || e.name === 'events')) {
      if (typeof value !== 'boolean') throw invalid("'latest_report?' takes true or false");
      const latest = raw(`${e.name === 'reports' ? 'r.id' : 'e.report_id'} IN (SELECT latest_report_id FROM nodes WHERE latest_report_id IS NOT NULL)`);
      return value ? latest : sql`(NOT ${latest})`;
    }
    if (op === '=' && field === 'type' && value === 'any' && e.name === 'reports') return TRUE;
    if (field === 'tag' && e.name === 'resources' && typeof value === 'string') return this.binary(e, op, 'tags', value.toLowerCase());
    if (op === '=' && value === null) return this.isNull(e, field, true);
    const { top, path } = parseField(field);
    if (path.length) return this.dotted(e, field, top, path, (v) => this.jsonOp(v, op, value));
    const f = fieldDef(e, field);
    const expr = f.sql(c);
    if (op === '~>') {
      if (f.type !== 'path') throw invalid(`Query operator ~> is not allowed on field ${field}`);
      return this.pathRegex(expr, value);
    }
    if (INEQUALITY.has(op) && !['numeric', 'timestamp', 'scalar'].includes(f.type)) throw invalid(`Query operators >,>=,<,<= are not allowed on field ${field}`);
    switch (f.type) {
      case 'string':
        if (op === '~') return regexMatch(c.d, expr, value as string);
        return sql`(${expr} = ${scalarParam(value)})`;
      case 'timestamp':
        if (op === '~') return regexMatch(c.d, expr, value as string);
        return sql`(${expr} ${raw(op)} ${timestamp(value)})`;
      case 'numeric':
        if (op === '~') return regexMatch(c.d, sql`CAST(${expr} AS TEXT)`, value as string);
        if (typeof value !== 'number') throw invalid(`Argument "${String(value)}" is incompatible with numeric field "${field}".`);
        return sql`(${expr} ${raw(op)} ${value})`;
      case 'boolean': {
        const b = value === true || value === 'true' ? 1 : value === false || value === 'false' ? 0 : undefined;
        if (op !== '=' || b === undefined) throw invalid(`Invalid ${op} clause on boolean field ${field}: ${JSON.stringify(value)}`);
        return sql`(${expr} = ${b})`;
      }
      case 'array': {
        const a = new JsonArray(c.d, expr);
        if (op === '~') return a.matches(value as string);
        return a.has(value);
      }
      case 'scalar':
        return this.jsonOp(new JsonAt(c.d, expr), op, value);
      case 'path':
        if (op !== '=') throw invalid(`Query operator ${op} is not allowed on field ${field}`);
        return this.pathEquals(expr, value);
      case 'jsonstring':
        if (op === '~') return regexMatch(c.d, expr, value as string);
        return sql`(${expr} = ${JSON.stringify(value)})`;
      default:
        throw invalid(`Query operator ${op} is not allowed on field ${field}`);
    }
  }

  /** `=`, `<`…, `~` on a JSON value: a string matches strings, a number numbers, a boolean booleans. */
  private jsonOp(v: JsonAt, op: string, value: Ast): Frag {
    if (op === '=') return v.eq(value);
    if (op === '~') return v.regex(value as string);
    if (INEQUALITY.has(op)) return v.compare(op, value);
    throw invalid(`Query operator ${op} is not allowed on a JSON value`);
  }

  private dotted(e: Entity, field: string, top: string, path: (string | number)[], cond: (v: JsonAt) => Frag): Frag {
    const f = fieldDef(e, top);
    if (f.type !== 'object' || !f.dot) throw invalid(`'${field}' is not a queryable object for ${e.name}: ${top} has no dotted fields`);
    const d: Dotted = f.dot(this.c, path);
    return d.wrap(cond(d.value));
  }

  private binaryOnCall(e: Entity, op: string, field: unknown[], value: Ast): Frag {
    const c = this.c;
    const [kind, name] = field;
    if (kind === 'fact' && e.name === 'nodes' && typeof name === 'string') {
      // A node whose fact matches: through the fact rows, by name.
      if ((op === '=' || op === '~') && !(typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number')) throw invalid(`Operator '${op}' not allowed on value '${JSON.stringify(value)}'`);
      if (INEQUALITY.has(op) && typeof value !== 'number') throw invalid(`Operator '${op}' not allowed on value '${String(value)}'`);
      return sql`n.name IN (SELECT fv.node FROM fact_values fv WHERE fv.name = ${name} AND ${this.jsonOp(new JsonAt(c.d, raw('fv.value')), op, value)})`;
    }
    if (kind === 'parameter' && e.name === 'resources' && typeof name === 'string' && (op === '=' || op === '~')) {
      // PuppetDB compares a parameter's value as JSON text (and so matches a regex against it too).
      const at = new JsonAt(c.d, raw('cr.parameters'), [name]);
      if (op === '=') return this.parameterEquals(at, value);
      return regexMatch(c.d, at.json(), JSON.stringify(value));
    }
    if (kind === 'node' && name === 'active' && op === '=') return this.nodeState(e, value ? 'active' : 'inactive');
    if (kind === 'function') {
      const fn = String(field[1]);
      if (fn !== 'jsonb_typeof') throw invalid(`${JSON.stringify(fn)} cannot be used in a filter`);
      const arg = String(field[2]);
      const f = fieldDef(e, arg);
      if (f.type !== 'scalar') throw invalid(`jsonb_typeof takes a JSON field, not ${arg}`);
      return sql`(${new JsonAt(c.d, f.sql(c)).type()} = ${value})`;
    }
    throw invalid(`Invalid ${op} clause: ${JSON.stringify([op, field, value])}`);
  }

  private parameterEquals(at: JsonAt, value: unknown): Frag {
    const text = JSON.stringify(value);
    // False, not NULL, for a resource without the parameter: PuppetDB's `not` of it selects that
    // resource (recorded from PuppetDB 7.12 in test/storage/exported/golden.json).
    return this.c.d === 'postgres' ? sql`COALESCE(${at.value()} = CAST(${text} AS jsonb), false)` : sql`COALESCE(${at.json()} = json(${text}), 0)`;
  }

  private nodeState(e: Entity, value: Ast): Frag {
    const state = String(value).toLowerCase();
    if (state === 'any') return TRUE;
    if (state !== 'active' && state !== 'inactive') throw invalid(`node_state is active, inactive or any, not ${JSON.stringify(value)}`);
    if (!e.nodeState) throw invalid(`'node_state' is not a queryable object for ${e.name}`);
    return e.nodeState(this.c, state);
  }

  private isNull(e: Entity, field: Ast, isNull: boolean): Frag {
    if (typeof field !== 'string') throw invalid(`Invalid null? clause on ${JSON.stringify(field)}`);
    const { top, path } = parseField(field);
    if (path.length) {
      const f = fieldDef(e, top);
      if (f.type !== 'object' || !f.dot) throw invalid(`'${field}' is not a queryable object for ${e.name}`);
      const d = f.dot(this.c, path);
      const present = d.wrap(d.value.isNull(false));
      return isNull ? sql`(NOT ${present})` : present;
    }
    const f = fieldDef(e, field);
    if (f.type === 'scalar') return new JsonAt(this.c.d, f.sql(this.c)).isNull(isNull);
    return sql`(${f.sql(this.c)} ${raw(isNull ? 'IS NULL' : 'IS NOT NULL')})`;
  }

  /** A fact path equal to the given one: keys as strings, array indexes as integers. */
  private pathEquals(expr: Frag, value: Ast): Frag {
    if (!isArray(value) || !value.every((s) => typeof s === 'string' || (typeof s === 'number' && Number.isInteger(s)))) {
      throw invalid(`A path is an array of strings and integers: ${JSON.stringify(value)}`);
    }
    return this.c.d === 'postgres' ? sql`(${expr} = CAST(${JSON.stringify(value)} AS jsonb))` : sql`(${expr} = ${JSON.stringify(value)})`;
  }

  /**
   * `~>`: a path of the same length whose elements each match: an integer only the array index
   * it is, a regular expression of digits only keys, any other regular expression keys and indexes.
   */
  private pathRegex(expr: Frag, value: Ast): Frag {
    if (!isArray(value) || !value.length) throw invalid(`~> takes an array of regular expressions and integers: ${JSON.stringify(value)}`);
    const d = this.c.d;
    const conds: Frag[] = [d === 'postgres' ? sql`jsonb_array_length(${expr}) = ${value.length}` : sql`json_array_length(${expr}) = ${value.length}`];
    value.forEach((v, i) => {
      const elemType = d === 'postgres' ? sql`jsonb_typeof(${expr} -> ${raw(String(i))})` : sql`json_type(${expr}, ${`$[${i}]`})`;
      const elemText = d === 'postgres' ? sql`(${expr} ->> ${raw(String(i))})` : sql`CAST(json_extract(${expr}, ${`$[${i}]`}) AS TEXT)`;
      const isIndex = d === 'postgres' ? sql`${elemType} = 'number'` : sql`${elemType} = 'integer'`;
      const isKey = d === 'postgres' ? sql`${elemType} = 'string'` : sql`${elemType} = 'text'`;
      if (typeof v === 'number') conds.push(sql`(${isIndex} AND ${elemText} = ${String(v)})`);
      else if (typeof v === 'string') conds.push(/^\d+$/.test(v) ? sql`(${isKey} AND ${regexMatch(d, elemText, v)})` : regexMatch(d, elemText, v));
      else throw invalid(`~> takes regular expressions and integers, not ${JSON.stringify(v)}`);
    });
    return sql`(${join(conds, ' AND ')})`;
  }

  private in(e: Entity, fields: Ast, target: Ast): Frag {
    const names = typeof fields === 'string' ? [fields] : isArray(fields) && fields.every((x) => typeof x === 'string') ? (fields as string[]) : undefined;
    if (!names?.length) throw invalid(`'in' takes a field or a list of fields: ${JSON.stringify(fields)}`);
    if (!isArray(target)) throw invalid(`'in' takes an array or a subquery: ${JSON.stringify(target)}`);
    if (target[0] === 'array') return this.inArray(e, names, target[1]);
    const sub = this.subqueryPlan(target);
    if (sub.columns.length !== names.length) throw invalid(`'in' with ${names.length} field(s) needs a subquery extracting as many, not ${sub.columns.length}`);
    const outer = names.map((n) => {
      if (n === 'tag') throw invalid("'in' cannot match 'tag'");
      return fieldDef(e, n);
    });
    const inner = sub.columns.map((col, i) => this.coerce(col.field, outer[i], col.expr));
    const subSql = this.select(sub.entity, inner, sub.where, sub.paging, []);
    const lhs = outer.length === 1 ? outer[0].sql(this.c) : sql`(${join(outer.map((f) => f.sql(this.c)), ', ')})`;
    return sql`(${lhs} IN (${subSql}))`;
  }

  /** The inner column's value in the outer field's terms (a fact value compared with a certname…). */
  private coerce(inner: FieldDef, outer: FieldDef, expr: Frag): Frag {
    const json = (t: string) => ['scalar', 'jsonstring'].includes(t);
    if (json(inner.type) && !json(outer.type)) return inner.type === 'scalar' ? new JsonAt(this.c.d, expr).scalarText() : expr;
    if (!json(inner.type) && outer.type === 'scalar') return this.c.d === 'postgres' ? sql`to_jsonb(${expr})` : sql`json_quote(${expr})`;
    return expr;
  }

  private inArray(e: Entity, names: string[], values: Ast): Frag {
    if (names.length !== 1) throw invalid("'in' with an 'array' takes one field");
    if (!isArray(values)) throw invalid("Operator 'array' requires a vector argument");
    if (!values.length) return FALSE;
    const name = names[0];
    const { top, path } = parseField(name);
    if (path.length) return sql`(${join(values.map((v) => this.dotted(e, name, top, path, (at) => at.eq(v))), ' OR ')})`;
    const f = fieldDef(e, name);
    const expr = f.sql(this.c);
    switch (f.type) {
      case 'array': throw invalid("Operator 'in'...'array' is not supported on array types");
      case 'scalar': return sql`(${join(values.map((v) => new JsonAt(this.c.d, expr).eq(v)), ' OR ')})`;
      case 'path': return sql`(${join(values.map((v) => this.pathEquals(expr, v)), ' OR ')})`;
      case 'timestamp': return sql`(${expr} IN (${join(values.map((v) => sql`${timestamp(v)}`), ', ')}))`;
      case 'jsonstring': return sql`(${expr} IN (${join(values.map((v) => sql`${JSON.stringify(v)}`), ', ')}))`;
      case 'boolean': return sql`(${expr} IN (${join(values.map((v) => sql`${v ? 1 : 0}`), ', ')}))`;
      case 'numeric': return sql`(${expr} IN (${join(values.map((v) => sql`${v}`), ', ')}))`;
      default: return sql`(${expr} IN (${join(values.map((v) => sql`${scalarParam(v)}`), ', ')}))`;
    }
  }

  private implicitSubquery(e: Entity, args: Ast[]): Frag {
    const [name, expr] = args;
    if (typeof name !== 'string') throw invalid(`A subquery names an entity: ${JSON.stringify(args)}`);
    const sub = name.replace(/-/g, '_');
    const rel = Object.hasOwn(e.relationships, sub) ? e.relationships[sub] : undefined;
    if (!rel || !ENTITIES[sub]) throw raise('KSP-QUERY-008', { entity: name });
    const target = expr === undefined ? ['extract', rel.foreign, [`select_${sub}`]] : ['extract', rel.foreign, [`select_${sub}`, expr]];
    return this.in(e, rel.local, target);
  }

  /** `["extract", fields, ["select_<entity>", filter]]` or `["from", entity, ["extract", fields, filter], paging…]`. */
  private subqueryPlan(target: unknown[]): { entity: Entity; columns: { name: string; field: FieldDef; expr: Frag }[]; where: Ast; paging: Paging } {
    let ent: Entity;
    let cols: Ast;
    let where: Ast;
    let paging: Paging = {};
    if (target[0] === 'extract') {
      const [, c, sel] = target;
      if (!isArray(sel) || typeof sel[0] !== 'string' || !sel[0].startsWith('select_')) throw invalid(`Unsupported subquery ${JSON.stringify(sel)}`);
      ent = entityNamed(sel[0].slice('select_'.length));
      cols = c;
      where = sel[1];
    } else if (target[0] === 'from') {
      const from = parseFrom(target);
      ent = entityNamed(from.entity);
      if (!isArray(from.query) || from.query[0] !== 'extract') throw invalid(`A subquery of 'in' extracts the fields to match: ${JSON.stringify(target)}`);
      cols = from.query[1];
      where = from.query[2];
      paging = from.paging;
    } else {
      throw invalid(`'in' takes an array or a subquery: ${JSON.stringify(target)}`);
    }
    const names = typeof cols === 'string' ? [cols] : isArray(cols) ? cols : [];
    const columns = names.map((n) => {
      if (typeof n !== 'string') throw invalid(`Can't extract ${JSON.stringify(n)} in a subquery`);
      const field = fieldDef(ent, n);
      return { name: n, field, expr: field.sql(this.c) };
    });
    return { entity: ent, columns, where, paging };
  }

  // -------------------------------------------------------------------------------------------
  // Statements

  /** SELECT exprs FROM entity WHERE … GROUP BY … ORDER BY … LIMIT … OFFSET … */
  select(e: Entity, exprs: Frag[], where: Ast, paging: Paging, groupBy: Frag[], order?: Frag[]): Frag {
    const conds: Frag[] = [];
    if (e.base) conds.push(e.base);
    if (where !== undefined && where !== null) conds.push(this.cond(e, where));
    const from = e.from(this.c, pushdownFilters(where));
    let s = sql`SELECT ${join(exprs, ', ')} FROM ${from}`;
    if (conds.length) s = sql`${s} WHERE ${join(conds, ' AND ')}`;
    if (groupBy.length) s = sql`${s} GROUP BY ${join(groupBy, ', ')}`;
    const orderBy = order ?? this.orderBy(e, paging.orderBy ?? [], new Map()).map((k) => sql`${k.expr} ${raw(k.nulls)}`);
    if (orderBy.length) s = sql`${s} ORDER BY ${join(orderBy, ', ')}`;
    if (paging.limit !== undefined) s = sql`${s} LIMIT ${raw(String(paging.limit))}`;
    if (paging.offset !== undefined) s = sql`${s}${raw(paging.limit === undefined ? (this.c.d === 'sqlite' ? ' LIMIT -1' : '') : '')} OFFSET ${raw(String(paging.offset))}`;
    return s;
  }

  /** ORDER BY keys: an expression (or a projected column's alias) and PostgreSQL's default null placement. */
  orderBy(e: Entity, orderBy: [string, 'asc' | 'desc'][], projected: Map<string, Frag>): OrderKey[] {
    return orderBy.flatMap(([name, dir]): OrderKey[] => {
      const nulls = dir === 'desc' ? 'DESC NULLS FIRST' : 'ASC NULLS LAST';
      const alias = projected.get(name);
      if (alias && !Object.hasOwn(e.fields, name)) return [{ expr: alias, nulls, alias: alias.text }];
      const { top, path } = parseField(name);
      if (path.length) {
        const f = fieldDef(e, top);
        if (!f.dot) throw raise('KSP-QUERY-004', { field: name, known: top });
        return [{ expr: f.dot(this.c, path).project(), nulls }];
      }
      if (!Object.hasOwn(e.fields, name) || e.fields[name].queryable === false) {
        const known = Object.entries(e.fields).filter(([, f]) => f.queryable !== false).map(([k]) => `'${k}'`).join(', ');
        throw raise('KSP-QUERY-004', { field: name, known });
      }
      const f = e.fields[name];
      const keys = f.type === 'scalar' ? new JsonAt(this.c.d, f.sql(this.c)).order() : [f.sql(this.c)];
      return keys.map((k) => ({ expr: k, nulls }));
    });
  }

  /** A function in a projection or group_by: its SQL and the column it answers. */
  call(e: Entity, call: FnCall): { expr: Frag; column: Column } {
    const c = this.c;
    const { fn, args } = call;
    if (!FUNCTIONS.has(fn) || fn === 'jsonb_typeof') throw invalid(`${JSON.stringify(fn)} is not a valid function`);
    const arg = args[0];
    const numeric = (name: string): Frag => {
      const f = fieldDef(e, name);
      if (f.type === 'scalar') return new JsonAt(c.d, f.sql(c)).number();
      if (f.type !== 'numeric') throw invalid(`field ${JSON.stringify(name)} must be a numeric type`);
      return f.sql(c);
    };
    switch (fn) {
      case 'count': {
        if (args.length > 1) throw invalid(`wrong number of arguments (${args.length}) provided for function count`);
        if (arg === undefined) return { expr: raw('CAST(count(*) AS INTEGER)'), column: { name: 'count', kind: 'number' } };
        const f = fieldDef(e, String(arg));
        const v = f.type === 'scalar' ? new JsonAt(c.d, f.sql(c)).number() : f.sql(c);
        return { expr: sql`CAST(count(${v}) AS INTEGER)`, column: { name: 'count', kind: 'number' } };
      }
      case 'avg': case 'sum': case 'min': case 'max': {
        if (args.length !== 1) throw invalid(`wrong number of arguments (${args.length}) provided for function ${fn}`);
        return { expr: sql`CAST(${raw(fn)}(${numeric(String(arg))}) AS ${raw(c.d === 'postgres' ? 'double precision' : 'REAL')})`, column: { name: fn, kind: 'number' } };
      }
      default: { // to_string
        if (args.length !== 2 || typeof args[1] !== 'string') throw invalid(`wrong number of arguments (${args.length}) provided for function to_string`);
        const f = fieldDef(e, String(arg));
        return { expr: toString(c, f, args[1]), column: { name: 'to_string', kind: 'string' } };
      }
    }
  }
}

/**
 * SQLite: the answer as one JSON text, concatenated by the database from the inner query's
 * columns — no row objects in JavaScript, stored JSON spliced in unparsed. (PostgreSQL sends
 * rows: measured, its driver and JsonRows are cheaper than building the text in the server.)
 */
function jsonAnswer(columns: Column[], inner: Frag, order: string[]): { sql: string; params: unknown[] } {
  const orderBy = order.length ? ` ORDER BY ${order.map((o) => `q.${o}`).join(', ')}` : '';
  const value = (kind: Kind, col: string): string => {
    switch (kind) {
      case 'string': return `json_quote(${col})`;
      case 'number': return `COALESCE(CAST(${col} AS TEXT), 'null')`;
      case 'boolean': return `(CASE WHEN ${col} IS NULL THEN 'null' WHEN ${col} <> 0 THEN 'true' ELSE 'false' END)`;
      default: return `COALESCE(${col}, 'null')`;
    }
  };
  const parts: Frag[] = columns.map((col, i) => sql`${`${i ? ',' : '{'}${JSON.stringify(col.name)}:`} || ${raw(value(col.kind, `q.c${i}`))}`);
  const row = columns.length ? sql`${join(parts, ' || ')} || '}'` : raw("'{}'");
  const s = sql`SELECT '[' || COALESCE(group_concat(${row}, ','${raw(orderBy)}), '') || ']' AS body FROM (${inner}) q`;
  return { sql: s.text, params: [...s.params] };
}

/** A scalar parameter as a column compares it: strings as they are, others as their text. */
const scalarParam = (v: unknown): unknown => (typeof v === 'string' || typeof v === 'number' ? v : typeof v === 'boolean' ? String(v) : JSON.stringify(v));

/** PostgreSQL's to_char; on SQLite the date patterns PuppetDB users write, through strftime. */
function toString(c: Ctx, f: FieldDef, format: string): Frag {
  const expr = f.sql(c);
  if (c.d === 'postgres') return f.type === 'timestamp' ? sql`to_char(CAST(${expr} AS timestamptz), ${format})` : sql`to_char(${expr}, ${format})`;
  if (f.type !== 'timestamp') throw invalid('to_string of numbers needs PostgreSQL storage');
  const days = "CASE CAST(strftime('%w', X) AS INTEGER) WHEN 0 THEN 'sunday' WHEN 1 THEN 'monday' WHEN 2 THEN 'tuesday' WHEN 3 THEN 'wednesday' WHEN 4 THEN 'thursday' WHEN 5 THEN 'friday' ELSE 'saturday' END";
  const months = "CASE CAST(strftime('%m', X) AS INTEGER) WHEN 1 THEN 'january' WHEN 2 THEN 'february' WHEN 3 THEN 'march' WHEN 4 THEN 'april' WHEN 5 THEN 'may' WHEN 6 THEN 'june' WHEN 7 THEN 'july' WHEN 8 THEN 'august' WHEN 9 THEN 'september' WHEN 10 THEN 'october' WHEN 11 THEN 'november' ELSE 'december' END";
  const pad = (s: string, n: number) => `substr(${s} || '${' '.repeat(n)}', 1, ${n})`;
  const cap = (s: string) => `(upper(substr(${s}, 1, 1)) || substr(${s}, 2))`;
  const tokens: [RegExp, string][] = [
    [/^YYYY/, "strftime('%Y', X)"], [/^YY/, "substr(strftime('%Y', X), 3)"], [/^MM/, "strftime('%m', X)"], [/^DD/, "strftime('%d', X)"],
    [/^HH24/, "strftime('%H', X)"], [/^HH12|^HH/, "strftime('%I', X)"], [/^MI/, "strftime('%M', X)"], [/^SS/, "strftime('%S', X)"],
    [/^MS/, "substr(strftime('%f', X), 4, 3)"], [/^DAY/, `upper(${pad(days, 9)})`], [/^Day/, cap(pad(days, 9))], [/^day/, pad(days, 9)],
    [/^DY/, `upper(substr(${days}, 1, 3))`], [/^Dy/, cap(`substr(${days}, 1, 3)`)], [/^dy/, `substr(${days}, 1, 3)`],
    [/^MONTH/, `upper(${pad(months, 9)})`], [/^Month/, cap(pad(months, 9))], [/^month/, pad(months, 9)],
    [/^MON/, `upper(substr(${months}, 1, 3))`], [/^Mon/, cap(`substr(${months}, 1, 3)`)], [/^mon/, `substr(${months}, 1, 3)`],
    [/^D/, "CAST(CAST(strftime('%w', X) AS INTEGER) + 1 AS TEXT)"], [/^Q/, "CAST((CAST(strftime('%m', X) AS INTEGER) + 2) / 3 AS TEXT)"],
  ];
  const parts: string[] = [];
  for (let rest = format; rest.length;) {
    const t = tokens.find(([re]) => re.test(rest));
    if (t) {
      parts.push(t[1]);
      rest = rest.replace(t[0], '');
    } else if (/^[A-Za-z]/.test(rest)) {
      throw invalid(`to_string: the pattern ${JSON.stringify(rest.slice(0, 8))} needs PostgreSQL storage`);
    } else {
      parts.push(`'${rest[0].replace(/'/g, "''")}'`);
      rest = rest.slice(1);
    }
  }
  const text = parts.length ? parts.join(' || ') : "''";
  // The timestamp appears once per pattern: bind it once through a subselect.
  return sql`(SELECT ${raw(text.replace(/\bX\b/g, 't.x'))} FROM (SELECT ${expr} AS x) t)`;
}

/**
 * Equality constraints at the top level of a filter (`certname`, `name`, a path's first
 * element): an entity may apply them early (fact contents walk only the facts asked for).
 */
export function pushdownFilters(where: Ast): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const visit = (n: Ast) => {
    if (!isArray(n)) return;
    if (n[0] === 'and') n.slice(1).forEach(visit);
    else if (n[0] === '=' && (n[1] === 'certname' || n[1] === 'name') && typeof n[2] === 'string' && !out.has(n[1])) out.set(n[1], n[2]);
    else if (n[0] === '=' && n[1] === 'path' && isArray(n[2]) && typeof n[2][0] === 'string' && !out.has('name')) out.set('name', n[2][0]);
  };
  visit(where);
  return out;
}

/** `["from", entity, query?, paging…]` → its parts. */
export function parseFrom(ast: unknown[]): { entity: string; query: Ast; paging: Paging } {
  const [, entity, ...rest] = ast;
  if (typeof entity !== 'string') throw invalid('Your initial query must be of the form: ["from",<entity>,(<optional-query>)]. Check your query and try again.');
  const isPaging = (x: Ast) => isArray(x) && ['limit', 'offset', 'order_by'].includes(x[0] as string);
  let query: Ast;
  let clauses = rest;
  if (rest.length && !isPaging(rest[0])) {
    query = rest[0];
    clauses = rest.slice(1);
  }
  if (!clauses.every(isPaging)) throw invalid('Your `from` query accepts an optional query only as a second argument. Check your query and try again.');
  const paging: Paging = {};
  const seen = new Set<string>();
  for (const c of clauses as unknown[][]) {
    const [kind, value] = c;
    if (seen.has(kind as string)) throw invalid(`Multiple '${String(kind)}' clauses are not permitted`);
    seen.add(kind as string);
    if (value === undefined) throw invalid(`Received '${String(kind)}' clause without an argument`);
    if (kind === 'limit') paging.limit = nonNegative(value, 'limit');
    else if (kind === 'offset') paging.offset = nonNegative(value, 'offset');
    else paging.orderBy = orderClauses(value);
  }
  return { entity, query, paging };
}

function nonNegative(v: unknown, what: string): number {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw invalid(`Illegal value '${String(v)}' for :${what}; expected a non-negative integer.`);
  return n;
}

function orderClauses(v: unknown): [string, 'asc' | 'desc'][] {
  if (!isArray(v)) throw invalid(`order_by takes a list of fields: ${JSON.stringify(v)}`);
  return v.map((x) => {
    if (typeof x === 'string') return [x, 'asc'];
    if (isArray(x) && typeof x[0] === 'string' && (x[1] === 'asc' || x[1] === 'desc')) return [x[0], x[1]];
    throw invalid(`Invalid order_by clause ${JSON.stringify(x)}`);
  });
}

export interface QuerySpec {
  entity: string;
  /** The AST filter or `extract` (null for everything). */
  query: Ast;
  paging?: Paging;
}

/** Compiles a query on an entity into a statement and the columns of its answer. */
export function compile(c: Ctx, spec: QuerySpec): Compiled {
  const e = entityNamed(spec.entity);
  const compiler = new Compiler(c);
  const paging = spec.paging ?? {};
  for (const v of [paging.limit, paging.offset]) if (v !== undefined) nonNegative(v, 'limit');
  let where: Ast = spec.query;
  let projection: Ast[] | undefined;
  let groupBy: Ast[] = [];
  if (isArray(where) && where[0] === 'extract') {
    const [, cols, ...rest] = where;
    projection = typeof cols === 'string' ? [cols] : isArray(cols) ? (cols.length && typeof cols[0] === 'string' && cols[0] === 'function' ? [cols] : cols) : undefined;
    if (!projection) throw invalid(`Can't extract ${JSON.stringify(cols)}`);
    where = undefined;
    for (const r of rest) {
      if (isArray(r) && r[0] === 'group_by') groupBy = r.slice(1);
      else if (where === undefined) where = r;
      else throw invalid(`Unexpected clause in extract: ${JSON.stringify(r)}`);
    }
  }
  const columns: Column[] = [];
  const exprs: Frag[] = [];
  const byName = new Map<string, Frag>();
  const asCall = (x: Ast): FnCall | undefined => (isArray(x) && x[0] === 'function' ? { fn: String(x[1]), args: x.slice(2) } : undefined);
  if (!projection || !projection.length) {
    for (const [name, f] of Object.entries(e.fields)) {
      if (f.projectable === false) continue;
      columns.push({ name, kind: kindOf(f) });
      exprs.push(projectField(c, f));
    }
  } else {
    for (const p of projection) {
      const call = asCall(p);
      if (call) {
        const { expr, column } = compiler.call(e, call);
        columns.push(column);
        exprs.push(expr);
        byName.set(column.name, raw(`c${exprs.length - 1}`));
        continue;
      }
      if (typeof p !== 'string') throw invalid(`Can't extract ${JSON.stringify(p)}`);
      const { top, path } = parseField(p);
      if (path.length) {
        const f = fieldDef(e, top);
        if (!f.dot) throw raise('KSP-QUERY-003', { entity: e.name, field: p, known: top });
        columns.push({ name: p, kind: 'json' });
        const value = f.dot(c, path).project();
        exprs.push(c.d === 'postgres' ? sql`CAST(${value} AS text)` : value);
        continue;
      }
      const f = Object.hasOwn(e.fields, p) ? e.fields[p] : undefined;
      if (!f || f.projectable === false) {
        const known = Object.entries(e.fields).filter(([, x]) => x.projectable !== false).map(([k]) => `'${k}'`).join(', ');
        throw raise('KSP-QUERY-003', { entity: e.name, field: p, known });
      }
      columns.push({ name: p, kind: kindOf(f) });
      exprs.push(projectField(c, f));
    }
  }
  const group: Frag[] = groupBy.map((g) => {
    // A grouped expression that is also projected is grouped by its column (PostgreSQL would
    // not see `to_char(x, $1)` and `to_char(x, $2)` as one expression).
    const same = (projection ?? []).findIndex((p) => JSON.stringify(p) === JSON.stringify(g));
    if (same >= 0) return raw(`c${same}`);
    const call = asCall(g);
    if (call) return compiler.call(e, call).expr;
    if (typeof g !== 'string') throw invalid(`${JSON.stringify(g)} is neither a valid column name nor function name`);
    const { top, path } = parseField(g);
    if (path.length) {
      const f = fieldDef(e, top);
      if (!f.dot) throw invalid(`${JSON.stringify(g)} is neither a valid column name nor function name`);
      return f.dot(c, path).project();
    }
    return fieldDef(e, g).sql(c);
  });
  const hasCalls = (projection ?? []).some((p) => asCall(p));
  if (hasCalls && !groupBy.length && (projection ?? []).some((p) => !asCall(p))) {
    throw invalid('Fields extracted beside a function must be grouped by (group_by)');
  }
  const aliased = exprs.map((x, i) => sql`${x} AS ${raw(`c${i}`)}`);
  const keys = compiler.orderBy(e, paging.orderBy ?? [], byName);
  // Sort keys that are not projected columns are carried as o0, o1…, so the aggregate building
  // the answer can keep the order the inner query gave.
  const keyNames = keys.map((k, i) => k.alias ?? `o${i}`);
  const extra = keys.flatMap((k, i) => (k.alias ? [] : [sql`${k.expr} AS ${raw(`o${i}`)}`]));
  const innerOrder = keys.map((k, i) => raw(`${keyNames[i]} ${k.nulls}`));
  const statement = compiler.select(e, aliased, where, paging, group, keys.map((k) => sql`${k.expr} ${raw(k.nulls)}`));
  const inner = compiler.select(e, [...aliased, ...extra], where, paging, group, innerOrder);
  const unpaged = compiler.select(e, aliased, where, {}, group, []);
  const json = c.d === 'sqlite' ? jsonAnswer(columns, inner, keys.map((k, i) => `${keyNames[i]} ${k.nulls}`)) : undefined;
  return {
    sql: statement.text, params: [...statement.params], columns, json,
    count: { sql: `SELECT CAST(count(*) AS INTEGER) AS n FROM (${unpaged.text}) t`, params: [...unpaged.params] },
  };
}
