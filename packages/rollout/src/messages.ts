// The rollout's messages (see @kasper/diagnostics).
import { defineCatalogue, KasperError, raiser } from '@kasper/diagnostics';

export const ROLLOUT_MESSAGES = defineCatalogue({
  package: 'rollout',
  title: 'Rolling runs (`KSP-ROLLOUT-…`)',
  intro: '`kasper run`: nodes asked to run through the master, in batches, with hooks and health checks.',
  messages: {
    'KSP-ROLLOUT-001': { message: 'No active node matches {query}', hint: "'kasper node list' shows the nodes the master knows; a node is known once it has sent facts" },
    'KSP-ROLLOUT-002': { message: '--batch {value} is not a number of nodes or a percentage', hint: 'write --batch 2 or --batch 20%' },
    'KSP-ROLLOUT-003': { message: 'The master at {server} answered {status} to {what}: {answer}', hint: "kasper run uses the master's own certificate (or one with pp_cli_auth) from <confdir>/ssl: run it on the master, as the master's user" },
    'KSP-ROLLOUT-004': { message: 'Cannot reach the master at {server}: {reason}', hint: 'is kasper master running, and are --server and --port right?' },
    'KSP-ROLLOUT-005': { message: 'No certificate to talk to the master with: {path} is missing', hint: "kasper run uses the master's certificate: run it on the master with the master's --confdir, or give --certname of a certificate with pp_cli_auth" },
    'KSP-ROLLOUT-006': { message: '--max-failures {value} is not a whole number of nodes', hint: 'write --max-failures 0 to stop at the first failure (the default)' },
    'KSP-ROLLOUT-007': { message: '--check and --check-url cannot be given together', hint: 'give one health check' },
  },
});

export class RolloutError extends KasperError {}

export const raise = raiser(ROLLOUT_MESSAGES, RolloutError);
