// `kasper secret createkeys|encrypt|decrypt|edit`: hiera-eyaml's command, on its files and keys
// (the work is in @kasper/secrets).
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import type { Output } from './output.ts';
import { raise } from './messages.ts';

interface KeyFlags {
  pkcs7PrivateKey?: string;
  pkcs7PublicKey?: string;
  pkcs7PrivateKeyEnvVar?: string;
  pkcs7PublicKeyEnvVar?: string;
}

function keyFlags(c: Command): Command {
  return c
    .option('--pkcs7-private-key <file>', 'the private key (default: eyaml\'s configuration, else ./keys/private_key.pkcs7.pem)')
    .option('--pkcs7-public-key <file>', 'the public key, a certificate (default: eyaml\'s configuration, else ./keys/public_key.pkcs7.pem)')
    .option('--pkcs7-private-key-env-var <name>', 'read the private key\'s PEM text from this environment variable')
    .option('--pkcs7-public-key-env-var <name>', 'read the public key\'s PEM text from this environment variable');
}

async function keyring(opts: KeyFlags) {
  const { Keyring, eyamlKeyOptions } = await import('@kasper/secrets');
  return new Keyring(eyamlKeyOptions({ privateKey: opts.pkcs7PrivateKey, publicKey: opts.pkcs7PublicKey, privateKeyEnv: opts.pkcs7PrivateKeyEnvVar, publicKeyEnv: opts.pkcs7PublicKeyEnvVar }));
}

