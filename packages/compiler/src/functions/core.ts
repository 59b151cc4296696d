// Core functions about the catalog itself: declaring classes, realizing, tagging, logging,
// failing, templates and files.
import { existsSync, readFileSync } from 'node:fs';
import { BreakSignal, NextSignal, ReturnSignal } from '../frame.ts';
import { VALID_TAG } from '@kasper/catalog';
import type { Value } from '../values.ts';
import { ClassType, ResourceType, formatValue } from '../types/index.ts';
import type { CallContext, PuppetFunction } from './context.ts';
import { fn, type BuiltinFunction } from './signature.ts';

/** Class names from include/require/contain arguments: strings, Class['x'] references, arrays. */
function classNames(ctx: CallContext, args: Value[]): string[] {
  const out: string[] = [];
  for (const a of args.flat(Infinity as 1)) {
    if (typeof a === 'string') out.push(a);
    else if (a instanceof ClassType && a.className) out.push(a.className);
    else if (a instanceof ResourceType && a.typeName === 'class' && a.title !== undefined) out.push(a.title);
    else throw ctx.error('KSP-FUNC-001', { function: ctx.name, value: formatValue(a) });
  }
  return out;
}

const include: PuppetFunction = (ctx, args) => {
  ctx.include(classNames(ctx, args));
  return undefined;
};

/** require: include, and make the current container depend on the class. */
const requireClass: PuppetFunction = (ctx, args) => {
  ctx.require(classNames(ctx, args));
  return undefined;
};

const contain: PuppetFunction = (ctx, args) => {
  ctx.contain(classNames(ctx, args));
  return undefined;
};

const realize: PuppetFunction = (ctx, args) => {
  ctx.realize(args);
  return undefined;
};

const tag: PuppetFunction = (ctx, args) => {
  const tags = args.flat(Infinity as 1).map((x) => formatValue(x));
  for (const t of tags) if (!VALID_TAG.test(t.toLowerCase())) throw ctx.error('KSP-RES-024', { tag: t });
  ctx.tag(tags);
  return undefined;
};

const tagged: PuppetFunction = (ctx, args) => {
  const tags = ctx.tags();
  return args.flat(Infinity as 1).every((t) => typeof t === 'string' && tags.has(t.toLowerCase()));
};

const defined: PuppetFunction = (ctx, args) => {
  return args.some((a) => ctx.isDefined(a));
};

const fail: PuppetFunction = (ctx, args) => {
  throw ctx.error('KSP-EVAL-008', { message: args.map((a) => formatValue(a)).join(' ') });
};

function logger(level: string): PuppetFunction {
  return (ctx, args) => {
    ctx.log(level, args.map((a) => formatValue(a)).join(' '));
    return undefined;
  };
}

const breakFn: PuppetFunction = (ctx) => {
  throw new BreakSignal(ctx.error('KSP-EVAL-048', { name: 'break' }));
};
const nextFn: PuppetFunction = (ctx, args) => {
  throw new NextSignal(args[0], ctx.error('KSP-EVAL-048', { name: 'next' }));
};
const returnFn: PuppetFunction = (ctx, args) => {
  throw new ReturnSignal(args[0], ctx.error('KSP-EVAL-048', { name: 'return' }));
};

const epp: PuppetFunction = (ctx, args) => {
  const spec = args[0];
  if (typeof spec !== 'string') throw ctx.error('KSP-TEMPLATE-007', {});
  const path = ctx.moduleFile(spec, 'templates');
  if (!path) throw ctx.error('KSP-TEMPLATE-006', { name: spec });
  return ctx.renderEpp(ctx.readText(path), path, args[1]);
};

const inlineEpp: PuppetFunction = (ctx, args) => {
  if (typeof args[0] !== 'string') throw ctx.error('KSP-TEMPLATE-008', {});
  return ctx.renderEpp(args[0], '<inline_epp>', args[1]);
};

/** template(): ERB files from modules' templates folders (or absolute paths), concatenated. */
const template: PuppetFunction = (ctx, args) => {
  let out = '';
  for (const a of args) {
    if (typeof a !== 'string') throw ctx.error('KSP-TEMPLATE-010', { function: ctx.name, value: formatValue(a) });
    const path = a.startsWith('/') ? (existsSync(a) ? a : undefined) : ctx.moduleFile(a, 'templates');
    if (!path) throw ctx.error('KSP-TEMPLATE-006', { name: a });
    out += ctx.renderErb(ctx.readText(path), path, a);
  }
  return out;
};

/** inline_template(): ERB text, each rendered in turn and concatenated. */
const inlineTemplate: PuppetFunction = (ctx, args) => {
  let out = '';
  for (const a of args) {
    if (typeof a !== 'string') throw ctx.error('KSP-TEMPLATE-010', { function: ctx.name, value: formatValue(a) });
    out += ctx.renderErb(a, undefined, undefined);
  }
  return out;
};

/** file(): the first of the named files that exists, as text. */
const file: PuppetFunction = (ctx, args) => {
  for (const a of args) {
    if (typeof a !== 'string') continue;
    const path = a.startsWith('/') ? a : ctx.moduleFile(a, 'files');
    if (!path) continue;
    try {
      return readFileSync(path, 'utf8');
    } catch {
      continue;
    }
  }
  throw ctx.error('KSP-FUNC-002', { files: args.map((a) => formatValue(a)).join(', ') });
};

export const CORE_FUNCTIONS: BuiltinFunction[] = [
  fn('include', 'Any +names', 'Undef', include),
  fn('require', 'Any +names', 'Undef', requireClass),
  fn('contain', 'Any +names', 'Undef', contain),
  fn('realize', 'Any +references', 'Undef', realize),
  fn('tag', 'Any +tags', 'Undef', tag),
  fn('tagged', 'Any +tags', 'Boolean', tagged),
  fn('defined', 'Any +names', 'Boolean', defined),
  fn('fail', 'Any *message', 'Undef', fail),
  ...['debug', 'info', 'notice', 'warning', 'err', 'alert', 'crit', 'emerg'].map((level) => fn(level, 'Any *values', 'Undef', logger(level))),
  fn('break', '', 'Undef', breakFn),
  fn('next', 'Any value?', 'Undef', nextFn),
  fn('return', 'Any value?', 'Undef', returnFn),
  fn('epp', 'Any template, Any parameters?', 'Variant[String, Sensitive[String]]', epp),
  fn('inline_epp', 'Any template, Any parameters?', 'Variant[String, Sensitive[String]]', inlineEpp),
  fn('template', 'Any +templates', 'String', template),
  fn('inline_template', 'Any +templates', 'String', inlineTemplate),
  fn('file', 'Any +files', 'String', file),
];
