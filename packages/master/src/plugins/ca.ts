// The CA's routes, open to everyone, as a new agent needs them before it has a certificate:
// the CA certificate, the CRL, submitting a CSR, fetching its signed certificate.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CERTNAME, ERROR_RESPONSES } from '../names.ts';
import type { MasterContext } from '../context.ts';
import { raise } from '../messages.ts';

const PEM = { type: 'string' } as const;
const NAME_PARAMS = { type: 'object', properties: { name: CERTNAME }, required: ['name'], additionalProperties: false } as const;

export async function caPlugin(app: FastifyInstance, ctx: MasterContext): Promise<void> {
  const { ca: held, remoteCa } = ctx;
  // The CA certificate and the CRL: the CA's own, or on a master that is not the CA the copies
  // it keeps from the CA master (so agents' runs need nothing from the CA master while it is down).
  const trust = held ?? remoteCa!;
  app.get('/puppet-ca/v1/certificate/ca', { schema: { response: { 200: PEM, ...ERROR_RESPONSES } } },
    async (_req, reply) => reply.type('text/plain').send(trust.caCertPem()));

  app.get('/puppet-ca/v1/certificate_revocation_list/ca', { schema: { response: { 200: PEM, ...ERROR_RESPONSES } } },
    async (_req, reply) => reply.type('text/plain').send(trust.crlPem()));

  if (!held) {
    // Requests and signed certificates live on the CA master: forwarded there, its answer
    // passed back as it is (the names were checked here by the same schemas first).
    const forward = (method: string) => async (req: FastifyRequest<{ Params: { name: string }; Body?: string }>, reply: FastifyReply) => {
      const r = await remoteCa!.call(method, `/puppet-ca/v1/${req.url.split('/puppet-ca/v1/')[1].split('?')[0]}`, req.body);
      return reply.code(r.status).type(r.type).send(r.body);
    };
    app.put('/puppet-ca/v1/certificate_request/:name', {
      schema: { params: NAME_PARAMS, body: { type: 'string', maxLength: 64 * 1024 } },
    }, forward('PUT'));
    app.get('/puppet-ca/v1/certificate/:name', { schema: { params: NAME_PARAMS } }, forward('GET'));
    return;
  }
  const ca = held;

  app.put<{ Params: { name: string }; Body: string }>('/puppet-ca/v1/certificate_request/:name', {
    schema: { params: NAME_PARAMS, body: { type: 'string', maxLength: 64 * 1024 }, response: { 200: PEM, ...ERROR_RESPONSES } },
  }, async (req, reply) => {
    // Refused (and nothing stored) when the CSR names someone else or replaces a pending key.
    const { name } = ca.submit(req.body, req.params.name);
    const { signed, reason } = await ca.autosign(name, req.body, ctx.config.autosign ?? {});
    req.log.info({ node: name, autosigned: signed, reason }, 'certificate request');
    return reply.type('text/plain').send(signed ? 'signed' : 'pending');
  });

  app.get<{ Params: { name: string } }>('/puppet-ca/v1/certificate/:name', {
    schema: { params: NAME_PARAMS, response: { 200: PEM, ...ERROR_RESPONSES } },
  }, async (req, reply) => {
    const pem = ca.certificatePem(req.params.name);
    if (!pem) throw raise('KSP-MASTER-013', { what: 'certificate', path: req.params.name });
    return reply.type('text/plain').send(pem);
  });
}
