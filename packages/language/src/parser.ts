// The Puppet grammar as a chevrotain EmbeddedActionsParser.
//
// The levels follow Puppet's grammar (lib/puppet/pops/parser/egrammar.ra), lowest first:
//   statements      a list; `name arg, arg` statement calls are folded afterwards (transformCalls)
//   assignment      = += -=            (right associative)
//   relationship    -> ~> <- <~
//   resource        @ / @@ and `expr { title: attrs }` resource bodies, defaults, overrides
//   expression      or, and, < <= > >=, == !=, << >>, + -, * / %, =~ !~, in (one rule, folded
//                   by precedence), each operand with its prefixes - * !
//   postfix         [access] .method() (call) ? {selector} <| collect |>
//   primary         literals, names, variables, arrays, hashes, control flow, definitions
// Resource bodies are only allowed at the resource level, exactly as in Puppet, which is what
// lets `if $x {` and `case $x {` take their brace as a block.
//
// Chains (operators, relationships, assignments, prefixes, postfix operations, elsif) are read
// in loops and folded into trees in the actions, so only real nesting recurses, and nesting is
// bounded (MAX_NESTING): no input can overflow the stack.
import { EmbeddedActionsParser, EOF, type IOrAlt, type IParserErrorMessageProvider, type IToken, type TokenType } from './chevrotain.ts';
import type * as A from './ast.ts';
import { T, allTokens } from './chevrotain-tokens.ts';
import { MAX_NESTING, STATEMENT_CALLS, foldBinary, untitledResource } from './limits.ts';
import { message, type LanguageCode, type MessageArgs } from './messages.ts';

/** A token as the grammar's actions see it (chevrotain's, with the lexer's kind and value). */
type Tok = IToken & { value?: string; kind?: number };

export { MAX_NESTING, STATEMENT_CALLS };
type Loc = { start: number; end: number } | Tok | undefined | null;

function startOf(x: Loc): number {
  if (!x) return 0;
  if ('startOffset' in x) return Number.isFinite(x.startOffset) ? x.startOffset : 0;
  return x.start ?? 0;
}
function endOf(x: Loc): number {
  if (!x) return 0;
  if ('startOffset' in x) return Number.isFinite(x.endOffset) ? x.endOffset! + 1 : 0;
  return x.end ?? 0;
}
function span(a: Loc, b: Loc): { start: number; end: number } {
  // After error recovery a part may be missing: the node then starts where its next part does.
  const s = startOf(a ?? b);
  return { start: s, end: Math.max(s, endOf(b ?? a)) };
}

/** The message of KSP-PARSE-003, at a token shown as `at` (`'['`). */
export function nestingMessage(at: string): string {
  return message('KSP-PARSE-003', { token: at, max: MAX_NESTING }).message;
}

/** See PuppetParser.getFollowsForInRuleRecovery. */
const RECOVERY_WALK_NESTING = 16;
/** See PuppetParser.tryInRepetitionRecovery. */
const REPETITION_RECOVERIES = 64;
const chevrotainParser = EmbeddedActionsParser.prototype as unknown as {
  getFollowsForInRuleRecovery(this: unknown, tokType: TokenType, tokIdxInRule: number): TokenType[];
  tryInRepetitionRecovery(this: unknown, ...args: unknown[]): void;
};
const baseFollowsForInRuleRecovery = chevrotainParser.getFollowsForInRuleRecovery;
const baseTryInRepetitionRecovery = chevrotainParser.tryInRepetitionRecovery;

/** Thrown when expressions nest more than MAX_NESTING deep: the parse stops at `token`. */
export class NestingTooDeep extends Error {
  readonly token: Tok;
  constructor(token: Tok) {
    super(nestingMessage(tokenText(token)));
    this.token = token;
  }
}

export interface SyntaxProblem {
  code: LanguageCode;
  message: string;
  start: number;
  end: number;
}

/** Words for the rules a user meets in "expected …" messages. */
const RULE_WORDS: Record<string, string> = {
  attributeOperation: "an attribute like name => value",
  attributeOperations: "attributes like name => value",
  resourceBody: "a resource title followed by ':'",
  expression: 'an expression',
  primary: 'an expression',
  assignment: 'an expression',
  relationship: 'an expression',
  resource: 'an expression',
  statement: 'a statement',
  parameter: 'a parameter like $name or Type $name = default',
  hostname: "a node name, a quoted string, a regex or 'default'",
  className: 'a class or type name',
  selectorEntry: 'a selector case like value => result',
  caseOption: "a case option like 'value': { … }",
  hashPair: 'a hash entry like key => value',
  lambda: 'a lambda like |$x| { … }',
};

function tokenText(t: IToken): string {
  if (t.tokenType === EOF) return 'end of input';
  return `'${t.image}'`;
}

const errorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    return `Syntax error at ${tokenText(actual)}: expected ${expected.LABEL ?? expected.name}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `Syntax error at ${tokenText(firstRedundant)}`;
  },
  buildNoViableAltMessage({ actual, ruleName }) {
    const words = RULE_WORDS[ruleName];
    return `Syntax error at ${tokenText(actual[0])}${words ? `: expected ${words}` : ''}`;
  },
  buildEarlyExitMessage({ actual, ruleName }) {
    const words = RULE_WORDS[ruleName];
    return `Syntax error at ${tokenText(actual[0])}${words ? `: expected ${words}` : ''}`;
  },
};

type Item = A.Expression | A.Expression[];

export class PuppetParser extends EmbeddedActionsParser {
  /** Problems found by the grammar's actions (not by chevrotain), such as a resource without title. */
  problems: SyntaxProblem[] = [];
  private primaryAlternatives: IOrAlt<A.Expression>[] | undefined = undefined;
  private resourcePrefixAlternatives: IOrAlt<Tok>[] | undefined = undefined;
  private assignmentOperatorAlternatives: IOrAlt<Tok>[] | undefined = undefined;
  /** How many expressions enclose the parser's position (see MAX_NESTING). */
  private depth = 0;
  /** How many recoveries of repetitions are under way, one inside the other. */
  private repetitionRecoveries = 0;

  constructor(options: { validateGrammar?: boolean; recovery?: boolean } = {}) {
    super(allTokens, {
      recoveryEnabled: options.recovery ?? true,
      maxLookahead: 4,
      errorMessageProvider: errorMessages,
      skipValidations: !options.validateGrammar,
    });
    this.performSelfAnalysis();
  }

  /**
   * Before it tries to recover from a syntax error by inserting or deleting one token, chevrotain
   * works out what may follow by walking the grammar along the whole rule stack: a recursion as
   * deep as the parse itself, which would double the stack a deeply nested parse needs. Below
   * RECOVERY_WALK_NESTING levels (real code stays far above it) errors recover by skipping to a
   * token that may follow instead, which needs no walk. (An internal method of chevrotain: if a
   * version renames it, this override is simply not called, and a test of deep errors fails.)
   */
  getFollowsForInRuleRecovery(tokType: TokenType, tokIdxInRule: number): TokenType[] {
    if (this.depth > RECOVERY_WALK_NESTING) return [];
    return baseFollowsForInRuleRecovery.call(this, tokType, tokIdxInRule);
  }

  /**
   * When an iteration of a repetition (statements, case options, …) fails, chevrotain skips
   * to where the next iteration may start and runs the repetition again from inside the failed
   * one: each such recovery nests deeper. After REPETITION_RECOVERIES of them in one repetition,
   * the repetition ends instead, and recovery goes on in the rule around it. (An internal method
   * of chevrotain, like getFollowsForInRuleRecovery.)
   */
  tryInRepetitionRecovery(...args: unknown[]): void {
    if (this.repetitionRecoveries >= REPETITION_RECOVERIES) return;
    this.repetitionRecoveries++;
    try {
      baseTryInRepetitionRecovery.apply(this, args);
    } finally {
      this.repetitionRecoveries--;
    }
  }

  /** A problem from the catalogue over [at, to]. */
  private problem<C extends LanguageCode>(code: C, args: MessageArgs<C>, at: Loc, to?: Loc): void {
    const r = span(at, to ?? at);
    this.problems.push({ code, message: message(code, args).message, start: r.start, end: r.end });
  }

  // ---------------------------------------------------------------- programs and statements

  manifest = this.RULE('manifest', (): A.Program => {
    const body = this.SUBRULE(this.statements);
    return this.ACTION(() => ({ kind: 'Program', body, start: 0, end: body.length ? body[body.length - 1].end : 0 }) as A.Program);
  });

  epp = this.RULE('epp', (): A.Program => {
    this.CONSUME(T.EPP_START);
    let params: A.Parameter[] | null = null;
    this.OPTION(() => {
      this.CONSUME(T.PIPE);
      params = this.SUBRULE(this.parameterList);
      this.CONSUME2(T.PIPE);
    });
    const body = this.SUBRULE(this.statements);
    return this.ACTION(() => ({ kind: 'Program', body, eppParameters: params, start: 0, end: body.length ? body[body.length - 1].end : 0 }) as A.Program);
  });

  statements = this.RULE('statements', (): A.Expression[] => {
    const items: Item[] = [];
    this.MANY(() => {
      this.OR([
        { ALT: () => { this.CONSUME(T.SEMIC); } },
        { ALT: () => { items.push(this.SUBRULE(this.statement)); } },
      ]);
    });
    return this.ACTION(() => this.transformCalls(items));
  });

  /** `a` or `a, b, c` (the list is only legal as a statement call's arguments). */
  statement = this.RULE('statement', (): Item => {
    const first = this.SUBRULE(this.assignment);
    const rest: A.Expression[] = [];
    this.MANY(() => {
      this.CONSUME(T.COMMA);
      rest.push(this.SUBRULE2(this.assignment));
    });
    return this.ACTION(() => (rest.length ? [first, ...rest] : first));
  });

  /** Puppet's rule: `include a, b` and `notice $x` become calls; other lists are errors. */
  private transformCalls(items: Item[]): A.Expression[] {
    const out: A.Expression[] = [];
    for (const item of items) {
      if (item === undefined) continue;
      const prev = out[out.length - 1];
      if (prev && prev.kind === 'QualifiedName' && STATEMENT_CALLS.has(prev.value)) {
        const args = (Array.isArray(item) ? item : [item]).filter(Boolean);
        const last = args[args.length - 1];
        out[out.length - 1] = { kind: 'CallNamedFunctionExpression', functor: prev, args, lambda: null, parenthesized: false, ...span(prev, last) };
      } else if (Array.isArray(item) && item.some((e) => !e)) {
        // an expression of the list failed to parse: that syntax error is the one to report
        for (const e of item) if (e) out.push(e);
      } else if (Array.isArray(item)) {
        const head = item[0];
        const name = prev && prev.kind === 'QualifiedName' ? `'${prev.value}'` : null;
        if (name) this.problem('KSP-PARSE-014', { name, function: prev.kind === 'QualifiedName' ? prev.value : '' }, head, item[item.length - 1]);
        else this.problem('KSP-PARSE-005', {}, head, item[item.length - 1]);
        for (const e of item) if (e) out.push(e);
      } else {
        out.push(item);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- assignment, relationships, resources

  /** `a = b = c` (right associative), read in a loop and folded from the right. */
  assignment = this.RULE('assignment', (): A.Expression => {
    const first = this.SUBRULE(this.relationship);
    let operands: A.Expression[] | null = null;
    let ops: Tok[] | null = null;
    this.MANY(() => {
      const op = this.OR(this.assignmentOperatorAlternatives ??= [
        { ALT: () => this.CONSUME(T.EQUALS) },
        { ALT: () => this.CONSUME(T.APPENDS) },
        { ALT: () => this.CONSUME(T.DELETES) },
      ]);
      const right = this.SUBRULE2(this.relationship);
      this.ACTION(() => {
        (ops ??= []).push(op);
        (operands ??= [first]).push(right);
      });
    });
    return this.ACTION(() => {
      if (!ops) return first;
      let result = operands![operands!.length - 1];
      for (let i = ops.length - 1; i >= 0; i--) {
        const left = operands![i];
        result = { kind: 'AssignmentExpression', operator: ops[i].image as '=', left, right: result, ...span(left, result) } as A.AssignmentExpression;
      }
      return result;
    });
  });

  relationship = this.RULE('relationship', (): A.Expression => {
    let left = this.SUBRULE(this.resource);
    this.MANY(() => {
      const op = this.OR([
        { ALT: () => this.CONSUME(T.IN_EDGE) },
        { ALT: () => this.CONSUME(T.IN_EDGE_SUB) },
        { ALT: () => this.CONSUME(T.OUT_EDGE) },
        { ALT: () => this.CONSUME(T.OUT_EDGE_SUB) },
      ]);
      const right = this.SUBRULE2(this.resource);
      left = this.ACTION(() => ({ kind: 'RelationshipExpression', operator: op.image as '->', left, right, ...span(left, right) }) as A.RelationshipExpression);
    });
    return left;
  });

  /** `@` (virtual) and `@@` (exported) in front of a resource expression, or just an expression. */
  resource = this.RULE('resource', (): A.Expression => {
    let forms: Tok[] | null = null;
    this.MANY(() => {
      const at = this.OR(this.resourcePrefixAlternatives ??= [
        { ALT: () => this.CONSUME(T.AT) },
        { ALT: () => this.CONSUME(T.ATAT) },
      ]);
      this.ACTION(() => (forms ??= []).push(at));
    });
    const e = this.SUBRULE(this.expression);
    let result = e;
    this.OPTION({
      GATE: () => isResourceShape(e),
      DEF: () => { result = this.SUBRULE(this.resourceTail, { ARGS: [e] }); },
    });
    return this.ACTION(() => {
      if (!forms) return result;
      for (let i = forms.length - 1; i >= 0; i--) result = this.setForm(result, forms[i].tokenType === T.AT ? 'virtual' : 'exported', forms[i]);
      return result;
    });
  });

  private setForm(r: A.Expression, form: A.ResourceForm, at: Tok): A.Expression {
    if (!r) return r;
    if (r.kind === 'ResourceExpression' || r.kind === 'ResourceDefaultsExpression' || r.kind === 'ResourceOverrideExpression') {
      if (r.form !== 'regular') this.problem('KSP-PARSE-006', { form: form === 'virtual' ? 'Virtual (@)' : 'Exported (@@)' }, at, r);
      return { ...r, form, start: startOf(at) };
    }
    this.problem('KSP-PARSE-007', { form: form === 'virtual' ? 'Virtual (@)' : 'Exported (@@)' }, at, r);
    return r;
  }

  /** After `type {`: titled bodies, or attribute operations for defaults and overrides. */
  resourceTail = this.RULE('resourceTail', (typeExpr: A.Expression): A.Expression => {
    const lbrace = this.CONSUME(T.LBRACE);
    return this.OR([
      {
        ALT: () => {
          const ops = this.SUBRULE(this.attributeOperations);
          const rbrace = this.CONSUME(T.RBRACE);
          return this.ACTION(() => this.untitledResource(typeExpr, ops, lbrace, rbrace));
        },
      },
      {
        ALT: () => {
          const bodies: A.ResourceBody[] = [this.SUBRULE(this.resourceBody)];
          this.MANY(() => {
            this.CONSUME(T.SEMIC);
            this.OPTION(() => bodies.push(this.SUBRULE2(this.resourceBody)));
          });
          const rbrace = this.CONSUME2(T.RBRACE);
          // `Notify { 'x': }` declares as `notify { 'x': }` does (Puppet takes either case).
          return this.ACTION(() => {
            return { kind: 'ResourceExpression', form: 'regular', typeName: typeExpr, bodies: bodies.filter(Boolean), ...span(typeExpr, rbrace) } as A.ResourceExpression;
          });
        },
      },
    ]);
  });

  private untitledResource(typeExpr: A.Expression, ops: A.AttributeOp[], lbrace: Tok, rbrace: Tok): A.Expression {
    const r = span(typeExpr, rbrace);
    const node = untitledResource(typeExpr, ops, r, span(lbrace, rbrace));
    if (node) return node;
    this.problem('KSP-PARSE-009', { token: "'{'", example: `${typeExpr.kind === 'QualifiedName' ? typeExpr.value : 'type'} { 'title': … }` }, lbrace);
    return { kind: 'ResourceExpression', form: 'regular', typeName: typeExpr, bodies: [], ...r };
  }

  resourceBody = this.RULE('resourceBody', (): A.ResourceBody => {
    const title = this.SUBRULE(this.expression);
    this.CONSUME(T.COLON);
    const ops = this.SUBRULE(this.attributeOperations);
    return this.ACTION(() => ({ kind: 'ResourceBody', title, operations: ops, ...span(title, ops.length ? ops[ops.length - 1] : title) }));
  });

  /** `a => 1, b +> 2, * => $h,` (trailing comma allowed, may be empty). */
  attributeOperations = this.RULE('attributeOperations', (): A.AttributeOp[] => {
    const ops: A.AttributeOp[] = [];
    this.OPTION(() => {
      ops.push(this.SUBRULE(this.attributeOperation));
      this.MANY(() => {
        this.CONSUME(T.COMMA);
        ops.push(this.SUBRULE2(this.attributeOperation));
      });
      this.OPTION2(() => this.CONSUME2(T.COMMA));
    });
    return ops;
  });

  attributeOperation = this.RULE('attributeOperation', (): A.AttributeOp => {
    return this.OR([
      {
        ALT: () => {
          const star = this.CONSUME(T.TIMES);
          this.CONSUME(T.FARROW);
          const value = this.SUBRULE(this.expression);
          return this.ACTION(() => ({ kind: 'AttributesOperation', value, ...span(star, value) }) as A.AttributesOperation);
        },
      },
      {
        ALT: () => {
          const name = this.OR2([
            { ALT: () => this.CONSUME(T.NAME) },
            { ALT: () => this.CONSUME(T.Keyword) },
          ]);
          const op = this.OR3([
            { ALT: () => this.CONSUME2(T.FARROW) },
            { ALT: () => this.CONSUME(T.PARROW) },
          ]);
          const value = this.SUBRULE2(this.expression);
          return this.ACTION(() => ({ kind: 'AttributeOperation', name: name.image, operator: op.image as '=>', value, ...span(name, value) }) as A.AttributeOperation);
        },
      },
    ]);
  });

  // ---------------------------------------------------------------- operators

  /**
   * Operands joined by binary operators, each operand with its prefix operators (`-`, `*`, `!`).
   * One rule for all nine precedence levels: the chain is read in a loop and folded by
   * precedence afterwards, so a long chain (`1 + 2 + … + 20000`) costs no recursion, and each
   * level of nesting costs a few stack frames instead of a dozen rules. Every way the grammar
   * nests (brackets, blocks, parentheses, interpolation, arguments) passes through here, so this
   * is where nesting is counted and bounded.
   */
  expression = this.RULE('expression', (): A.Expression => {
    this.depth++;
    try {
      if (this.depth > MAX_NESTING) throw new NestingTooDeep(this.LA(1) as Tok);
      let prefixes: Tok[] | null = null;
      this.MANY(() => {
        const op = this.CONSUME(T.PrefixOperator);
        this.ACTION(() => (prefixes ??= []).push(op));
      });
      const first = this.SUBRULE(this.postfix);
      let operands: A.Expression[] | null = null;
      let ops: Tok[] | null = null;
      this.MANY2(() => {
        this.OR([
          {
            ALT: () => {
              const op = this.CONSUME(T.BinaryOperator);
              let before: Tok[] | null = null;
              this.MANY3(() => {
                const pre = this.CONSUME2(T.PrefixOperator);
                this.ACTION(() => (before ??= []).push(pre));
              });
              const right = this.SUBRULE2(this.postfix);
              this.ACTION(() => {
                (ops ??= []).push(op);
                (operands ??= [prefixed(prefixes, first)]).push(prefixed(before, right));
              });
            },
          },
          {
            // `x ? { … }` is an operator too, looser than comparisons and tighter than `and`:
            // `1 + 2 ? { 3 => … }` selects on 3. Its operand slot holds the entries.
            ALT: () => {
              const qmark = this.CONSUME(T.QMARK);
              const sel = this.SUBRULE(this.selectorEntries);
              this.ACTION(() => {
                (ops ??= []).push(qmark);
                (operands ??= [prefixed(prefixes, first)]).push(sel);
              });
            },
          },
        ]);
      });
      return this.ACTION(() => (ops ? foldBinary(operands!, ops) : prefixed(prefixes, first)));
    } finally {
      this.depth--;
    }
  });

  // ---------------------------------------------------------------- postfix: access, calls, selectors, collectors

  postfix = this.RULE('postfix', (): A.Expression => {
    let e = this.SUBRULE(this.primary);
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.LBRACK);
            const keys = this.SUBRULE(this.accessArgs);
            const close = this.CONSUME(T.RBRACK);
            e = this.ACTION(() => ({ kind: 'AccessExpression', target: e, keys, ...span(e, close) }) as A.AccessExpression);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.DOT);
            const name = this.OR2([
              { ALT: () => this.CONSUME(T.NAME) },
              { ALT: () => this.CONSUME(T.TYPE) },
            ]);
            const access: A.NamedAccessExpression = this.ACTION(() => ({ kind: 'NamedAccessExpression', left: e, name: name.image, ...span(e, name) }));
            let args: A.Expression[] = [];
            let parenthesized = false;
            let last: Loc = name;
            this.OPTION(() => {
              this.CONSUME(T.LPAREN);
              args = this.SUBRULE(this.callArgs);
              last = this.CONSUME(T.RPAREN);
              parenthesized = true;
            });
            let lambda: A.LambdaExpression | null = null;
            this.OPTION2(() => {
              lambda = this.SUBRULE(this.lambda);
              last = lambda;
            });
            e = this.ACTION(() => ({ kind: 'CallMethodExpression', functor: access, args, lambda, parenthesized, ...span(e, last) }) as A.CallMethodExpression);
          },
        },
        {
          GATE: () => isCallable(e),
          ALT: () => {
            this.CONSUME2(T.LPAREN);
            const args = this.SUBRULE2(this.callArgs);
            let last: Loc = this.CONSUME2(T.RPAREN);
            let lambda: A.LambdaExpression | null = null;
            this.OPTION3(() => {
              lambda = this.SUBRULE2(this.lambda);
              last = lambda;
            });
            e = this.ACTION(() => ({ kind: 'CallNamedFunctionExpression', functor: e, args, lambda, parenthesized: true, ...span(e, last) }) as A.CallNamedFunctionExpression);
          },
        },
        {
          ALT: () => {
            const open = this.OR4([
              { ALT: () => this.CONSUME(T.LCOLLECT) },
              { ALT: () => this.CONSUME(T.LLCOLLECT) },
            ]);
            let query: A.Expression | null = null;
            this.OPTION5(() => { query = this.SUBRULE3(this.expression); });
            const close = this.OR5([
              { ALT: () => this.CONSUME(T.RCOLLECT) },
              { ALT: () => this.CONSUME(T.RRCOLLECT) },
            ]);
            let ops: A.AttributeOp[] = [];
            let last: Loc = close;
            this.OPTION6(() => {
              this.CONSUME(T.LBRACE);
              ops = this.SUBRULE(this.attributeOperations);
              last = this.CONSUME2(T.RBRACE);
            });
            e = this.ACTION(() => {
              const exported = open.tokenType === T.LLCOLLECT;
              if (exported !== (close.tokenType === T.RRCOLLECT)) {
                this.problem('KSP-PARSE-010', { close: close.image, open: open.image, expected: exported ? '|>>' : '|>' }, close);
              }
              return {
                kind: 'CollectExpression', typeRef: e,
                query: { kind: exported ? 'ExportedQuery' : 'VirtualQuery', expr: query, ...span(open, close) },
                operations: ops, ...span(e, last),
              } as A.CollectExpression;
            });
          },
        },
      ]);
    });
    return e;
  });

  /** After `?`: `{ a => x, b => y }`, or one entry alone; the left side is filled in by foldBinary. */
  selectorEntries = this.RULE('selectorEntries', (): A.SelectorExpression => {
    const entries: A.SelectorEntry[] = [];
    let first!: Loc;
    let last!: Loc;
    this.OR([
      {
        ALT: () => {
          first = this.CONSUME(T.SELBRACE);
          entries.push(this.SUBRULE(this.selectorEntry));
          this.MANY(() => {
            this.CONSUME(T.COMMA);
            entries.push(this.SUBRULE2(this.selectorEntry));
          });
          this.OPTION(() => this.CONSUME2(T.COMMA));
          last = this.CONSUME(T.RBRACE);
        },
      },
      { ALT: () => { const one = this.SUBRULE3(this.selectorEntry); entries.push(one); first = one; last = one; } },
    ]);
    return this.ACTION(() => ({ kind: 'SelectorExpression', left: undefined as unknown as A.Expression, entries: entries.filter(Boolean), ...span(first, last) }) as A.SelectorExpression);
  });

  selectorEntry = this.RULE('selectorEntry', (): A.SelectorEntry => {
    const matching = this.SUBRULE(this.expression);
    this.CONSUME(T.FARROW);
    const value = this.SUBRULE2(this.expression);
    return this.ACTION(() => ({ kind: 'SelectorEntry', matching, value, ...span(matching, value) }));
  });

  /** Arguments of `[…]`: expressions or `key => value` pairs, trailing comma allowed. */
  accessArgs = this.RULE('accessArgs', (): A.Expression[] => {
    const args: A.Expression[] = [];
    args.push(this.SUBRULE(this.accessArg));
    this.MANY(() => {
      this.CONSUME(T.COMMA);
      args.push(this.SUBRULE2(this.accessArg));
    });
    this.OPTION(() => this.CONSUME2(T.COMMA));
    return this.ACTION(() => groupPairs(args));
  });

  accessArg = this.RULE('accessArg', (): A.Expression => {
    const key = this.SUBRULE(this.expression);
    let result = key;
    this.OPTION(() => {
      this.CONSUME(T.FARROW);
      const value = this.SUBRULE2(this.expression);
      result = this.ACTION(() => ({ kind: 'KeyedEntry', key, value, ...span(key, value) }) as A.KeyedEntry);
    });
    return result;
  });

  /** Call arguments: assignments or `key => value` pairs (folded into one hash), trailing comma allowed. */
  callArgs = this.RULE('callArgs', (): A.Expression[] => {
    const args: A.Expression[] = [];
    this.OPTION(() => {
      args.push(this.SUBRULE(this.argument));
      this.MANY(() => {
        this.CONSUME(T.COMMA);
        args.push(this.SUBRULE2(this.argument));
      });
      this.OPTION2(() => this.CONSUME2(T.COMMA));
    });
    return this.ACTION(() => groupPairs(args));
  });

  argument = this.RULE('argument', (): A.Expression => {
    const key = this.SUBRULE(this.collectionEntry);
    let result = key;
    this.OPTION(() => {
      this.CONSUME(T.FARROW);
      const value = this.SUBRULE2(this.collectionEntry);
      result = this.ACTION(() => ({ kind: 'KeyedEntry', key, value, ...span(key, value) }) as A.KeyedEntry);
    });
    return result;
  });

  /** An array or hash element: an assignment, or the keywords `type` / `function` as words. */
  collectionEntry = this.RULE('collectionEntry', (): A.Expression => {
    return this.OR([
      {
        GATE: () => this.LA(2).tokenType !== T.CLASSREF && this.LA(2).tokenType !== T.LPAREN,
        ALT: () => {
          const kw = this.OR2([
            { ALT: () => this.CONSUME(T.TYPE) },
            { ALT: () => this.CONSUME(T.FUNCTION) },
          ]);
          return this.ACTION(() => ({ kind: 'LiteralString', value: kw.image, ...span(kw, kw) }) as A.LiteralString);
        },
      },
      { ALT: () => this.SUBRULE(this.assignment) },
    ]);
  });

  // ---------------------------------------------------------------- primaries

  // `class` and `type` start both a definition and an expression (`class { 'x': }`,
  // `type(…)`). Deciding between them needs a GATE; keeping it in these small rules instead of
  // in primary matters, because chevrotain re-collects the gates of every alternative of an
  // alternation with any gate, on every call, and primary is the busiest rule.
  classKeyword = this.RULE('classKeyword', (): A.Expression => {
    return this.OR([
      {
        GATE: () => this.LA(2).tokenType === T.LBRACE,
        ALT: () => { const t = this.CONSUME(T.CLASS); return this.ACTION(() => ({ kind: 'QualifiedName', value: 'class', ...span(t, t) }) as A.QualifiedName); },
      },
      { ALT: () => this.SUBRULE(this.classDefinition) },
    ]);
  });

  typeKeyword = this.RULE('typeKeyword', (): A.Expression => {
    return this.OR([
      {
        GATE: () => this.LA(2).tokenType === T.LPAREN,
        ALT: () => { const t = this.CONSUME(T.TYPE); return this.ACTION(() => ({ kind: 'QualifiedName', value: 'type', ...span(t, t) }) as A.QualifiedName); },
      },
      { ALT: () => this.SUBRULE(this.typeDefinitionOrAlias) },
    ]);
  });

  primary = this.RULE('primary', (): A.Expression => {
    // The alternatives capture no locals, so one array serves every call (chevrotain's advice:
    // building 29 closures per primary expression was a tenth of the parse time).
    return this.OR(this.primaryAlternatives ??= [
      { ALT: () => { const t = this.CONSUME(T.VARIABLE); return this.ACTION(() => variable(t)); } },
      { ALT: () => { const t = this.CONSUME(T.NUMBER); return this.ACTION(() => numberLiteral(t)); } },
      { ALT: () => { const t = this.CONSUME(T.STRING); return this.ACTION(() => ({ kind: 'LiteralString', value: val(t) ?? '', ...span(t, t) }) as A.LiteralString); } },
      { ALT: () => { const t = this.CONSUME(T.WORD); return this.ACTION(() => ({ kind: 'LiteralString', value: val(t) ?? t.image, ...span(t, t) }) as A.LiteralString); } },
      { ALT: () => this.SUBRULE(this.dqString) },
      { ALT: () => this.SUBRULE(this.heredoc) },
      { ALT: () => { const t = this.CONSUME(T.REGEX); return this.ACTION(() => ({ kind: 'LiteralRegex', pattern: val(t) ?? '', ...span(t, t) }) as A.LiteralRegex); } },
      { ALT: () => { const t = this.CONSUME(T.BOOLEAN); return this.ACTION(() => ({ kind: 'LiteralBoolean', value: t.image === 'true', ...span(t, t) }) as A.LiteralBoolean); } },
      { ALT: () => { const t = this.CONSUME(T.UNDEF); return this.ACTION(() => ({ kind: 'LiteralUndef', ...span(t, t) }) as A.LiteralUndef); } },
      { ALT: () => { const t = this.CONSUME(T.DEFAULT); return this.ACTION(() => ({ kind: 'LiteralDefault', ...span(t, t) }) as A.LiteralDefault); } },
      { ALT: () => { const t = this.CONSUME(T.NAME); return this.ACTION(() => ({ kind: 'QualifiedName', value: val(t) ?? t.image, ...span(t, t) }) as A.QualifiedName); } },
      { ALT: () => { const t = this.CONSUME(T.CLASSREF); return this.ACTION(() => ({ kind: 'QualifiedReference', value: val(t) ?? t.image, ...span(t, t) }) as A.QualifiedReference); } },
      { ALT: () => { const t = this.CONSUME(T.PRIVATE); return this.ACTION(() => ({ kind: 'ReservedWord', word: t.image, ...span(t, t) }) as A.ReservedWord); } },
      { ALT: () => { const t = this.CONSUME(T.ATTR); return this.ACTION(() => ({ kind: 'ReservedWord', word: t.image, ...span(t, t) }) as A.ReservedWord); } },
      { ALT: () => this.SUBRULE(this.array) },
      { ALT: () => this.SUBRULE(this.hash) },
      { ALT: () => this.SUBRULE(this.parenthesized) },
      { ALT: () => this.SUBRULE(this.ifExpression) },
      { ALT: () => this.SUBRULE(this.unlessExpression) },
      { ALT: () => this.SUBRULE(this.caseExpression) },
      { ALT: () => this.SUBRULE(this.classKeyword) },
      { ALT: () => this.SUBRULE(this.defineDefinition) },
      { ALT: () => this.SUBRULE(this.nodeDefinition) },
      { ALT: () => this.SUBRULE(this.functionDefinition) },
      { ALT: () => this.SUBRULE(this.typeKeyword) },
      { ALT: () => { const t = this.CONSUME(T.RENDER_STRING); return this.ACTION(() => ({ kind: 'RenderStringExpression', value: val(t) ?? '', ...span(t, t) }) as A.RenderStringExpression); } },
      {
        ALT: () => {
          const open = this.CONSUME(T.RENDER_EXPR);
          const e = this.SUBRULE(this.expression);
          const close = this.OR2([
            { ALT: () => this.CONSUME(T.EPP_END) },
            { ALT: () => this.CONSUME(T.EPP_END_TRIM) },
          ]);
          return this.ACTION(() => ({ kind: 'RenderExpression', expr: e, ...span(open, close) }) as A.RenderExpression);
        },
      },
    ]);
  });

  dqString = this.RULE('dqString', (): A.ConcatenatedString => {
    const segments: (A.LiteralString | A.TextExpression)[] = [];
    const pre = this.CONSUME(T.DQPRE);
    this.ACTION(() => { if (val(pre)) segments.push(textSegment(pre)); });
    const first = this.SUBRULE(this.assignment);
    this.ACTION(() => segments.push({ kind: 'TextExpression', expr: first, ...span(first, first) }));
    this.MANY(() => {
      const mid = this.CONSUME(T.DQMID);
      this.ACTION(() => { if (val(mid)) segments.push(textSegment(mid)); });
      const e = this.SUBRULE2(this.assignment);
      this.ACTION(() => segments.push({ kind: 'TextExpression', expr: e, ...span(e, e) }));
    });
    const post = this.CONSUME(T.DQPOST);
    return this.ACTION(() => {
      if (val(post)) segments.push(textSegment(post));
      return { kind: 'ConcatenatedString', segments, ...span(pre, post) } as A.ConcatenatedString;
    });
  });

  heredoc = this.RULE('heredoc', (): A.Heredoc => {
    const h = this.CONSUME(T.HEREDOC);
    const text = this.OR([
      { ALT: () => { const t = this.CONSUME(T.STRING); return this.ACTION(() => ({ kind: 'LiteralString', value: val(t) ?? '', ...span(t, t) }) as A.LiteralString); } },
      { ALT: () => this.SUBRULE(this.dqString) },
    ]);
    return this.ACTION(() => ({ kind: 'Heredoc', syntax: val(h) ?? '', text, ...span(h, h) }) as A.Heredoc);
  });

  array = this.RULE('array', (): A.LiteralList => {
    const open = this.OR([
      { ALT: () => this.CONSUME(T.LISTSTART) },
      { ALT: () => this.CONSUME(T.LBRACK) },
    ]);
    const values: A.Expression[] = [];
    this.OPTION(() => {
      values.push(this.SUBRULE(this.argument));
      this.MANY(() => {
        this.CONSUME(T.COMMA);
        values.push(this.SUBRULE2(this.argument));
      });
      this.OPTION2(() => this.CONSUME2(T.COMMA));
    });
    const close = this.CONSUME(T.RBRACK);
    return this.ACTION(() => ({ kind: 'LiteralList', values: groupPairs(values), ...span(open, close) }) as A.LiteralList);
  });

  hash = this.RULE('hash', (): A.LiteralHash => {
    const open = this.CONSUME(T.LBRACE);
    const entries: A.KeyedEntry[] = [];
    this.OPTION(() => {
      entries.push(this.SUBRULE(this.hashPair));
      this.MANY(() => {
        this.CONSUME(T.COMMA);
        entries.push(this.SUBRULE2(this.hashPair));
      });
      this.OPTION2(() => this.CONSUME2(T.COMMA));
    });
    const close = this.CONSUME(T.RBRACE);
    return this.ACTION(() => ({ kind: 'LiteralHash', entries: entries.filter(Boolean), ...span(open, close) }) as A.LiteralHash);
  });

  hashPair = this.RULE('hashPair', (): A.KeyedEntry => {
    const key = this.SUBRULE(this.collectionEntry);
    this.CONSUME(T.FARROW);
    const value = this.SUBRULE2(this.collectionEntry);
    return this.ACTION(() => ({ kind: 'KeyedEntry', key, value, ...span(key, value) }) as A.KeyedEntry);
  });

  parenthesized = this.RULE('parenthesized', (): A.Expression => {
    const open = this.OR([
      { ALT: () => this.CONSUME(T.LPAREN) },
      { ALT: () => this.CONSUME(T.WSLPAREN) },
    ]);
    const e = this.SUBRULE(this.assignment);
    const close = this.CONSUME(T.RPAREN);
    return this.ACTION(() => ({ kind: 'ParenthesizedExpression', expr: e, ...span(open, close) }) as A.ParenthesizedExpression);
  });

  // ---------------------------------------------------------------- control flow

  block = this.RULE('block', (): { body: A.Expression[]; close: Tok } => {
    this.CONSUME(T.LBRACE);
    const body = this.SUBRULE(this.statements);
    const close = this.CONSUME(T.RBRACE);
    return { body, close };
  });

  /** `if … {} elsif … {} … else {}`: the elsif branches are read in a loop, nested afterwards. */
  ifExpression = this.RULE('ifExpression', (): A.IfExpression => {
    const kw = this.CONSUME(T.IF);
    const test = this.SUBRULE(this.expression);
    const then = this.SUBRULE(this.block);
    const branches: { kw: Tok; test: A.Expression; then: { body: A.Expression[]; close: Tok } }[] = [{ kw, test, then }];
    this.MANY(() => {
      const elsif = this.CONSUME(T.ELSIF);
      const t = this.SUBRULE2(this.expression);
      const b = this.SUBRULE2(this.block);
      this.ACTION(() => branches.push({ kw: elsif, test: t, then: b }));
    });
    let otherwise: { body: A.Expression[]; close: Tok } | null = null;
    let hasElse = false;
    this.OPTION(() => {
      this.CONSUME(T.ELSE);
      otherwise = this.SUBRULE3(this.block);
      hasElse = true;
    });
    return this.ACTION(() => {
      const o = otherwise as { body: A.Expression[]; close: Tok } | null;
      let elseBody: A.Expression[] | null = hasElse ? (o?.body ?? []) : null;
      let node!: A.IfExpression;
      for (let i = branches.length - 1; i >= 0; i--) {
        const br = branches[i];
        const last: Loc = i < branches.length - 1 ? node : hasElse ? o?.close : br.then?.close;
        node = { kind: 'IfExpression', test: br.test, then: br.then?.body ?? [], else: elseBody, ...span(br.kw, last) } as A.IfExpression;
        elseBody = [node];
      }
      return node;
    });
  });

  unlessExpression = this.RULE('unlessExpression', (): A.UnlessExpression => {
    const kw = this.CONSUME(T.UNLESS);
    const test = this.SUBRULE(this.expression);
    const then = this.SUBRULE(this.block);
    let elseBody: A.Expression[] | null = null;
    let last: Loc = then?.close;
    this.OPTION(() => {
      this.CONSUME(T.ELSE);
      const b = this.SUBRULE2(this.block);
      elseBody = b?.body ?? [];
      last = b?.close;
    });
    return this.ACTION(() => ({ kind: 'UnlessExpression', test, then: then?.body ?? [], else: elseBody, ...span(kw, last) }) as A.UnlessExpression);
  });

  caseExpression = this.RULE('caseExpression', (): A.CaseExpression => {
    const kw = this.CONSUME(T.CASE);
    const test = this.SUBRULE(this.expression);
    this.CONSUME(T.LBRACE);
    const options: A.CaseOption[] = [];
    this.AT_LEAST_ONE(() => options.push(this.SUBRULE(this.caseOption)));
    const close = this.CONSUME(T.RBRACE);
    return this.ACTION(() => ({ kind: 'CaseExpression', test, options: options.filter(Boolean), ...span(kw, close) }) as A.CaseExpression);
  });

  caseOption = this.RULE('caseOption', (): A.CaseOption => {
    const values: A.Expression[] = [this.SUBRULE(this.expression)];
    this.MANY(() => {
      this.CONSUME(T.COMMA);
      values.push(this.SUBRULE2(this.expression));
    });
    this.CONSUME(T.COLON);
    const b = this.SUBRULE(this.block);
    return this.ACTION(() => ({ kind: 'CaseOption', values, body: b?.body ?? [], ...span(values[0], b?.close) }) as A.CaseOption);
  });

  lambda = this.RULE('lambda', (): A.LambdaExpression => {
    const open = this.CONSUME(T.PIPE);
    const parameters = this.SUBRULE(this.parameterList);
    this.CONSUME2(T.PIPE);
    const returnType = this.SUBRULE(this.optReturnType);
    const b = this.SUBRULE(this.block);
    return this.ACTION(() => ({ kind: 'LambdaExpression', parameters, body: b?.body ?? [], returnType, ...span(open, b?.close) }) as A.LambdaExpression);
  });

  // ---------------------------------------------------------------- definitions

  className = this.RULE('className', (): Tok => {
    return this.OR([
      { ALT: () => this.CONSUME(T.NAME) },
      { ALT: () => this.CONSUME(T.WORD) },
      { ALT: () => this.CONSUME(T.CLASSREF) },
      {
        ALT: () => {
          const t = this.CONSUME(T.CLASS);
          this.ACTION(() => this.problem('KSP-PARSE-011', {}, t));
          return t;
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.STRING);
          this.ACTION(() => this.problem('KSP-PARSE-012', {}, t));
          return t;
        },
      },
    ]);
  });

  /** `(Type $a = 1, *$rest)`: the parenthesised list of a class, define or function. */
  parameterParens = this.RULE('parameterParens', (): A.Parameter[] => {
    this.OR([
      { ALT: () => this.CONSUME(T.LPAREN) },
      { ALT: () => this.CONSUME(T.WSLPAREN) },
    ]);
    const params = this.SUBRULE(this.parameterList);
    this.CONSUME(T.RPAREN);
    return params;
  });

  parameterList = this.RULE('parameterList', (): A.Parameter[] => {
    const params: A.Parameter[] = [];
    this.OPTION(() => {
      params.push(this.SUBRULE(this.parameter));
      this.MANY(() => {
        this.CONSUME(T.COMMA);
        params.push(this.SUBRULE2(this.parameter));
      });
      this.OPTION2(() => this.CONSUME2(T.COMMA));
    });
    return params;
  });

  parameter = this.RULE('parameter', (): A.Parameter => {
    let typeExpr: A.Expression | null = null;
    let capturesRest = false;
    let first: Loc;
    this.OPTION(() => {
      typeExpr = this.SUBRULE(this.typeExpression);
      first = typeExpr;
    });
    this.OPTION2(() => {
      const star = this.CONSUME(T.TIMES);
      capturesRest = true;
      first = first ?? star;
    });
    const v = this.CONSUME(T.VARIABLE);
    let value: A.Expression | null = null;
    this.OPTION3(() => {
      this.CONSUME(T.EQUALS);
      value = this.SUBRULE(this.expression);
    });
    return this.ACTION(() => ({ kind: 'Parameter', name: val(v) ?? '', typeExpr, value, capturesRest, ...span(first ?? v, value ?? v) }) as A.Parameter);
  });

  /** `Type` or `Type[args]`, as used for parameter and return types. */
  typeExpression = this.RULE('typeExpression', (): A.Expression => {
    const t = this.CONSUME(T.CLASSREF);
    let e: A.Expression = this.ACTION(() => ({ kind: 'QualifiedReference', value: val(t) ?? t.image, ...span(t, t) }) as A.QualifiedReference);
    this.OPTION(() => {
      this.CONSUME(T.LBRACK);
      const keys = this.SUBRULE(this.accessArgs);
      const close = this.CONSUME(T.RBRACK);
      e = this.ACTION(() => ({ kind: 'AccessExpression', target: e, keys, ...span(t, close) }) as A.AccessExpression);
    });
    return e;
  });

  optReturnType = this.RULE('optReturnType', (): A.Expression | null => {
    let result: A.Expression | null = null;
    this.OPTION(() => {
      this.CONSUME(T.RSHIFT);
      result = this.SUBRULE(this.typeExpression);
    });
    return result;
  });

  classDefinition = this.RULE('classDefinition', (): A.HostClassDefinition => {
    const kw = this.CONSUME(T.CLASS);
    const name = this.SUBRULE(this.className);
    let parameters: A.Parameter[] = [];
    this.OPTION(() => { parameters = this.SUBRULE(this.parameterParens); });
    let parent: string | null = null;
    this.OPTION2(() => {
      this.CONSUME(T.INHERITS);
      parent = this.OR([
        { ALT: () => this.SUBRULE2(this.className)?.image ?? '' },
        { ALT: () => this.CONSUME(T.DEFAULT).image },
      ]);
    });
    const b = this.SUBRULE(this.block);
    return this.ACTION(() => ({
      kind: 'HostClassDefinition', name: name?.image ?? '', nameRange: span(name ?? kw, name ?? kw), parameters, parent,
      body: b?.body ?? [], ...span(kw, b?.close),
    }) as A.HostClassDefinition);
  });

  defineDefinition = this.RULE('defineDefinition', (): A.ResourceTypeDefinition => {
    const kw = this.CONSUME(T.DEFINE);
    const name = this.SUBRULE(this.className);
    let parameters: A.Parameter[] = [];
    this.OPTION(() => { parameters = this.SUBRULE(this.parameterParens); });
    const b = this.SUBRULE(this.block);
    return this.ACTION(() => ({
      kind: 'ResourceTypeDefinition', name: name?.image ?? '', nameRange: span(name ?? kw, name ?? kw), parameters,
      body: b?.body ?? [], ...span(kw, b?.close),
    }) as A.ResourceTypeDefinition);
  });

  nodeDefinition = this.RULE('nodeDefinition', (): A.NodeDefinition => {
    const kw = this.CONSUME(T.NODE);
    const hosts: A.Expression[] = [this.SUBRULE(this.hostname)];
    this.MANY(() => {
      this.CONSUME(T.COMMA);
      hosts.push(this.SUBRULE2(this.hostname));
    });
    this.OPTION(() => this.CONSUME2(T.COMMA));
    let parent: A.Expression | null = null;
    this.OPTION2(() => {
      this.CONSUME(T.INHERITS);
      parent = this.SUBRULE3(this.hostname);
    });
    const b = this.SUBRULE(this.block);
    return this.ACTION(() => ({ kind: 'NodeDefinition', hostMatches: hosts, parent, body: b?.body ?? [], ...span(kw, b?.close) }) as A.NodeDefinition);
  });

  hostname = this.RULE('hostname', (): A.Expression => {
    return this.OR([
      {
        ALT: () => {
          const parts: Tok[] = [this.OR2([{ ALT: () => this.CONSUME(T.NAME) }, { ALT: () => this.CONSUME(T.NUMBER) }])];
          this.MANY(() => {
            this.CONSUME(T.DOT);
            parts.push(this.OR3([{ ALT: () => this.CONSUME2(T.NAME) }, { ALT: () => this.CONSUME2(T.NUMBER) }]));
          });
          return this.ACTION(() => ({ kind: 'LiteralString', value: parts.map((p) => p.image).join('.'), ...span(parts[0], parts[parts.length - 1]) }) as A.LiteralString);
        },
      },
      { ALT: () => { const t = this.CONSUME(T.STRING); return this.ACTION(() => ({ kind: 'LiteralString', value: val(t) ?? '', ...span(t, t) }) as A.LiteralString); } },
      { ALT: () => this.SUBRULE(this.dqString) },
      { ALT: () => { const t = this.CONSUME(T.DEFAULT); return this.ACTION(() => ({ kind: 'LiteralDefault', ...span(t, t) }) as A.LiteralDefault); } },
      { ALT: () => { const t = this.CONSUME(T.REGEX); return this.ACTION(() => ({ kind: 'LiteralRegex', pattern: val(t) ?? '', ...span(t, t) }) as A.LiteralRegex); } },
    ]);
  });

  functionDefinition = this.RULE('functionDefinition', (): A.FunctionDefinition => {
    const kw = this.CONSUME(T.FUNCTION);
    const name = this.SUBRULE(this.className);
    let parameters: A.Parameter[] = [];
    this.OPTION(() => { parameters = this.SUBRULE(this.parameterParens); });
    const returnType = this.SUBRULE(this.optReturnType);
    const b = this.SUBRULE(this.block);
    return this.ACTION(() => ({
      kind: 'FunctionDefinition', name: name?.image ?? '', nameRange: span(name ?? kw, name ?? kw), parameters, returnType,
      body: b?.body ?? [], ...span(kw, b?.close),
    }) as A.FunctionDefinition);
  });

  /** `type Name = TypeExpr` (an alias) or `type Name [inherits Parent] { … }` (a definition). */
  typeDefinitionOrAlias = this.RULE('typeDefinitionOrAlias', (): A.Expression => {
    const kw = this.CONSUME(T.TYPE);
    return this.OR([
      {
        GATE: () => this.LA(2).tokenType === T.INHERITS || this.LA(2).tokenType === T.LBRACE,
        ALT: () => {
          const name = this.CONSUME(T.CLASSREF);
          let parent: string | null = null;
          this.OPTION(() => {
            this.CONSUME(T.INHERITS);
            parent = this.CONSUME2(T.CLASSREF).image;
          });
          const b = this.SUBRULE(this.block);
          return this.ACTION(() => ({ kind: 'TypeDefinition', name: name.image, parent, body: b?.body ?? [], ...span(kw, b?.close) }) as A.TypeDefinition);
        },
      },
      {
        ALT: () => {
          const lhs = this.SUBRULE(this.typeExpression);
          this.CONSUME(T.EQUALS);
          const rhs = this.OR2([
            {
              ALT: () => {
                let e = this.SUBRULE2(this.typeExpression);
                this.OPTION2(() => {
                  const h = this.SUBRULE(this.hash);
                  // `Object { … }`: the hash initialises the type
                  e = this.ACTION(() => ({ kind: 'AccessExpression', target: e, keys: [h], ...span(e, h) }) as A.AccessExpression);
                });
                return e;
              },
            },
            { ALT: () => this.SUBRULE2(this.hash) },
            { ALT: () => this.SUBRULE(this.array) },
          ]);
          return this.ACTION(() => {
            const name = lhs.kind === 'QualifiedReference' ? lhs.value : '';
            if (lhs.kind !== 'QualifiedReference') this.problem('KSP-PARSE-013', {}, lhs);
            return { kind: 'TypeAlias', name, nameRange: span(lhs, lhs), typeExpr: rhs, ...span(kw, rhs) } as A.TypeAlias;
          });
        },
      },
    ]);
  });
}

// ---------------------------------------------------------------- helpers

/** Prefix operators (`-`, `*`, `!`) applied to an operand, the innermost last in `ops`. */
function prefixed(ops: Tok[] | null, operand: A.Expression): A.Expression {
  if (!ops) return operand;
  let e = operand;
  for (let i = ops.length - 1; i >= 0; i--) {
    const op = ops[i];
    e = op.tokenType === T.MINUS
      ? { kind: 'UnaryMinusExpression', expr: e, ...span(op, e) } as A.UnaryMinusExpression
      : op.tokenType === T.TIMES
        ? { kind: 'UnfoldExpression', expr: e, ...span(op, e) } as A.UnfoldExpression
        : { kind: 'NotExpression', expr: e, ...span(op, e) } as A.NotExpression;
  }
  return e;
}

function isResourceShape(e: A.Expression | undefined): boolean {
  if (!e) return false;
  switch (e.kind) {
    case 'QualifiedName':
    case 'QualifiedReference':
      return true;
    case 'AccessExpression':
      return e.target?.kind === 'QualifiedReference' || e.target?.kind === 'QualifiedName';
    default:
      return false;
  }
}

function isCallable(e: A.Expression | undefined): boolean {
  if (!e) return false;
  return e.kind === 'QualifiedName' || e.kind === 'QualifiedReference' ||
    (e.kind === 'AccessExpression' && e.target?.kind === 'QualifiedReference');
}

function variable(t: Tok): A.VariableExpression {
  return { kind: 'VariableExpression', name: val(t) ?? '', ...span(t, t) };
}

function numberLiteral(t: Tok): A.LiteralNumber {
  const text = t.image;
  let radix: 8 | 10 | 16 = 10;
  let value: number;
  let float = false;
  if (/^0[xX]/.test(text)) {
    radix = 16;
    value = parseInt(text.slice(2), 16);
  } else if (/^0\d/.test(text)) {
    radix = 8;
    value = parseInt(text.slice(1), 8);
  } else {
    float = /[.eE]/.test(text);
    value = Number(text);
  }
  return { kind: 'LiteralNumber', value, text, radix, float, ...span(t, t) };
}

function val(t: IToken): string | undefined {
  return (t as Tok).value;
}

function textSegment(t: Tok): A.LiteralString {
  return { kind: 'LiteralString', value: val(t) ?? '', ...span(t, t) };
}

/** Consecutive `key => value` arguments form one hash, as in Puppet. */
function groupPairs(args: A.Expression[]): A.Expression[] {
  const out: A.Expression[] = [];
  for (const a of args) {
    if (!a) continue;
    if (a.kind === 'KeyedEntry') {
      const prev = out[out.length - 1];
      if (prev && prev.kind === 'LiteralHash' && (prev as A.LiteralHash & { implicit?: boolean }).implicit) {
        prev.entries.push(a);
        prev.end = a.end;
      } else {
        out.push({ kind: 'LiteralHash', entries: [a], start: a.start, end: a.end, implicit: true } as A.LiteralHash);
      }
    } else {
      out.push(a);
    }
  }
  for (const o of out) if (o.kind === 'LiteralHash') delete (o as { implicit?: boolean }).implicit;
  return out;
}

export type { TokenType };
