// The master's messages (see @kasper/diagnostics): what its routes answer, with the HTTP status.
// Wording follows puppetserver's where it has a message for the same case.
import { defineCatalogue, raiser } from '@kasper/diagnostics';

export const MASTER_MESSAGES = defineCatalogue({
  package: 'master',
  title: 'Master (`KSP-MASTER-…`)',
  intro: 'Answers of `kasper master` to agents and tools, in the body\'s `message` with the code in `code` and Puppet\'s `issue_kind`. Errors the compiler or the CA raise keep their own codes.',
  messages: {
    'KSP-MASTER-001': { message: "A certificate signed by this master's CA is required ({reason})", hint: 'the client has no certificate, or one this CA did not sign, or a revoked one', status: 401 },
    'KSP-MASTER-002': { message: '{certname} may not access {what} of {node}', hint: 'a node gets only its own catalog, facts and reports', status: 403 },
    'KSP-MASTER-003': { message: "{certname} may not administer the CA (it needs the pp_cli_auth extension)", hint: 'use the master\'s certificate, or one signed with pp_cli_auth (--allow-authorization-extensions)', status: 403 },
    'KSP-MASTER-004': { message: "Could not find environment '{name}'", hint: 'the environment folder does not exist under environmentpath', status: 404 },
    'KSP-MASTER-005': { message: 'Invalid request: {reason}', hint: 'a name or parameter does not match its grammar; the reason says which', status: 400 },
    'KSP-MASTER-006': { message: 'Invalid facts in the request: {reason}', hint: 'the facts are not JSON (Puppet 7 sends them URL-encoded twice; both forms are read)', status: 400 },
    'KSP-MASTER-007': { message: 'The facts must be a JSON object', hint: 'send {"values": {...}} or the facts hash', status: 400 },
    'KSP-MASTER-008': { message: 'The request body nests deeper than {max} levels', hint: 'no real facts or report nest this deep', status: 400 },
    'KSP-MASTER-009': { message: 'Compile failed for {node}: {reason}', hint: 'the compiler\'s own code and place are in the answer; `kasper compile` shows it with a caret', status: 500 },
    'KSP-MASTER-010': { message: "The node classifier's answer for {node} is not valid: {reason}", hint: 'the external_nodes executable must print YAML: environment, classes, parameters', status: 500 },
    'KSP-MASTER-011': { message: 'The node classifier failed for {node}: {reason}', hint: 'run the external_nodes executable by hand with the certname', status: 500 },
    'KSP-MASTER-012': { message: 'Too many node classifications are waiting; try again', hint: 'the classifier is slow; agents retry on their next run', status: 503 },
    'KSP-MASTER-013': { message: 'Not Found: Could not find {what} {path}', hint: 'the file is not in any module of the environment\'s modulepath', status: 404 },
    'KSP-MASTER-014': { message: 'A {algorithm} checksum has {digits} hex digits', hint: 'the URL\'s checksum is malformed', status: 400 },
    'KSP-MASTER-015': { message: 'The content does not match its {algorithm} checksum {checksum}', hint: 'the upload was altered or cut short', status: 400 },
    'KSP-MASTER-016': { message: 'Invalid certificate subject: no certificate or request for {name}', hint: "'kasper ca list --all' shows every name", status: 404 },
    'KSP-MASTER-017': { message: 'No route for {method} {path}', hint: 'see docs/master.md for the routes', status: 404 },
    'KSP-MASTER-018': { message: 'Internal error (request {id})', hint: 'the master\'s log has the details under this request id', status: 500 },
    'KSP-MASTER-022': { message: '{certname} may not forward certificate renewals: only a master, whose certificate carries one of this CA master\'s names ({names}), vouches for its clients', hint: 'every master\'s certificate carries the name agents reach the masters by (--dns-alt-names, signed with --allow-dns-alt-names); a node renews its own certificate directly', status: 403 },
    'KSP-MASTER-023': { message: '{certname} may not {what} (it needs the pp_cli_auth extension)', hint: "use the master's certificate, or one signed with pp_cli_auth (--allow-authorization-extensions)", status: 403 },
    'KSP-MASTER-024': { message: '{node} is not connected to this master or another on its store: it cannot be asked for a run now', hint: "the agent is stopped, runs with --onetime, or its connection dropped (it runs on its interval and reconnects); 'kasper run --connected' lists who is connected", status: 409 },
    'KSP-MASTER-025': { message: 'No run {id} is known', hint: 'the run was asked of another master, or more than a day ago, and no report of it is stored', status: 404 },
    'KSP-MASTER-019': { message: 'The store gave no answer for exported resources {reason}', hint: "the master's storage is slow or down: see the master's log", status: 500 },
    'KSP-MASTER-020': { message: 'The CA server {server} cannot be reached: {reason}', hint: 'this master is not the CA (ca_server): the CA master must be up for new certificates; runs of agents with certificates go on', status: 503 },
    'KSP-MASTER-021': { message: '{path} is served by the CA master ({server}), not by this master', hint: 'send CA administration to the CA master itself (its address, or ca_server on the agent)', status: 503 },
  },
});

export const raise = raiser(MASTER_MESSAGES);
