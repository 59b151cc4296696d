// Revocation on a master that is not the CA: every request is checked against the CRL fetched
// from the CA master (TLS itself checks only new handshakes), read again when the file changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CertificateAuthority } from '@kasper/ca';
import { fetchedCrlReader, Revocations } from '../src/identity.ts';

test("a non-CA master's revocations follow the fetched CRL; an unreadable one keeps the last", () => {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-revocations-'));
  try {
    const ca = new CertificateAuthority(join(dir, 'ca'));
    ca.setup();
    const probe = ca.generate('probe.test');
    const serial = new X509Certificate(probe.certPem).serialNumber;
    const fetched = join(dir, 'crl.pem');
    // The copy a master keeps of the CA master's CRL (RemoteCa.refreshCrl writes it).
    const fetch = (text: string, second: number) => {
      writeFileSync(fetched, text);
      utimesSync(fetched, second, second);
    };
    fetch(ca.crlPem(), 1000);
    const warnings: string[] = [];
    let changes = 0;
    const revocations = new Revocations(fetched, fetchedCrlReader(fetched, (m) => warnings.push(m)), () => changes++);
    assert.equal(revocations.has(serial), false);

    ca.revoke('probe.test');
    fetch(ca.crlPem(), 2000);
    revocations.refresh();
    assert.equal(changes, 1);
    assert.equal(revocations.has(serial), true);
    assert.equal(revocations.has(`00${serial.toLowerCase()}`), true, 'serials compare as numbers');

    // A damaged copy: the revocation read last still holds, and the operator is told.
    fetch('-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n', 3000);
    revocations.refresh();
    assert.equal(revocations.has(serial), true);
    assert.match(warnings.join('\n'), /cannot be read, the last one read is kept/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
