// The secrets package's messages (see @kasper/diagnostics).
import { defineCatalogue, raiser } from '@kasper/diagnostics';

export const SECRETS_MESSAGES = defineCatalogue({
  package: 'secrets',
  title: 'Secrets (`KSP-SECRET-…`)',
  intro: "Errors of encrypted Hiera data in hiera-eyaml's format (`ENC[PKCS7,…]`) and of `kasper secret`.",
  messages: {
    'KSP-SECRET-001': { message: 'cannot read the {which} key {path}: {reason}', hint: "check pkcs7_private_key / pkcs7_public_key (hiera.yaml options, or kasper secret's --pkcs7-private-key / --pkcs7-public-key); create a pair with 'kasper secret createkeys'" },
    'KSP-SECRET-002': { message: 'cannot decrypt {what}: {reason}', hint: 'the value was encrypted for another key pair, or its text was damaged (cut, re-wrapped, edited); encrypt it again with the right public key' },
    'KSP-SECRET-003': { message: "{what}: encryption scheme '{scheme}' is not supported: only PKCS7", hint: 'hiera-eyaml plugins other than PKCS7 (GPG, KMS …) are not read; re-encrypt the value with the PKCS7 key pair' },
    'KSP-SECRET-004': { message: 'no {which} key given: {hint}', hint: 'name the key file (hiera.yaml options pkcs7_private_key / pkcs7_public_key, or --pkcs7-private-key / --pkcs7-public-key), or the environment variable holding it' },
    'KSP-SECRET-005': { message: '{reason}: {file} is unchanged', hint: 'the edited text was not saved; the file is as it was. Fix the DEC(n)::PKCS7[…]! markers and edit again' },
    'KSP-SECRET-006': { message: '{path} already exists: refusing to overwrite a key', hint: 'keys are never replaced: move the old pair away first (values encrypted for it can then no longer be read)' },
    'KSP-SECRET-008': { message: "'{subject}' is not a certificate subject", hint: 'write the subject as eyaml does: /CN=name/O=organisation, or / for none' },
    'KSP-SECRET-009': { message: 'cannot read the eyaml configuration {file}: {reason}', hint: 'the file is YAML: pkcs7_private_key: PATH, pkcs7_public_key: PATH' },
    'KSP-SECRET-007': { message: 'the editor {editor} failed ({reason}): {file} is unchanged', hint: 'set EDITOR or VISUAL to an editor that exits with status 0 after saving' },
  },
});

export const raise = raiser(SECRETS_MESSAGES);
