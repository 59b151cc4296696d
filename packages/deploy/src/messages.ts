// The deploy package's messages (see @kasper/diagnostics).
import { defineCatalogue, raiser } from '@kasper/diagnostics';

export const DEPLOY_MESSAGES = defineCatalogue({
  package: 'deploy',
  title: 'Deploy (`KSP-DEPLOY-…`)',
  intro: 'Errors of `kasper code` (environments deployed from git): shown on the pusher\'s terminal through the pre-receive and post-receive hooks.',
  messages: {
    'KSP-DEPLOY-001': { message: "branch '{branch}' is not a valid environment name: refused", hint: 'environment names are lowercase letters, digits and _ (at most 100): rename the branch' },
    'KSP-DEPLOY-002': { message: 'git {args} failed: {reason}', hint: 'the command and its error output say why' },
    'KSP-DEPLOY-003': { message: '{path}: a symbolic link leads out of the environment ({target}): refused', hint: 'links in the code must point inside it (relative, and resolving to something that exists)' },
    'KSP-DEPLOY-004': { message: 'Puppetfile:{line}: {reason}', hint: "the r10k format: mod 'name', :git => URL, :ref/:tag/:branch/:commit => X, or :local => true" },
    'KSP-DEPLOY-005': { message: "Puppetfile:{line}: forge module '{name}' is not supported: no network forge access", hint: "give the module's git repository instead: mod '{name}', :git => URL, :tag => VERSION" },
    'KSP-DEPLOY-006': { message: "module {name}: {what} '{ref}' not found in {url}", hint: 'the branch, tag or commit does not exist in that repository' },
    'KSP-DEPLOY-007': { message: '{path} is not a Kasper code repository', hint: "create it with 'kasper code init'" },
    'KSP-DEPLOY-009': { message: 'push refused (push_gate = {gate}): {reason}; environment {branch} stays at {deployed}', hint: 'fix the code and push again: the push diff above names the nodes and the errors (the full report: kasper report diffs). push_gate in kasper.conf: off, broken or failed' },
    'KSP-DEPLOY-010': { message: "no push diff report '{id}' in {dir}", hint: "kasper report diffs lists them (the newest {keep} are kept)" },
    'KSP-DEPLOY-011': { message: "the push diff cannot read the nodes' facts from the master's storage as user {user}: {reason}", hint: "with SQLite (a file only the master's account may read) the hooks must run as that account; with PostgreSQL give this one a role that can read. push_diff = false in kasper.conf turns the diff off" },
    'KSP-DEPLOY-012': { message: 'the push diff did not finish in {seconds} s ({done} of {total} nodes compiled)', hint: 'push_diff_timeout in kasper.conf bounds it (0: no limit); more push_diff_workers, or a compile that never ends (look for recursion in the pushed code)' },
    'KSP-DEPLOY-008': { message: 'another deploy of {name} held its lock for 5 minutes (lock {lock})', hint: 'a deploy waits for the one before; a lock whose process is gone is taken over. Run kasper code deploy {name} once the other finishes' },
  },
});

export const raise = raiser(DEPLOY_MESSAGES);
