// The language's messages (see @kasper/diagnostics): what the lexer, the parser and the validator
// report, one code per situation, with a template, a severity and what to do, from which
// docs/errors.md is generated. The validator's messages are Puppet 7's own words (the negative
// corpus compares them). KSP-LEX-001…005, KSP-PARSE-001…002 and KSP-VALID-001…010 keep the
// meaning they always had; each once covered several situations, which now have codes of their own.
import { defineCatalogue, formatMessage, type MessageDef, type Severity } from '@kasper/diagnostics';

const MESSAGES = {
  // ------------------------------------------------------------ lexical
  'KSP-LEX-001': { message: 'Unclosed quote after {quote}: the string that starts here never ends', hint: 'close the string; the message says where it opened' },
  'KSP-LEX-002': { message: "Illegal character '{char}'", hint: 'remove it, or quote it' },
  'KSP-LEX-003': { message: "Illegal number '{value}'", hint: 'a number is digits, 0x… hex, 0… octal, or a decimal with . or e' },
  'KSP-LEX-004': { message: 'Invalid heredoc syntax \'{spec}\': expected @(END), @("END"), @(END:syntax) or @(END/escapes)', hint: 'write @(END), @("END"), @(END:syntax) or @(END/escapes)' },
  'KSP-LEX-005': { message: "Illegal class reference '{name}': every segment of a type name must start with an upper case letter", hint: 'capitalize every segment: Mymodule::Mytype' },
  'KSP-LEX-006': { message: 'Unclosed comment: /* is never closed with */', hint: 'close the comment with */' },
  'KSP-LEX-007': { message: "Unbalanced epp tag: reached the end of the template without a '%>' closing the tag opened at line {line}, column {column}", hint: 'close the tag with %>' },
  'KSP-LEX-008': { message: "Unbalanced epp tag: '<%' at the end of the template", hint: 'close the tag with %>, or write <%% for a literal <%' },
  'KSP-LEX-009': { message: "Unbalanced epp comment: '<%#' is never closed with '%>'", hint: 'close the comment with %>' },
  'KSP-LEX-010': { message: "Heredoc without any following lines of text: no line ends with '{tag}'", hint: 'the heredoc text starts on the next line and ends with a line holding its tag' },
  'KSP-LEX-011': { message: "Heredoc without end-tagged line: no line ends with '{tag}'", hint: 'end the heredoc with a line holding its tag (| and - before it are allowed)' },
  'KSP-LEX-012': { message: 'Unclosed interpolation: "{open}" is never closed with "{close}"', hint: 'close the interpolation with }' },
  'KSP-LEX-013': { message: "Not a valid hex number '{value}'", hint: 'hex numbers are 0x followed by 0-9 and a-f' },
  'KSP-LEX-014': { message: "Not a valid octal number '{value}'", hint: 'a number starting with 0 is octal: digits 0-7 only' },
  'KSP-LEX-015': { message: "Not a valid decimal number '{value}'", hint: 'write 1.5, 1e3 or 1.5e-3' },
  'KSP-LEX-016': { message: 'Unclosed parenthesis after \'@(\': a heredoc tag looks like @(END) or @("END":syntax/escapes)', hint: 'close the heredoc tag with )' },
  'KSP-LEX-017': { message: 'Heredoc tag is empty', hint: 'name the end tag: @(END)' },
  'KSP-LEX-018': { message: "Heredoc escape flags '{flags}' repeat a flag", hint: 'name each escape once' },
  'KSP-LEX-019': { message: "Invalid heredoc escape '{flag}': allowed are t r n s u L $", hint: 'escapes are among t r n s u L $' },
  'KSP-LEX-020': { message: "Illegal fully qualified name: '::' must be followed by a name", hint: 'write ::name, or remove the ::' },
  'KSP-LEX-021': { message: 'Illegal name or bare word', hint: 'names are lower case letters, digits and _; quote other words' },
  'KSP-LEX-022': { message: "Invalid unicode escape '{escape}': not a character UTF-8 can hold", hint: 'a \\u escape names a code point up to 10FFFF, not a surrogate (D800-DFFF)' },

  // ------------------------------------------------------------ syntax
  'KSP-PARSE-001': { message: 'Syntax error at {token}{expected}', hint: 'the message names the token where the problem was found and, where it is clear, what was expected' },
  'KSP-PARSE-002': { message: 'Syntax error at end of input{expected}', hint: "close the '{', '(' or '[' that is still open" },
  'KSP-PARSE-003': { message: 'Syntax error at {token}: more than {max} levels of nesting (brackets, braces, parentheses, blocks and interpolations each count)', hint: 'no real manifest nests this deep (Debian\'s modules reach 11 levels; a statement is level 1): name inner parts with variables. Chains (a + b + …, a -> b -> …, elsif) are not nesting; see docs/language.md' },
  'KSP-PARSE-004': { message: 'Internal parser error: {reason}', hint: 'a bug in Kasper\'s parser: please report it with the file' },
  'KSP-PARSE-005': { message: "Syntax error at ',': a comma-separated list is not a statement", hint: 'put the values in [ ], or write one statement per value' },
  'KSP-PARSE-006': { message: '{form} cannot be applied twice', hint: 'write @ or @@ once' },
  'KSP-PARSE-007': { message: '{form} can only be applied to a resource declaration', hint: 'put @ or @@ before a resource type: @user { … }' },
  'KSP-PARSE-009': { message: 'Syntax error at {token}: this resource declaration has no title; write {example}', hint: "give the resource a title followed by ':'" },
  'KSP-PARSE-010': { message: "Syntax error at '{close}': a collector opened with '{open}' closes with '{expected}'", hint: 'close <| with |> and <<| with |>>' },
  'KSP-PARSE-011': { message: "'class' keyword not allowed at this location", hint: "quote it ('class') where a name is meant" },
  'KSP-PARSE-012': { message: 'A quoted string is not valid as a name here', hint: 'write the name without quotes' },
  'KSP-PARSE-013': { message: 'A type alias name is a plain type name like MyModule::MyType', hint: 'type Name = … takes a capitalized name' },
  'KSP-PARSE-014': { message: 'Attempt to pass an argument list to {name}, which cannot be called without parentheses: write {function}(…)', hint: 'only include, require, contain, notice and a few more statements take arguments without parentheses' },

  // ------------------------------------------------------------ validation (Puppet's checker)
  'KSP-VALID-001': { message: 'This {label} has no effect. A value was produced and then forgotten (one or more preceding expressions may have the wrong form)', hint: 'use the value (assign it, pass it), or remove it' },
  'KSP-VALID-002': { message: "Illegal attempt to assign to '{target}'. Not an assignable reference", hint: 'only variables can be assigned' },
  'KSP-VALID-003': { message: "Unacceptable name. The name '{name}' is unacceptable as the name of {definition}", hint: 'names are lower case segments separated by ::' },
  'KSP-VALID-004': { message: 'Illegal expression. {expression} is unacceptable as function name in {call}', hint: 'call a function by its name' },
  'KSP-VALID-005': { message: "The parameter '{name}' is declared more than once in the parameter list", hint: 'declare each parameter once' },
  'KSP-VALID-006': { message: 'Use of reserved word: {word}, must be quoted if intended to be a String value', hint: 'quote the word' },
  'KSP-VALID-007': { message: "Illegal parameter name. The given name '{name}' does not conform to the naming rule /^[a-z_]\\w*$/", hint: 'parameter names are lower case letters, digits and _' },
  'KSP-VALID-008': { message: 'Illegal +> operation on attribute {name}. This operator can not be used in {container}', hint: '+> adds to a value only in overrides and collectors; use =>' },
  'KSP-VALID-009': { message: 'Classes, definitions, and nodes may only appear at toplevel or inside other classes', hint: 'move the definition to the top of a file or into a class' },
  'KSP-VALID-010': { message: 'Illegal expression. {expression} is unacceptable as {role} in {container}', hint: 'see the message for what is accepted there' },
  'KSP-VALID-011': { message: 'This {label} has no effect. {container} can not end with a value-producing expression without other effect', hint: 'use the value, or remove it' },
  'KSP-VALID-012': { message: 'Invalid use of expression. {expression} does not produce a value', hint: 'a definition or collector is not a value' },
  'KSP-VALID-013': { message: "The operator '{operator}' is no longer supported. See http://links.puppet.com/remove-plus-equals", hint: 'assign a new variable with =' },
  'KSP-VALID-014': { message: "Illegal attempt to assign to the numeric match result variable '${name}'. Numeric variables are not assignable", hint: '$0, $1, … are set by matches: use another name' },
  'KSP-VALID-015': { message: "Illegal attempt to assign to '{name}'. Cannot assign to variables in other namespaces", hint: "assign in the variable's own class, without ::" },
  'KSP-VALID-016': { message: 'Illegal attempt to assign via [index/key]. Not an assignable reference', hint: 'values are immutable: build a new array or hash' },
  'KSP-VALID-017': { message: 'Illegal attempt to assign to {target} via [index/key]. Not an assignable reference', hint: 'values are immutable: build a new array or hash' },
  'KSP-VALID-018': { message: 'Assignment not allowed here', hint: 'assign in a statement of its own' },
  'KSP-VALID-019': { message: "Illegal type reference. The given name '{name}' does not conform to the naming rule", hint: 'type names are capitalized segments separated by ::' },
  'KSP-VALID-020': { message: "The hostname '{name}' contains illegal characters (only letters, digits, '_', '-', and '.' are allowed)", hint: 'quote a node name with letters, digits, _, - and . only, or use a regex' },
  'KSP-VALID-021': { message: "Ambiguous EPP parameter expression. Probably missing '<%-' before parameters to remove leading whitespace", hint: 'start the template with <%- | … | -%>' },
  'KSP-VALID-022': { message: "This 'case' statement already has a 'default' entry - this is a duplicate", hint: 'keep one default entry' },
  'KSP-VALID-023': { message: "This Selector Expression already has a 'default' entry - this is a duplicate", hint: 'keep one default entry' },
  'KSP-VALID-024': { message: "The key '{key}' is declared more than once", hint: 'the last value wins; remove the others', severity: 'warning' },
  'KSP-VALID-025': { message: "The name: '{name}' is already defined by Puppet and can not be used as the name of {definition}.", hint: 'choose a name that is not a Puppet type name' },
  'KSP-VALID-026': { message: "The parameter '${name}' must be a literal type, not {expression}", hint: 'write the type itself (String, Integer[1]), not an expression', severity: 'warning' },
  'KSP-VALID-027': { message: "The numeric parameter name '${name}' cannot be used (clashes with numeric match result variables)", hint: 'give the parameter a name that starts with a letter' },
  'KSP-VALID-028': { message: "Parameter ${name} has 'captures rest' - not supported in {container}", hint: '*$rest is for functions and lambdas only' },
  'KSP-VALID-029': { message: "Parameter ${name} is not last, and has 'captures rest'", hint: 'put the *$rest parameter last' },
  'KSP-VALID-030': { message: 'The parameter ${name} redefines a built in parameter in {definition}', hint: 'title, name and metaparameters are set by Puppet: use another name' },
  'KSP-VALID-031': { message: "Illegal numeric variable name, The given name '{name}' must be a decimal value if it starts with a digit 0-9", hint: 'numeric variables are $0, $1, …' },
  'KSP-VALID-032': { message: "Illegal variable name, The given name '{name}' does not conform to the naming rule /^((::)?[a-z]\\w*)*((::)?[a-z_]\\w*)$/", hint: 'variable names are lower case segments separated by ::' },
  'KSP-VALID-033': { message: 'Unfolding of attributes from Hash can only be used once per resource body', hint: 'merge the hashes first: * => $a + $b' },
  'KSP-VALID-034': { message: '{definition} may only appear at toplevel', hint: 'move the definition to the top of a file' },
  'KSP-VALID-035': { message: 'Node inheritance is not supported in Puppet >= 4.0.0. See http://links.puppet.com/puppet-node-inheritance-deprecation', hint: 'share code between nodes with classes' },
  'KSP-VALID-036': { message: 'Syntax error, [] accesses collection content and must have at least one key', hint: 'give [] a key or index' },
  'KSP-VALID-037': { message: 'Expressions of type {expression} are not supported in this version of Puppet', hint: 'this syntax is from a Puppet version Kasper does not follow' },
  'KSP-VALID-038': { message: "{expression} resulted in a value outside of Puppet Integer {bound} range, got '{value}'", hint: 'Puppet integers are 64-bit' },
  'KSP-VALID-039': { message: 'Classes are not virtualizable', hint: 'declare the class without @ or @@' },
  'KSP-VALID-040': { message: 'Resource Defaults are not virtualizable', hint: 'write resource defaults without @ or @@' },
  'KSP-VALID-041': { message: 'Illegal query expression. {expression} cannot be used in a query', hint: 'a collector query compares attributes with == and != joined by and/or' },
  'KSP-VALID-042': { message: 'An interpolated expression is not allowed in a hostname of a node', hint: 'write the node name literally, or use a regex' },
  'KSP-VALID-043': { message: 'This {what} is unacceptable as a top level construct in this location', hint: "a module's manifests hold only classes, defined types, functions and type aliases: move the statement into a class, or into the site manifest" },
  'KSP-VALID-044': { message: "Unacceptable location. The name '{name}' is unacceptable in file '{file}'", hint: "in a module, a class or defined type named mod::a::b lives in mod/manifests/a/b.pp (mod itself in init.pp): rename it or move it to the file its name says" },
} as const satisfies Record<string, MessageDef>;

