// PQL, PuppetDB's query language for people, parsed into the AST query language it stands for:
//
//   nodes[certname] { facts_environment = "production" and !(certname ~ "^db") order by certname limit 10 }
//   → ["from", "nodes", ["extract", ["certname"], ["and", ["=", "facts_environment", "production"],
//        ["not", ["~", "certname", "^db"]]]], ["order_by", ["certname"]], ["limit", 10]]
//
// The grammar is PuppetDB's (resources/puppetlabs/puppetdb/pql/pql-grammar.ebnf): entity,
// optional projection, braces with a filter and either `group by` or paging clauses; `and`, `or`
// and `!` with parentheses; implicit subqueries (`resources { … }`); `in` with a list or a
// subquery; `is null`; functions in projections. The AST it gives is the one PuppetDB's
// transform gives, so `ast_only` answers agree.
import { createToken, EmbeddedActionsParser, Lexer, type IToken, type TokenType } from './chevrotain.ts';
import { raise } from './errors.ts';

const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /\s+/, group: Lexer.SKIPPED });
const LBrace = createToken({ name: 'LBrace', pattern: '{' });
const RBrace = createToken({ name: 'RBrace', pattern: '}' });
const LBracket = createToken({ name: 'LBracket', pattern: '[' });
const RBracket = createToken({ name: 'RBracket', pattern: ']' });
const LParen = createToken({ name: 'LParen', pattern: '(' });
const RParen = createToken({ name: 'RParen', pattern: ')' });
const Comma = createToken({ name: 'Comma', pattern: ',' });
const RegexArray = createToken({ name: 'RegexArray', pattern: '~>' });
const NotRegex = createToken({ name: 'NotRegex', pattern: '!~' });
const NotEq = createToken({ name: 'NotEq', pattern: '!=' });
const Gte = createToken({ name: 'Gte', pattern: '>=' });
const Lte = createToken({ name: 'Lte', pattern: '<=' });
const Gt = createToken({ name: 'Gt', pattern: '>' });
const Lt = createToken({ name: 'Lt', pattern: '<' });
const Eq = createToken({ name: 'Eq', pattern: '=' });
const Tilde = createToken({ name: 'Tilde', pattern: '~' });
const Bang = createToken({ name: 'Bang', pattern: '!' });
const DqString = createToken({ name: 'DqString', pattern: /"(?:[^"\\]|\\.)*"/ });
const SqString = createToken({ name: 'SqString', pattern: /'(?:[^'\\]|\\.)*'/ });
const Real = createToken({ name: 'Real', pattern: /-?\d+\.\d+(?:[eE][+-]?\d+)?/ });
const Integer = createToken({ name: 'Integer', pattern: /-?\d+/ });
/** `facts.os.family`, `facts."x.y".z`, `facts.processors.models[0]`, `trusted.extensions.pp_role`, `parameters.ensure`. */
const DottedField = createToken({
  name: 'DottedField',
  pattern: /(?:facts|trusted|parameters)(?:\.(?:"(?:[^"\\]|\\.)*"|match\([^)]*\)|[^\s.",[\]!<=>~(){}]+(?:\[\d+\])?))+/,
});
const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*\??/ });
const keyword = (name: string) => createToken({ name, pattern: new RegExp(name.toLowerCase()), longer_alt: Identifier });
const And = keyword('And');
const Or = keyword('Or');
const In = keyword('In');
const Is = keyword('Is');
const Not = keyword('Not');
const Null = keyword('Null');
const True = keyword('True');
const False = keyword('False');
const Group = keyword('Group');
const Order = keyword('Order');
const By = keyword('By');
const Limit = keyword('Limit');
const Offset = keyword('Offset');
const Asc = keyword('Asc');
const Desc = keyword('Desc');

const TOKENS: TokenType[] = [
  WhiteSpace, LBrace, RBrace, LBracket, RBracket, LParen, RParen, Comma, RegexArray, NotRegex, NotEq, Gte, Lte, Gt, Lt, Eq, Tilde, Bang,
  DqString, SqString, Real, Integer, DottedField,
  And, Order, Or, In, Is, Not, Null, True, False, Group, By, Limit, Offset, Asc, Desc, Identifier,
];

