// A master that is not the CA (`ca_server` set): several masters share one PostgreSQL behind a
// load balancer, and one of them holds the CA. The others keep no CA key; they keep the CA's
// certificate (pinned on first start), its CRL (fetched again every `caRefreshSeconds`, so a
// revocation reaches them within that time, and kept on disk, so they start and serve while the
// CA master is down), and their own key and certificate, which they ask the CA for as an agent
// does (a CSR with their alt names, signed by the operator on the CA master). The open CA
// routes an agent needs to join are forwarded to the CA master (see plugins/ca.ts), and so is
// an agent's certificate renewal, vouched for by this master (plugins/ca-admin.ts).
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { certnamePath, generateKey, makeCsr } from '@kasper/ca';
import { writeFileAtomic } from '@kasper/files';
import { raise } from './messages.ts';

export interface CaAnswer {
  status: number;
  type: string;
  body: string;
}

/**
 * A renewal a master forwards carries the client's certificate (base64 DER, as TLS showed it
 * to that master) in this header; the CA master takes it only from a master (plugins/ca-admin.ts).
 */
export const RENEWAL_FOR = 'x-kasper-renewal-for';

/** How long one request to the CA master may take. */
const TIMEOUT_MS = 10_000;

export class RemoteCa {
  readonly server: string;
  private readonly ssl: string;
  private readonly certname: string;
  readonly keyPath: string;
  readonly certPath: string;
  private readonly caPath: string;
  private readonly crlPath: string;

  constructor(server: string, confdir: string, certname: string) {
    this.server = server.replace(/\/+$/, '');
    this.ssl = join(confdir, 'ssl');
    this.certname = certname;
    this.keyPath = certnamePath(this.ssl, 'private_keys', certname);
    this.certPath = certnamePath(this.ssl, 'certs', certname);
    this.caPath = join(this.ssl, 'certs', 'ca.pem');
    this.crlPath = join(this.ssl, 'crl.pem');
  }

  caCertPem(): string {
    return readFileSync(this.caPath, 'utf8');
  }

  crlPem(): string {
    return readFileSync(this.crlPath, 'utf8');
  }

  /** One request to the CA master: with this master's certificate once it has one, the CA pinned once known. */
  call(method: string, path: string, body?: string, contentType = 'text/plain', headers: Record<string, string> = {}): Promise<CaAnswer> {
    const url = new URL(path, this.server);
    const pinned = existsSync(this.caPath);
    const own = existsSync(this.keyPath) && existsSync(this.certPath);
    return new Promise((resolve, reject) => {
      const req = request({
        host: url.hostname, port: url.port || 8140, method, path: url.pathname + url.search,
        headers: { ...headers, 'content-type': contentType, accept: 'text/plain' },
        // Before the CA certificate is known it is fetched unverified (trust on first use, as an
        // agent's first run does); its fingerprint is logged for the operator to compare.
        ca: pinned ? readFileSync(this.caPath) : undefined, rejectUnauthorized: pinned,
        key: own ? readFileSync(this.keyPath) : undefined, cert: own ? readFileSync(this.certPath) : undefined,
        // The CA master's certificate names it as the load balancer's address does, not as ca_server may.
        checkServerIdentity: () => undefined,
        timeout: TIMEOUT_MS,
      }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? 'text/plain'), body: text }));
      });
      req.on('timeout', () => {
        reject(raise('KSP-MASTER-020', { server: this.server, reason: `no answer in ${TIMEOUT_MS / 1000} s` }));
        req.destroy();
      });
      req.on('error', (e) => reject(raise('KSP-MASTER-020', { server: this.server, reason: e.message })));
      req.end(body);
    });
  }

  private async fetchText(path: string): Promise<string> {
    const r = await this.call('GET', path);
    if (r.status !== 200) throw raise('KSP-MASTER-020', { server: this.server, reason: `GET ${path} answered ${r.status}: ${r.body.slice(0, 200)}` });
    return r.body;
  }

  /**
   * Makes sure this master has the CA's certificate, a CRL and its own signed certificate:
   * asks the CA master for what is missing, waiting for the operator to sign (`log` says so).
   */
  async bootstrap(dnsAltNames: string[], log: (line: string) => void, pollMs = 2000): Promise<void> {
    mkdirSync(join(this.ssl, 'private_keys'), { recursive: true, mode: 0o700 });
    mkdirSync(join(this.ssl, 'certs'), { recursive: true });
    if (!existsSync(this.caPath)) {
      const pem = await this.fetchText('/puppet-ca/v1/certificate/ca');
      const fp = new X509Certificate(pem).fingerprint256;
      writeFileAtomic(this.caPath, pem, 0o644);
      log(`Pinned the CA certificate of ${this.server} (SHA-256 ${fp})`);
    }
    if (!existsSync(this.crlPath)) await this.refreshCrl();
    if (existsSync(this.keyPath) && existsSync(this.certPath)) return;
    const csrPath = join(this.ssl, 'certificate_requests.pem');
    if (!existsSync(this.keyPath) || !existsSync(csrPath)) {
      const { keyPem, publicPem } = generateKey();
      writeFileAtomic(this.keyPath, keyPem, 0o600);
      writeFileAtomic(csrPath, makeCsr(this.certname, keyPem, publicPem, { dnsAltNames }), 0o644);
    }
    const csr = readFileSync(csrPath, 'utf8');
    const put = await this.call('PUT', `/puppet-ca/v1/certificate_request/${this.certname}`, csr);
    // 400 when the request is already there with this key (a restart while waiting): go on waiting.
    if (put.status !== 200 && !(put.status === 400 && /already|pending/i.test(put.body))) {
      throw raise('KSP-MASTER-020', { server: this.server, reason: `the certificate request was refused (${put.status}): ${put.body.slice(0, 300)}` });
    }
    const hash = createHash('sha256').update(csr).digest('hex').slice(0, 16);
    log(`Waiting for the CA to sign ${this.certname} (request ${hash}): on the CA master, kasper ca sign --allow-dns-alt-names ${this.certname}`);
    for (;;) {
      const r = await this.call('GET', `/puppet-ca/v1/certificate/${this.certname}`);
      if (r.status === 200) {
        const cert = new X509Certificate(r.body);
        if (!cert.checkPrivateKey(createPrivateKey(readFileSync(this.keyPath)))) {
          throw raise('KSP-MASTER-020', { server: this.server, reason: `the certificate it holds for ${this.certname} is for another key: clean it on the CA master` });
        }
        writeFileAtomic(this.certPath, r.body, 0o644);
        log(`Got the certificate of ${this.certname} from ${this.server}`);
        return;
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /** Fetches the CRL again; true when it changed. A CA master that cannot be reached leaves the last one in force. */
  async refreshCrl(): Promise<boolean> {
    const pem = await this.fetchText('/puppet-ca/v1/certificate_revocation_list/ca');
    if (!/-----BEGIN X509 CRL-----/.test(pem)) throw raise('KSP-MASTER-020', { server: this.server, reason: 'its CRL is not a PEM CRL' });
    if (existsSync(this.crlPath) && readFileSync(this.crlPath, 'utf8') === pem) return false;
    writeFileAtomic(this.crlPath, pem, 0o644);
    return true;
  }
}