async function stdinText(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A password typed on the terminal, not echoed (eyaml's -p); without a terminal, the first line
 * of standard input. Kept out of the shell's history, unlike -s.
 */
async function readPassword(prompt: (s: string) => void): Promise<string> {
  const { createInterface } = await import('node:readline');
  const { Writable } = await import('node:stream');
  const tty = process.stdin.isTTY === true;
  if (tty) prompt('Enter password: ');
  const muted = new Writable({ write: (_c, _e, done) => done() });
  const rl = createInterface({ input: process.stdin, output: muted, terminal: tty });
  try {
    const line = await new Promise<string>((resolve) => {
      rl.once('line', resolve);
      rl.once('close', () => resolve(''));
    });
    return line;
  } finally {
    rl.close();
    if (tty) prompt('\n');
  }
}

interface SourceFlags {
  password?: boolean;
  string?: string;
  file?: string;
  stdin?: boolean;
  eyaml?: string;
}

function sourceFlags(c: Command, verb: string): Command {
  return c
    .option('-s, --string <text>', `${verb} this text`)
    .option('-f, --file <file>', `${verb} the content of a file`)
    .option('--stdin', `${verb} standard input`)
    .option('-e, --eyaml <file>', verb === 'encrypt' ? 'encrypt every DEC::PKCS7[…]! marker of an eyaml file' : 'show every value of an eyaml file as DEC::PKCS7[…]!');
}

async function source(o: SourceFlags, out: Output): Promise<{ kind: 'password' | 'string' | 'file' | 'stdin' | 'eyaml'; text: string; name: string }> {
  const given = (['password', 'string', 'file', 'stdin', 'eyaml'] as const).filter((k) => o[k] !== undefined && o[k] !== false);
  if (given.length !== 1) throw raise('KSP-CLI-028', { sources: given.length ? `got ${given.map((g) => `--${g}`).join(' and ')}` : '-p, -s, -f, --stdin or -e' });
  const kind = given[0];
  if (kind === 'password') return { kind, text: await readPassword((s) => out.stderr(s)), name: '<password>' };
  const read = (f: string) => {
    try {
      return readFileSync(f, 'utf8');
    } catch (e) {
      throw raise('KSP-CLI-004', { file: f, reason: (e as NodeJS.ErrnoException).code ?? (e as Error).message });
    }
  };
  if (kind === 'string') return { kind, text: o.string!, name: '<string>' };
  if (kind === 'stdin') return { kind, text: await stdinText(), name: '<stdin>' };
  return { kind, text: read(kind === 'file' ? o.file! : o.eyaml!), name: kind === 'file' ? o.file! : o.eyaml! };
}

/** Printed as eyaml prints (Ruby's puts): a line break added unless the text ends with one. */
function puts(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

export function secretCommand(out: Output): Command {
  const secret = new Command('secret').description("encrypted Hiera data in hiera-eyaml's format: ENC[PKCS7,…] values, read by lookup_key: eyaml_lookup_key");
  secret.addCommand(keyFlags(new Command('createkeys'))
    .description('create a key pair (an RSA key and a self-signed certificate) as eyaml createkeys does; never overwrites')
    .option('--pkcs7-subject <subject>', 'the certificate\'s subject', '/')
    .option('--pkcs7-keysize <bits>', 'the RSA key size', '2048')
    .action(async (opts: KeyFlags & { pkcs7Subject: string; pkcs7Keysize: string }) => {
      const { createKeys, eyamlKeyOptions } = await import('@kasper/secrets');
      const o = eyamlKeyOptions({ privateKey: opts.pkcs7PrivateKey, publicKey: opts.pkcs7PublicKey });
      const made = createKeys({ privateKey: o.privateKey!, publicKey: o.publicKey!, subject: opts.pkcs7Subject, keysize: Number(opts.pkcs7Keysize) });
      out.stdout(`created ${made.privateKey} (private: keep it on the master only, mode 0600) and ${made.publicKey} (public: anyone who encrypts needs it)\n`);
    }));
  secret.addCommand(sourceFlags(keyFlags(new Command('encrypt')), 'encrypt')
    .description('encrypt text for the public key, printed as eyaml prints it')
    .option('-o, --output <format>', 'examples, block or string', 'examples')
    .option('-l, --label <name>', 'print the value as "name: ENC[…]"')
    .option('-p, --password', 'encrypt a password typed on the terminal (not echoed, not in the shell\'s history)')
    .action(async (opts: KeyFlags & SourceFlags & { output: string; label?: string }) => {
      const { encryptForOutput, encryptMarkers } = await import('@kasper/secrets');
      const src = await source(opts, out);
      const keys = await keyring(opts);
      if (src.kind === 'eyaml') out.stdout(puts(encryptMarkers(src.text, keys, src.name)));
      else out.stdout(puts(encryptForOutput(src.text, keys, ['string', 'block', 'examples'].includes(opts.output) ? (opts.output as 'string') : 'string', opts.label)));
    }));
  secret.addCommand(sourceFlags(keyFlags(new Command('decrypt')), 'decrypt')
    .description('decrypt the ENC[…] values of a text or file (with -e: as DEC::PKCS7[…]! markers)')
    .action(async (opts: KeyFlags & SourceFlags) => {
      const { decryptText, decryptToMarkers } = await import('@kasper/secrets');
      const src = await source(opts, out);
      const keys = await keyring(opts);
      const text = src.kind === 'eyaml' ? decryptToMarkers(src.text, keys, src.name) : decryptText(src.text, keys, src.name);
      out.stdout(puts(text));
    }));
  secret.addCommand(keyFlags(new Command('edit'))
    .description('edit an eyaml file decrypted ($EDITOR), then encrypt what changed; the old file is kept as FILE.bak')
    .argument('<file>', 'the eyaml file (created when missing)')
    .option('--no-preamble', 'do not put the explanation at the top of the edited text')
    .action(async (file: string, opts: KeyFlags & { preamble: boolean }) => {
      const { editFile } = await import('@kasper/secrets');
      const r = editFile(file, await keyring(opts), { preamble: opts.preamble });
      out.stderr(r.changed ? `${file}: saved${r.backup ? ` (the previous version is ${r.backup})` : ''}\n` : `${file}: no changes\n`);
    }));
  return secret;
}