/** The entities PQL names (PuppetDB's list, whether or not this server answers them all). */
export const PQL_ENTITIES = new Set([
  'facts', 'reports', 'catalogs', 'packages', 'package_inventory', 'resources', 'nodes', 'environments', 'factsets', 'fact_paths',
  'fact_contents', 'inventory', 'edges', 'events',
]);
const FUNCTIONS = new Set(['count', 'avg', 'sum', 'min', 'max', 'to_string']);

type Ast = unknown;

class PqlParser extends EmbeddedActionsParser {
  constructor() {
    super(TOKENS, { maxLookahead: 3 });
    this.performSelfAnalysis();
  }

  public query = this.RULE('query', (): Ast => this.SUBRULE(this.from));

  private from = this.RULE('from', (): Ast[] => {
    const entity = this.SUBRULE(this.entity);
    let extract: Ast[] | undefined;
    this.OPTION(() => {
      extract = this.SUBRULE(this.projection);
    });
    const { expr, clauses } = this.SUBRULE(this.where);
    return this.ACTION(() => {
      const paging = clauses.filter((c) => c[0] !== 'group_by');
      const others: Ast[] = [];
      if (extract && (extract[1] as unknown[]).length) others.push(extract);
      if (expr !== undefined) others.push(expr);
      others.push(...clauses.filter((c) => c[0] === 'group_by'));
      // PuppetDB folds the filter and group_by into a leading extract.
      if (others.length > 1 && (others[0] as unknown[])[0] === 'extract') return ['from', entity, [...(others[0] as unknown[]), ...others.slice(1)], ...paging];
      return ['from', entity, ...others, ...paging];
    });
  });

  private entity = this.RULE('entity', (): string => {
    const t = this.CONSUME(Identifier);
    this.ACTION(() => {
      if (!PQL_ENTITIES.has(t.image)) throw raise('KSP-QUERY-001', { where: `offset ${t.startOffset}`, reason: `'${t.image}' is not an entity` });
    });
    return t.image;
  });

  private projection = this.RULE('projection', (): Ast[] => {
    this.CONSUME(LBracket);
    let fields: Ast[] = [];
    this.OPTION(() => {
      fields = this.SUBRULE(this.fieldList);
    });
    this.CONSUME(RBracket);
    return ['extract', fields];
  });

  private where = this.RULE('where', (): { expr: Ast | undefined; clauses: Ast[][] } => {
    this.CONSUME(LBrace);
    let expr: Ast | undefined;
    const clauses: Ast[][] = [];
    this.OPTION(() => {
      expr = this.SUBRULE(this.expression);
    });
    this.OR([
      { ALT: () => clauses.push(this.SUBRULE(this.groupBy)) },
      { ALT: () => this.MANY(() => clauses.push(this.SUBRULE(this.paging))) },
    ]);
    this.CONSUME(RBrace);
    return { expr, clauses };
  });

  private expression = this.RULE('expression', (): Ast => this.SUBRULE(this.exprOr));

  private exprOr = this.RULE('exprOr', (): Ast => {
    const left = this.SUBRULE(this.exprAnd);
    let right: Ast | undefined;
    this.OPTION(() => {
      this.CONSUME(Or);
      right = this.SUBRULE(this.exprOr);
    });
    return right === undefined ? left : ['or', left, right];
  });

  private exprAnd = this.RULE('exprAnd', (): Ast => {
    const left = this.SUBRULE(this.exprNot);
    let right: Ast | undefined;
    this.OPTION(() => {
      this.CONSUME(And);
      right = this.SUBRULE(this.exprAnd);
    });
    return right === undefined ? left : ['and', left, right];
  });

  private exprNot = this.RULE('exprNot', (): Ast => this.OR([
    { ALT: () => {
      this.CONSUME(Bang);
      return ['not', this.SUBRULE(this.exprNot)];
    } },
    { ALT: () => this.SUBRULE(this.exprRest) },
  ]));

  private exprRest = this.RULE('exprRest', (): Ast => this.OR([
    { ALT: () => {
      this.CONSUME(LParen);
      const e = this.SUBRULE(this.expression);
      this.CONSUME(RParen);
      return e;
    } },
    { GATE: () => this.LA(2).tokenType === LBrace, ALT: () => this.SUBRULE(this.subquery) },
    { ALT: () => this.SUBRULE(this.condition) },
    { ALT: () => this.SUBRULE(this.fieldsIn) },
  ]));

