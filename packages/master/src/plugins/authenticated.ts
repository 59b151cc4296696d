// What every authenticated plugin starts with: a client certificate from this CA, not revoked
// (401 otherwise), and a node asking only about itself (403 otherwise). Done once, in hooks of
// the plugin's own context, so no route can forget it.
import { X509Certificate } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { certificateExtensions } from '@kasper/ca';
import type { MasterContext } from '../context.ts';
import { raise } from '../messages.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What a route with a :node parameter serves, for the 403 message ("the catalog"). */
    serves?: string;
  }
}

export function requireCertificate(app: FastifyInstance, ctx: MasterContext): void {
  app.addHook('onRequest', async (req) => {
    const id = ctx.identify(req);
    if ('refused' in id) {
      ctx.metrics.refused++;
      throw raise('KSP-MASTER-001', { reason: id.refused });
    }
    req.identity = id;
  });
  // After the schema has checked the name: a node gets only its own catalog, facts and reports.
  app.addHook('preHandler', async (req) => {
    const node = (req.params as { node?: string } | undefined)?.node;
    if (node !== undefined && node !== req.identity!.certname) {
      ctx.metrics.refused++;
      throw raise('KSP-MASTER-002', { certname: req.identity!.certname, what: req.routeOptions.config.serves ?? 'the data', node });
    }
  });
}

/**
 * After requireCertificate: only the master's own certificate and those carrying Puppet's
 * pp_cli_auth extension (signed only with --allow-authorization-extensions) go on; `what` the
 * others may not do is in the 403.
 */
export function requireAdmin(app: FastifyInstance, ctx: MasterContext, what: string): void {
  app.addHook('preHandler', async (req) => {
    const id = req.identity!;
    if (id.certname === ctx.config.certname) return;
    if (certificateExtensions(new X509Certificate(id.der).toString()).pp_cli_auth !== 'true') {
      ctx.metrics.refused++;
      throw raise('KSP-MASTER-023', { certname: id.certname, what });
    }
  });
}
