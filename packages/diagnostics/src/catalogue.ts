// A package's messages as data: each has a stable code (`KSP-CA-003`), a template with named
// arguments (`{name}`), a severity, and a line saying what to do, from which docs/errors.md is
// generated. A package raises only what its catalogue holds, so every message has a code, a
// documented page, and one wording — Puppet's where Puppet has a message for the same case.

export type Severity = 'error' | 'warning';

export interface MessageDef {
  /** The text, with `{argument}` placeholders. */
  message: string;
  /** What the person reading it should do; one line, for docs/errors.md. */
  hint: string;
  severity?: Severity;
  /** The HTTP status the master answers with when this error ends a request. */
  status?: number;
}

export interface Catalogue<C extends string = string> {
  /** The package, as in `@kasper/<package>`. */
  package: string;
  /** A heading and a paragraph introducing the package's messages in docs/errors.md. */
  title: string;
  intro: string;
  messages: Record<C, MessageDef>;
}

const catalogues = new Map<string, Catalogue>();
const byCode = new Map<string, MessageDef>();

/** Declares a package's catalogue; codes are unique across all packages. */
export function defineCatalogue<C extends string>(catalogue: Catalogue<C>): Catalogue<C> {
  for (const [code, def] of Object.entries(catalogue.messages) as [string, MessageDef][]) {
    if (!/^KSP-[A-Z]+-\d{3}$/.test(code)) throw new Error(`Malformed diagnostic code ${code} in @kasper/${catalogue.package}`);
    const known = byCode.get(code);
    if (known && known !== def) throw new Error(`Diagnostic code ${code} is defined twice`);
    byCode.set(code, def);
  }
  catalogues.set(catalogue.package, catalogue as Catalogue);
  return catalogue;
}

/** Every catalogue declared so far (those of the packages imported), by package name. */
export function allCatalogues(): Catalogue[] {
  return [...catalogues.values()].sort((a, b) => a.package.localeCompare(b.package));
}

export function messageDef(code: string): MessageDef | undefined {
  return byCode.get(code);
}

/** Fills a template's `{name}` placeholders; a missing argument stays visible as `{name}`. */
export function formatMessage(template: string, args: Record<string, unknown> = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in args ? String(args[name]) : m));
}