  private subquery = this.RULE('subquery', (): Ast => {
    const entity = this.SUBRULE(this.entity);
    const { expr, clauses } = this.SUBRULE(this.where);
    this.ACTION(() => {
      if (clauses.length) throw raise('KSP-QUERY-001', { where: 'a subquery', reason: 'an implicit subquery takes a filter only, without group by or paging' });
    });
    return expr === undefined ? ['subquery', entity] : ['subquery', entity, expr];
  });

  /** `[certname, name] in …` */
  private fieldsIn = this.RULE('fieldsIn', (): Ast => {
    this.CONSUME(LBracket);
    const fields = this.SUBRULE(this.fieldList);
    this.CONSUME(RBracket);
    this.CONSUME(In);
    return ['in', fields, this.SUBRULE(this.inValue)];
  });

  private condition = this.RULE('condition', (): Ast => {
    const f = this.SUBRULE(this.field);
    return this.OR([
      { ALT: () => {
        this.CONSUME(Tilde);
        return ['~', f, this.SUBRULE(this.string)];
      } },
      { ALT: () => {
        this.CONSUME(RegexArray);
        return ['~>', f, this.SUBRULE(this.stringList)];
      } },
      { ALT: () => {
        const op = this.OR2([
          { ALT: () => this.CONSUME(Gte) }, { ALT: () => this.CONSUME(Lte) }, { ALT: () => this.CONSUME(Gt) }, { ALT: () => this.CONSUME(Lt) },
        ]);
        const v = this.OR3([{ ALT: () => this.SUBRULE(this.number) }, { ALT: () => this.SUBRULE2(this.string) }]);
        return [op.image, f, v];
      } },
      { ALT: () => {
        this.CONSUME(Eq);
        return ['=', f, this.SUBRULE(this.literal)];
      } },
      { ALT: () => {
        this.CONSUME(NotEq);
        return ['not', ['=', f, this.SUBRULE2(this.literal)]];
      } },
      { ALT: () => {
        this.CONSUME(NotRegex);
        return ['not', ['~', f, this.SUBRULE3(this.literal)]];
      } },
      { ALT: () => {
        this.CONSUME(In);
        return ['in', f, this.SUBRULE(this.inValue)];
      } },
      { ALT: () => {
        this.CONSUME(Is);
        let negated = false;
        this.OPTION(() => {
          this.CONSUME(Not);
          negated = true;
        });
        this.CONSUME(Null);
        return ['null?', f, !negated];
      } },
    ]);
  });

  private inValue = this.RULE('inValue', (): Ast => this.OR([
    { ALT: () => this.SUBRULE(this.from) },
    { ALT: () => {
      this.CONSUME(LBracket);
      const values = [this.SUBRULE(this.literal)];
      this.MANY(() => {
        this.CONSUME(Comma);
        values.push(this.SUBRULE2(this.literal));
      });
      this.CONSUME(RBracket);
      return ['array', values];
    } },
  ]));

