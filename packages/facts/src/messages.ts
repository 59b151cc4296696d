// The facts package's messages (see @kasper/diagnostics): external facts that cannot be read are
// warnings (the run goes on without them, as Facter's do); asking for a fact that is not there is
// an error of `kasper facts NAME`.
import { KasperError, defineCatalogue, raiser } from '@kasper/diagnostics';

export const FACTS_MESSAGES = defineCatalogue({
  package: 'facts',
  title: 'Facts (`KSP-FACTS-…`)',
  intro: "From collecting this host's facts (`kasper facts`, `kasper apply`, agent runs). An external fact file that cannot be read is a warning: its facts are left out and the rest are collected.",
  messages: {
    'KSP-FACTS-001': { message: 'Could not read external facts from {path}: {reason}', severity: 'warning', hint: 'the file is not valid YAML or JSON, or cannot be read; the reason says which' },
    'KSP-FACTS-002': { message: 'Could not read external facts from {path}: it holds a {kind}, not a map of facts', severity: 'warning', hint: 'a YAML or JSON fact file holds a map: fact name to value' },
    'KSP-FACTS-003': { message: 'Could not read external facts from {path}: timed out after {ms} ms', severity: 'warning', hint: 'an executable fact must print its facts within 10 s; make it faster or cache its answer' },
    'KSP-FACTS-004': { message: 'Could not read external facts from {path}: exited with {status}{detail}', severity: 'warning', hint: 'run the executable by hand: it must exit 0 and print key=value lines, YAML or JSON' },
    'KSP-FACTS-005': { message: "no fact named '{name}'", hint: "'kasper facts' prints every fact; structured facts are named with dots (os.release.major)" },
  },
});

/** What the facts package throws or warns with: a KasperError from its catalogue. */
export class FactsError extends KasperError {}

export const raise = raiser(FACTS_MESSAGES, FactsError);