export const LANGUAGE_MESSAGES = defineCatalogue({
  package: 'language',
  title: 'Lexical, syntax and validation errors (`KSP-LEX-…`, `KSP-PARSE-…`, `KSP-VALID-…`)',
  intro: [
    'From reading Puppet code: `kasper parser validate`, and every command that compiles (a manifest that does not parse fails to compile with these codes).',
    'Lexical errors: the text cannot be split into Puppet tokens; after an unterminated string, comment, heredoc or template tag the rest of the file cannot be read, so nothing after it is reported.',
    "Syntax errors: the tokens do not form Puppet code; the parser recovers and goes on, so every syntax error in a file is reported (at most one per line, since a second one on the same line is almost always a consequence of the first).",
    "Validation errors: the code parses but breaks a rule Puppet checks right after parsing (its validator), in Puppet's own words; they are reported only for files without syntax errors. The two warnings, as in Puppet 7, do not make `kasper parser validate` fail.",
  ].join(' '),
  messages: MESSAGES,
});

export type LanguageCode = keyof typeof MESSAGES;

/** The `{names}` of a template. */
type Placeholders<S extends string> = S extends `${string}{${infer N}}${infer R}` ? N | Placeholders<R> : never;
type ArgsOf<P extends string> = [P] extends [never] ? Record<string, never> : Record<P, unknown>;

/** The arguments a code's template names: each of them, and no others. */
export type MessageArgs<C extends LanguageCode> = ArgsOf<Placeholders<(typeof MESSAGES)[C]['message']>>;

/** A code's message with its arguments, and its severity. */
export function message<C extends LanguageCode>(code: C, args: MessageArgs<C>): { message: string; severity: Severity } {
  const def: MessageDef = MESSAGES[code];
  return { message: formatMessage(def.message, args as Record<string, unknown>), severity: def.severity ?? 'error' };
}