  private fieldList = this.RULE('fieldList', (): Ast[] => {
    const items: Ast[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => items.push(this.SUBRULE(this.fieldOrFunction)) });
    return items;
  });

  private fieldOrFunction = this.RULE('fieldOrFunction', (): Ast => this.OR([
    { GATE: () => this.LA(2).tokenType === LParen, ALT: () => this.SUBRULE(this.functionCall) },
    { ALT: () => this.SUBRULE(this.field) },
  ]));

  private functionCall = this.RULE('functionCall', (): Ast => {
    const name = this.CONSUME(Identifier);
    this.ACTION(() => {
      if (!FUNCTIONS.has(name.image)) throw raise('KSP-QUERY-001', { where: `offset ${name.startOffset}`, reason: `'${name.image}' is not a function` });
    });
    this.CONSUME(LParen);
    const args: Ast[] = [];
    this.OPTION(() => {
      args.push(this.OR([{ ALT: () => this.SUBRULE(this.field) }, { ALT: () => this.SUBRULE(this.string) }]));
      this.MANY(() => {
        this.CONSUME(Comma);
        args.push(this.SUBRULE2(this.string));
      });
    });
    this.CONSUME(RParen);
    return ['function', name.image, ...args];
  });

  private field = this.RULE('field', (): string => this.OR([
    { ALT: () => this.CONSUME(DottedField).image },
    { ALT: () => this.CONSUME(Identifier).image },
  ]));

  private groupBy = this.RULE('groupBy', (): Ast[] => {
    this.CONSUME(Group);
    this.CONSUME(By);
    const fields = this.SUBRULE(this.fieldList);
    return this.ACTION(() => ['group_by', ...fields]);
  });

  private paging = this.RULE('paging', (): Ast[] => this.OR([
    { ALT: () => {
      this.CONSUME(Limit);
      return ['limit', Number(this.CONSUME(Integer).image)];
    } },
    { ALT: () => {
      this.CONSUME(Offset);
      return ['offset', Number(this.CONSUME2(Integer).image)];
    } },
    { ALT: () => {
      this.CONSUME(Order);
      this.CONSUME(By);
      const params: Ast[] = [];
      this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => {
        const f = this.SUBRULE(this.field);
        let dir: string | undefined;
        this.OPTION(() => {
          dir = this.OR2([{ ALT: () => this.CONSUME(Asc).image }, { ALT: () => this.CONSUME(Desc).image }]);
        });
        params.push(dir ? [f, dir] : f);
      } });
      return ['order_by', params];
    } },
  ]));

  private literal = this.RULE('literal', (): Ast => this.OR([
    { ALT: () => this.SUBRULE(this.string) },
    { ALT: () => this.SUBRULE(this.number) },
    { ALT: () => {
      this.CONSUME(True);
      return true;
    } },
    { ALT: () => {
      this.CONSUME(False);
      return false;
    } },
    { ALT: () => {
      this.CONSUME(LBracket);
      const values = [this.SUBRULE2(this.literal)];
      this.MANY(() => {
        this.CONSUME(Comma);
        values.push(this.SUBRULE3(this.literal));
      });
      this.CONSUME(RBracket);
      return values;
    } },
  ]));

  private stringList = this.RULE('stringList', (): Ast[] => {
    this.CONSUME(LBracket);
    const values = [this.SUBRULE(this.string)];
    this.MANY(() => {
      this.CONSUME(Comma);
      values.push(this.SUBRULE2(this.string));
    });
    this.CONSUME(RBracket);
    return values;
  });

  private number = this.RULE('number', (): number => this.OR([
    { ALT: () => Number(this.CONSUME(Real).image) },
    { ALT: () => Number(this.CONSUME(Integer).image) },
  ]));

  private string = this.RULE('string', (): string => this.OR([
    { ALT: () => {
      const t = this.CONSUME(DqString);
      return this.ACTION(() => decodeDq(t));
    } },
    { ALT: () => this.CONSUME(SqString).image.slice(1, -1).replace(/\\'/g, "'") },
  ]));
}

/** A double-quoted PQL string is a JSON string. */
function decodeDq(t: IToken): string {
  try {
    return JSON.parse(t.image) as string;
  } catch {
    throw raise('KSP-QUERY-001', { where: `offset ${t.startOffset}`, reason: `invalid escape in ${t.image}` });
  }
}

const lexer = new Lexer(TOKENS, { ensureOptimizations: false, positionTracking: 'onlyOffset' });
let parser: PqlParser | undefined;

/** Parses a PQL query into the AST query it stands for, or throws a QueryError saying where it went wrong. */
export function parsePql(text: string): unknown[] {
  parser ??= new PqlParser();
  const lexed = lexer.tokenize(text);
  if (lexed.errors.length) {
    const e = lexed.errors[0];
    throw raise('KSP-QUERY-001', { where: `offset ${e.offset}`, reason: `unexpected '${text.slice(e.offset, e.offset + 10)}'` });
  }
  parser.input = lexed.tokens;
  const ast = parser.query() as unknown[];
  if (parser.errors.length) {
    const e = parser.errors[0];
    const at = Number.isNaN(e.token.startOffset) ? 'the end' : `offset ${e.token.startOffset}`;
    throw raise('KSP-QUERY-001', { where: at, reason: e.message });
  }
  return ast;
}
