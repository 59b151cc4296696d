// The agent's messages (see @kasper/diagnostics): what a run, its graph and the agent's talk
// with its master fail with, as `kasper apply` and `kasper agent` log them and the run's report
// keeps them. Wording is Puppet 7's where Puppet has a message for the same case (a dependency
// cycle, an unknown parameter, a source that cannot be listed, a provider that cannot prefetch).
import { KasperError, defineCatalogue, raiser } from '@kasper/diagnostics';

export const AGENT_MESSAGES = defineCatalogue({
  package: 'agent',
  title: 'Agent runs (`KSP-AGENT-…`)',
  intro: 'From `kasper apply` and `kasper agent`: a catalog that cannot be ordered, a resource the run cannot evaluate, and the agent\'s talk with its master (certificates, catalogs, files, plugins). Logged with their code in the run log (`logdest`) and in the report\'s logs.',
  messages: {
    'KSP-AGENT-001': { message: '{server} refused our certificate during the TLS handshake ({detail})', hint: 'the master no longer accepts this agent\'s certificate (revoked or cleaned): the run\'s error says how to rejoin' },
    'KSP-AGENT-002': { message: "Could not verify {server}'s certificate against the pinned CA ({reason}): is this the same master? (the CA is pinned in <confdir>/ssl/certs/ca.pem)", hint: 'the server answering is not the master whose CA was pinned: check server, or remove ssl/ to start over with a new master' },
    'KSP-AGENT-003': { message: "the master's answer could not be inflated: {reason}", hint: 'the master sent a broken gzip body: check a proxy between agent and master' },
    'KSP-AGENT-004': { message: 'the master did not answer in time', hint: 'the master is overloaded or unreachable: check it, the run is tried again at the next runinterval' },
    'KSP-AGENT-005': { message: 'Could not get the CA certificate from {server}: HTTP {status}', hint: 'check server and masterport: the master serves its CA at /puppet-ca/v1/certificate/ca' },
    'KSP-AGENT-006': { message: "The certificate the master has for {certname} does not match our private key: clean it on the master ('puppetserver ca clean --certname {certname}' or 'kasper ca clean {certname}') and run again", hint: 'another key asked for this certname: clean it on the master' },
    'KSP-AGENT-007': { message: 'The master refused the certificate request: {answer}', hint: 'the master\'s answer says why (a certname taken, a request pending)' },
    'KSP-AGENT-008': { message: "No certificate for {certname} yet and waitforcert is 0: sign it on the master ('kasper ca sign {certname}', or 'puppetserver ca sign --certname {certname}') and run again", hint: 'sign the request, or give waitforcert a number of seconds to wait' },
    'KSP-AGENT-009': { message: 'the master answered HTTP {status}: {answer}', hint: 'the master could not compile or serve the catalog: its answer and log say why; the cached catalog is applied meanwhile' },
    'KSP-AGENT-010': { message: 'the master answered HTTP {status} for {path}: {answer}', hint: 'the master could not serve the file: check the module and the path' },
    'KSP-AGENT-011': { message: 'the master has no {mount} mount', hint: 'the master does not serve modules\' plugins: is it a Puppet 7 or Kasper master?' },
    'KSP-AGENT-012': { message: 'could not get {mount} file {path}: {reason}', hint: 'what was synced before is kept; the next run tries again' },
    'KSP-AGENT-014': { message: 'Found 1 dependency cycle: ({cycle})', hint: 'the resources listed require each other in a loop (through require, before, notify, subscribe, containment or autorequires): remove one of the relationships' },
    'KSP-AGENT-015': { message: "no parameter named '{name}'", hint: 'the type has no such parameter or property: check its spelling (docs/agent.md lists each type\'s)' },
    'KSP-AGENT-016': { message: 'Could not list {sources}: {reason}', hint: 'the master could not list the recursive source: the resource fails, those depending on it are skipped' },
    'KSP-AGENT-017': { message: 'Could not retrieve information from environment {environment} source(s) {sources}', hint: 'none of the recursive file\'s sources exists: check the module and the path' },
    'KSP-AGENT-018': { message: "Could not prefetch {type} provider '{provider}': {reason}", hint: 'the provider could not read the current state at once; each resource is retrieved alone', severity: 'warning' },
    'KSP-AGENT-019': { message: 'Another agent run is in progress (lock held); skipping this one', hint: 'a run is going on (or its lock <vardir>/state/agent_catalog_run.lock was left by a process still alive)' },
    'KSP-AGENT-020': { message: 'Could not get a catalog ({reason}) and there is no cached catalog', hint: 'the master could not give a catalog and no run got one before: fix the master\'s side first' },
    'KSP-AGENT-021': { message: 'The certificate of {certname} has been revoked: {server} refuses it ({detail}). To rejoin, {rejoin}', hint: 'the CA revoked this agent: clean the name on the master and let the agent ask anew' },
    'KSP-AGENT-022': { message: 'The CA of {server} no longer has a certificate for {certname} (cleaned?): {server} refuses ours ({detail}). To rejoin, {rejoin}', hint: 'the name was cleaned on the master: remove the agent\'s key and certificate and run again' },
    'KSP-AGENT-024': { message: 'Could not write {path}: {reason}', hint: 'the file holds this resource\'s change (file_line, ini_setting …) and could not be written: check the folder exists and is writable' },
    'KSP-AGENT-025': { message: 'Would be managed by {type} provider {provider} once {packages} {verb} installed (it needs {commands}, not on this host yet)', hint: 'in noop nothing is installed, so a provider whose command a package of this run brings cannot run yet; without --noop it is chosen once the package is in' },
    'KSP-AGENT-041': { message: "Unknown function '{name}'", hint: 'without the compiler\'s function library (an agent used as a library), only join, unwrap, dig and $facts resolve a Deferred: kasper apply and kasper agent pass the whole library' },
    'KSP-AGENT-042': { message: "'{function}' {problem}", hint: 'a Deferred called a built-in agent function with arguments it does not take' },
    'KSP-AGENT-040': { message: "Could not resolve the Deferred value of {resource}'s '{parameter}': {reason}", hint: 'a function the catalog left for the agent failed or is unknown here, so nothing was applied (as Puppet 7 does with preprocess_deferred): the reason says why; agent-side functions are the compiler\'s built-in ones, the environment\'s and modules\' (docs/agent.md)' },
    'KSP-AGENT-023': { message: '{server} refused our certificate ({detail})', hint: 'the master does not accept this agent\'s certificate: check it is the master that signed it' },
  },
});

/** What the agent throws: a KasperError from its catalogue. */
export class AgentError extends KasperError {}

/** The master ended the TLS handshake because of our certificate (revoked, cleaned, another CA's). */
export class CertificateRefused extends AgentError {
  /** What the handshake said: `TLS alert: certificate unknown`. */
  get detail(): string {
    return String(this.args.detail);
  }
}

/** The catalog's relationships make a loop: nothing is applied. */
export class CycleError extends AgentError {
  /** The refs of the loop, in apply order, the first again at the end. */
  get cycle(): string[] {
    return this.args.refs as string[];
  }
}

export const raise = raiser(AGENT_MESSAGES, AgentError);
export const refused = raiser(AGENT_MESSAGES, CertificateRefused);
export const cycle = raiser(AGENT_MESSAGES, CycleError);

/** The catalogue code an error carries, if any (a KasperError's, or one that crossed a boundary as data). */
export function codeOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^KSP-[A-Z]+-\d{3}$/.test(code) ? code : undefined;
}
