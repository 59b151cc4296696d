// The CA's administrative routes as puppetserver has them, for `puppetserver ca`-style tools:
// certificate_status(es) to list, sign, revoke and clean — allowed only to certificates that
// carry Puppet's pp_cli_auth extension (signed only with --allow-authorization-extensions) and to
// the master's own — and certificate_renewal, for any node renewing its own certificate (on a
// master that is not the CA, forwarded to the CA master for the client it authenticated).
import { X509Certificate, createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { certificateExtensions, isAuthorizationExtension, type CertificateAuthority } from '@kasper/ca';
import type { MasterContext } from '../context.ts';
import { raise } from '../messages.ts';
import { CERTNAME, ERROR_RESPONSES } from '../names.ts';
import { requireCertificate } from './authenticated.ts';
import { RENEWAL_FOR } from '../ca-remote.ts';

const NAME_PARAMS = { type: 'object', properties: { name: CERTNAME }, required: ['name'], additionalProperties: false } as const;
const STATUS = {
  type: 'object',
  properties: {
    name: { type: 'string' }, state: { type: 'string' }, fingerprint: { type: 'string' },
    fingerprints: { type: 'object', additionalProperties: { type: 'string' } },
    dns_alt_names: { type: 'array', items: { type: 'string' } }, subject_alt_names: { type: 'array', items: { type: 'string' } },
    authorization_extensions: { type: 'object', additionalProperties: { type: 'string' } },
    serial_number: { type: 'integer' }, not_before: { type: 'string' }, not_after: { type: 'string' },
  },
  additionalProperties: true,
} as const;

const colonHex = (buf: Buffer) => buf.toString('hex').toUpperCase().match(/../g)!.join(':');
const derOf = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');

/** puppetserver's certificate status document for a name, or undefined. */
function status(ca: CertificateAuthority, name: string): Record<string, unknown> | undefined {
  const info = ca.info(name);
  if (!info) return undefined;
  const pem = info.state === 'requested' ? ca.requestPem(name)! : ca.certificatePem(name)!;
  const der = derOf(pem);
  const fp = (alg: string) => colonHex(createHash(alg).update(der).digest());
  const auth = Object.fromEntries(Object.entries(info.extensions).filter(([k]) => isAuthorizationExtension(k)));
  const out: Record<string, unknown> = {
    name, state: info.state, fingerprint: fp('sha256'),
    fingerprints: { SHA1: fp('sha1'), SHA256: fp('sha256'), SHA512: fp('sha512'), default: fp('sha256') },
    dns_alt_names: info.dnsAltNames.map((d) => `DNS:${d}`), subject_alt_names: info.dnsAltNames.map((d) => `DNS:${d}`),
    authorization_extensions: auth,
  };
  if (info.state !== 'requested') {
    const x = new X509Certificate(pem);
    out.serial_number = Number.parseInt(x.serialNumber, 16);
    out.not_before = new Date(x.validFrom).toISOString();
    out.not_after = new Date(x.validTo).toISOString();
  }
  return out;
}

function certificateOrUndefined(der: Buffer): X509Certificate | undefined {
  try {
    return new X509Certificate(der);
  } catch {
    return undefined;
  }
}

/** The DNS names among a certificate's subject alt names, lower case. */
const dnsNames = (x: X509Certificate): string[] => (x.subjectAltName ?? '').split(/,\s*/).filter((n) => n.startsWith('DNS:')).map((n) => n.slice(4).toLowerCase());

export async function caAdminPlugin(app: FastifyInstance, ctx: MasterContext): Promise<void> {
  const { ca: held, config } = ctx;
  if (!held) {
    // Not the CA. Renewal is forwarded: the client proved its certificate to this master over
    // TLS, and this master, over its own mutual TLS, hands that certificate (never a name from
    // the request) to the CA master, which takes it only from a master (see below).
    await app.register(async (renewal) => {
      requireCertificate(renewal, ctx);
      renewal.post('/puppet-ca/v1/certificate_renewal', { schema: { response: { 200: { type: 'string' }, ...ERROR_RESPONSES } } }, async (req, reply) => {
        const id = req.identity!;
        const r = await ctx.remoteCa!.call('POST', '/puppet-ca/v1/certificate_renewal', '', 'text/plain', { [RENEWAL_FOR]: id.der.toString('base64') });
        req.log.info({ node: id.certname, status: r.status }, 'certificate renewal forwarded to the CA master');
        return reply.code(r.status).type(r.type).send(r.body);
      });
    });
    // Administration acts on any certificate: the CA master's alone, and this master says where it is.
    const elsewhere = async (req: { url: string }) => {
      throw raise('KSP-MASTER-021', { path: req.url.split('?')[0], server: ctx.remoteCa!.server });
    };
    for (const method of ['GET', 'PUT', 'DELETE'] as const) app.route({ method, url: '/puppet-ca/v1/certificate_status/:name', handler: elsewhere });
    app.get('/puppet-ca/v1/certificate_statuses/:any', elsewhere);
    return;
  }
  const ca = held;

  // Renewal: any node, for its own certificate — the one it shook hands with, or the one a
  // master it shook hands with forwards for it. A master is a certificate that carries one of
  // this master's own alt names (the name agents reach the masters by, which every master's
  // certificate must carry): agents already take it for their master, a trust far beyond
  // vouching for a renewal, and the operator granted it by signing those names explicitly.
  const ownNames = () => {
    const own = ca.certificatePem(config.certname);
    return own ? dnsNames(new X509Certificate(own)).filter((n) => n !== config.certname.toLowerCase()) : [];
  };
  await app.register(async (renewal) => {
    requireCertificate(renewal, ctx);
    renewal.post('/puppet-ca/v1/certificate_renewal', { schema: { response: { 200: { type: 'string' }, ...ERROR_RESPONSES } } }, async (req, reply) => {
      const id = req.identity!;
      let certname = id.certname;
      let pem = new X509Certificate(id.der).toString();
      const forwarded = req.headers[RENEWAL_FOR];
      if (forwarded !== undefined) {
        const names = ownNames();
        const peer = dnsNames(new X509Certificate(id.der));
        if (!names.some((n) => peer.includes(n))) {
          ctx.metrics.refused++;
          throw raise('KSP-MASTER-022', { certname: id.certname, names: names.join(', ') || '(none besides its certname)' });
        }
        const client = typeof forwarded === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(forwarded) ? certificateOrUndefined(Buffer.from(forwarded, 'base64')) : undefined;
        if (!client) throw raise('KSP-MASTER-005', { reason: `the certificate ${id.certname} forwarded for renewal is not a DER certificate in base64` });
        certname = /^CN=(.*)$/m.exec(client.subject)?.[1] ?? '';
        pem = client.toString();
      }
      // Only `certname`'s current certificate, not revoked, is renewed (KSP-CA-013/014 otherwise).
      const renewed = ca.renew(certname, pem);
      req.log.info({ node: certname, via: forwarded === undefined ? undefined : id.certname }, 'certificate renewed');
      return reply.type('text/plain').send(renewed);
    });
  });

  // Administration: pp_cli_auth certificates and the master's own.
  await app.register(async (admin) => {
    requireCertificate(admin, ctx);
    admin.addHook('preHandler', async (req) => {
      const id = req.identity!;
      if (id.certname === config.certname) return;
      const ext = certificateExtensions(new X509Certificate(id.der).toString());
      if (ext.pp_cli_auth !== 'true') {
        ctx.metrics.refused++;
        throw raise('KSP-MASTER-003', { certname: id.certname });
      }
    });

    admin.get<{ Params: { name: string } }>('/puppet-ca/v1/certificate_status/:name', {
      schema: { params: NAME_PARAMS, response: { 200: STATUS, ...ERROR_RESPONSES } },
    }, async (req, reply) => {
      const s = status(ca, req.params.name);
      if (!s) throw raise('KSP-MASTER-016', { name: req.params.name });
      return reply.send(s);
    });

    admin.get<{ Querystring: { state?: string } }>('/puppet-ca/v1/certificate_statuses/:any', {
      schema: {
        params: { type: 'object', properties: { any: { type: 'string', maxLength: 255 } } },
        querystring: { type: 'object', properties: { state: { type: 'string', enum: ['requested', 'signed', 'revoked'] } } },
        response: { 200: { type: 'array', items: STATUS }, ...ERROR_RESPONSES },
      },
    }, async (req, reply) => {
      const all = ca.list(true).map((c) => status(ca, c.name)!).filter(Boolean);
      return reply.send(req.query.state ? all.filter((s) => s.state === req.query.state) : all);
    });

    admin.put<{ Params: { name: string }; Body: { desired_state: 'signed' | 'revoked' } }>('/puppet-ca/v1/certificate_status/:name', {
      schema: {
        params: NAME_PARAMS,
        body: { type: 'object', properties: { desired_state: { type: 'string', enum: ['signed', 'revoked'] }, cert_ttl: { type: 'integer' } }, required: ['desired_state'] },
        response: { ...ERROR_RESPONSES },
      },
    }, async (req, reply) => {
      if (req.body.desired_state === 'signed') ca.sign(req.params.name);
      else ca.revoke(req.params.name);
      req.log.info({ node: req.params.name, state: req.body.desired_state, by: req.identity!.certname }, 'certificate status changed');
      return reply.code(204).send();
    });

    admin.delete<{ Params: { name: string } }>('/puppet-ca/v1/certificate_status/:name', {
      schema: { params: NAME_PARAMS, response: { ...ERROR_RESPONSES } },
    }, async (req, reply) => {
      if (!ca.info(req.params.name)) throw raise('KSP-MASTER-016', { name: req.params.name });
      ca.clean(req.params.name);
      req.log.info({ node: req.params.name, by: req.identity!.certname }, 'certificate cleaned');
      return reply.code(204).send();
    });
  });
}
