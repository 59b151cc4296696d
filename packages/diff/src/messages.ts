// The diff package's messages (see @kasper/diagnostics): input `kasper diff` cannot use — an
// option, a REF, a facts folder. A node that fails to compile is not one of them: that is data
// in the report (its failure, with the compiler's code).
import { KasperError, defineCatalogue, raiser } from '@kasper/diagnostics';

export const DIFF_MESSAGES = defineCatalogue({
  package: 'diff',
  title: 'Catalog diffs (`KSP-DIFF-…`)',
  intro: "From `kasper diff`: options, code versions (REFs) and fact sources it cannot use. It exits 1 without comparing. A node whose catalog fails to compile is reported in the diff, with the compiler's own code.",
  messages: {
    'KSP-DIFF-001': { message: "--ignore '{pattern}': expected a resource reference such as 'File[/tmp/*]'", hint: 'write Type[title], with * for any run of characters' },
    'KSP-DIFF-002': { message: "--ignore-param '{pattern}': expected TYPE.param such as 'File.mode' or '*.loglevel'", hint: 'name the type (or *) and the parameter, separated by a dot' },
    'KSP-DIFF-003': { message: "'{ref}' is not a folder, and {repo} is not a git repository to look it up in", hint: 'give a folder, or run from (or point --repo at) the git repository of the code' },
    'KSP-DIFF-004': { message: "'{ref}' is neither a folder nor a revision of the git repository {repo}", hint: "a REF is a folder, a branch, a tag or a commit; 'git fetch' if it is only on the remote" },
    'KSP-DIFF-005': { message: "cannot check out '{ref}': {reason}", hint: 'git could not add a worktree for it; the reason is git\'s' },
    'KSP-DIFF-006': { message: 'the facts folder {dir} does not exist', hint: '--facts names a folder of <node>.json or <node>.yaml files' },
    'KSP-DIFF-008': { message: "the master's storage gave no answer for {node}'s exported resources {reason}", hint: "--stored-exports reads the master's storage: check it is reachable (kasper node list)" },
    'KSP-DIFF-007': { message: 'no facts for {nodes}: expected {expected} in {dir}', hint: "save a node's facts with 'kasper facts' (or 'puppet facts') as <node>.json in the folder" },
  },
});

/** Input the user can fix (a REF, a facts folder, an option): a clear message, exit 1. */
export class DiffInputError extends KasperError {}

export const raise = raiser(DIFF_MESSAGES, DiffInputError);
