// The CA's messages (see @kasper/diagnostics): what `kasper ca` prints and the master's CA routes
// answer. Wording follows puppetserver's where it has a message for the same case.
import { KasperError, defineCatalogue, raiser } from '@kasper/diagnostics';

export const CA_MESSAGES = defineCatalogue({
  package: 'ca',
  title: 'Certificate authority (`KSP-CA-…`)',
  intro: 'From `kasper ca …` and the master\'s `/puppet-ca/v1` routes: certificate requests, signing, revocation, the CA\'s files. Over HTTP each comes with the status shown in the message\'s page.',
  messages: {
    'KSP-CA-001': { message: "Invalid certname '{name}': use lower-case letters, digits, '.', '-' and '_'", hint: 'certnames are lower case; check the agent\'s certname setting', status: 400 },
    'KSP-CA-002': { message: 'Refused {path}: a link leads out of its folder', hint: 'a symbolic link in the CA folder points elsewhere: remove it', status: 403 },
    'KSP-CA-003': { message: 'The certificate request is too large', hint: 'a CSR is a few KiB; this one is over 64 KiB', status: 400 },
    'KSP-CA-004': { message: 'Instance name "{name}" does not match requested key "{urlName}"', hint: 'the CSR\'s subject must be the name the agent submits it under', status: 400 },
    'KSP-CA-005': { message: '{name} already has a {state} certificate; ignoring certificate request', hint: "to replace it: 'kasper ca clean NAME' on the master, then remove the agent's ssl folder", status: 400 },
    'KSP-CA-006': { message: '{name} already has a requested certificate; ignoring certificate request', hint: "another key asked for this name: check 'kasper ca list', clean the name if the pending request is not the one you want", status: 400 },
    'KSP-CA-007': { message: "{name} already has a signed certificate; 'kasper ca clean {name}' first to replace it", hint: 'clean the name before signing a new request for it', status: 409 },
    'KSP-CA-008': { message: 'Could not find a certificate request for {name}', hint: "'kasper ca list' shows the pending requests", status: 404 },
    'KSP-CA-009': { message: 'The pending request for {name} is not the one the autosign policy approved', hint: 'a new request replaced it while the policy ran; it stays pending', status: 409 },
    'KSP-CA-010': { message: "The request's name {csrName} is not {name}", hint: 'sign the request under its own name', status: 400 },
    'KSP-CA-011': { message: 'The request for {name} asks for alt names ({altNames}); sign it with --allow-dns-alt-names if they are wanted', hint: 'alt names let a certificate stand for other hosts: sign only if intended', status: 400 },
    'KSP-CA-012': { message: "The request for {name} asks for authorization extensions ({extensions}), which grant rights beyond a node's; sign it with --allow-authorization-extensions if they are wanted", hint: 'pp_cli_auth and friends grant CA administration: sign only for operators', status: 400 },
    'KSP-CA-013': { message: "The certificate presented is not {name}'s current certificate", hint: 'the agent renews only its current certificate', status: 403 },
    'KSP-CA-014': { message: 'The certificate of {name} is revoked', hint: 'a revoked certificate cannot be renewed: clean the name and let the agent ask anew', status: 403 },
    'KSP-CA-015': { message: 'Could not find a signed certificate for {name}', hint: "'kasper ca list --all' shows the signed certificates", status: 404 },
    'KSP-CA-016': { message: 'Malformed certificate request: {reason}', hint: 'the CSR is not a PEM certificate request', status: 400 },
    'KSP-CA-017': { message: 'The certificate request signature does not verify', hint: 'the CSR was altered or made with another key', status: 400 },
    'KSP-CA-018': { message: 'The certificate request has no common name', hint: 'a CSR names its node in its subject\'s CN', status: 400 },
    'KSP-CA-019': { message: "The CA is busy: {lock} is held by process {pid} on {host}; try again (remove the file only if no Kasper master or 'kasper ca' runs)", hint: 'another writer holds the CA lock; a stale lock (dead process) is taken over by itself', status: 503 },
    'KSP-CA-020': { message: 'The serial file {path} is damaged', hint: 'restore serial from a backup, or set it past the highest serial in inventory.txt', status: 500 },
    'KSP-CA-021': { message: "{name} already has {what}; to give it other alt names: 'kasper ca clean {name}', remove {keyPath} and {certPath}, then run 'kasper ca setup --dns-alt-names …' again", hint: 'setup does not replace an existing master certificate', status: 409 },
    'KSP-CA-022': { message: '--certname is for setup (with --dns-alt-names)', hint: 'use --certname with setup only', status: 400 },
    'KSP-CA-023': { message: "No CA in {dir}: run 'kasper ca setup' (or start the master) first", hint: 'point --confdir at the master\'s confdir', status: 404 },
    'KSP-CA-024': { message: 'Name the nodes to sign, or use --all', hint: "'kasper ca list' shows what is pending", status: 400 },
    'KSP-CA-025': { message: 'No pending certificate requests', hint: 'nothing to sign', status: 404 },
    'KSP-CA-026': { message: 'Nothing known about {name}', hint: "'kasper ca list --all' shows every name", status: 404 },
    'KSP-CA-027': { message: "Unknown action '{action}': use setup, list, sign, revoke, clean, generate or show", hint: "see 'kasper ca --help'", status: 400 },
    'KSP-CA-028': { message: 'The CRL is malformed: {reason}', hint: 'the CA\'s certificate revocation list could not be read: fetch it again (an agent, a master that is not the CA) or check the CA folder' },
  },
});

/** What the CA throws: a KasperError from its catalogue; `status` is the HTTP status it maps to. */
export class CAError extends KasperError {
  get status(): number {
    return this.statusCode;
  }
}

export const raise = raiser(CA_MESSAGES, CAError);
