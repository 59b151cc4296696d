// EPP templates: rendering one (its parameters bound in a scope under top scope, or for inline_epp
// under the calling scope), and
// the output buffers its text goes into (a stack: templates can render templates).
import type * as A from '@kasper/language';
import { parseEpp } from '@kasper/language';
import { NextSignal, ReturnSignal, errorAt, illegalSignal, type Frame } from './frame.ts';
import type { Evaluator } from './evaluator.ts';
import { parseCached } from './loader.ts';
import { Scope } from './scope.ts';
import { formatValue } from './types/index.ts';
import { PSensitive, isType, type Value } from './values.ts';

export class Templates {
  private readonly evaluator: Evaluator;
  private readonly topScope: Scope;
  private readonly buffers: { parts: string[]; sensitive: boolean }[] = [];

  constructor(evaluator: Evaluator, topScope: Scope) {
    this.evaluator = evaluator;
    this.topScope = topScope;
  }

  /** EPP text, into the innermost template being rendered; from a Sensitive value makes the whole result Sensitive. */
  write(text: string, sensitive = false): void {
    const buf = this.buffers[this.buffers.length - 1];
    if (!buf) return;
    buf.parts.push(text);
    if (sensitive) buf.sensitive = true;
  }

  /**
   * Renders EPP source (`file` names it; `<inline_epp>` for inline source) with parameters.
   * Errors point at the call, `caller` at `at`.
   */
  render(source: string, file: string, params: Value, caller: Frame, at: A.Range): string | PSensitive {
    const parsed = file.startsWith('<') ? parseEpp(source, file) : parseCached(source, file);
    const err = parsed.diagnostics.find((d) => d.severity === 'error');
    if (err) throw errorAt('KSP-TEMPLATE-002', { file, line: err.start.line, column: err.start.column, message: err.message }, caller, at);
    const given = params instanceof Map ? params : new Map<Value, Value>();
    // inline_epp sees the variables of the scope it is called from; epp() a file, only top scope
    // (Puppet's closure over the calling scope or the global one).
    const inline = file.startsWith('<');
    const scope = new Scope('epp', inline ? caller.scope : this.topScope, file);
    const frame: Frame = { scope, file: { path: file, program: parsed.program, lineMap: parsed.lineMap, module: undefined }, container: caller.container };
    const declared = parsed.program.eppParameters;
    if (declared) {
      for (const k of given.keys()) {
        if (typeof k !== 'string' || !declared.some((p) => p.name === k)) {
          throw errorAt('KSP-TEMPLATE-003', { file, name: formatValue(k) }, caller, at);
        }
      }
      for (const p of declared) {
        let v: Value;
        if (given.has(p.name)) v = given.get(p.name);
        else if (p.value) v = this.evaluator.evaluate(p.value, frame);
        else throw errorAt('KSP-TEMPLATE-004', { file, name: p.name }, caller, at);
        if (p.typeExpr) {
          const t = this.evaluator.evaluateType(p.typeExpr, frame);
          if (isType(t) && !t.isInstance(v)) throw errorAt('KSP-TEMPLATE-005', { file, name: p.name, value: formatValue(v) }, caller, at);
        }
        scope.set(p.name, v);
      }
    } else {
      for (const [k, v] of given) if (typeof k === 'string') scope.set(k, v);
    }
    const buf = { parts: [] as string[], sensitive: false };
    this.buffers.push(buf);
    try {
      this.evaluator.evaluateBlock(parsed.program.body, frame);
    } catch (s) {
      // return() ends the template (Puppet then gives the empty string); next() is illegal here.
      if (s instanceof ReturnSignal) return '';
      throw s instanceof NextSignal ? illegalSignal(s) : s;
    } finally {
      this.buffers.pop();
    }
    // As Puppet 7: a template that rendered a Sensitive value is itself Sensitive[String], so the
    // secret reaches the resource (marked in sensitive_parameters) but never a log or a report.
    const text = buf.parts.join('');
    return buf.sensitive ? new PSensitive(text) : text;
  }
}
