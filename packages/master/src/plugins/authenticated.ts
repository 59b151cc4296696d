// What every authenticated plugin starts with: a client certificate from this CA, not revoked
// (401 otherwise), and a node asking only about itself (403 otherwise). Done once, in hooks of
// the plugin's own context, so no route can forget it.
import type { FastifyInstance } from 'fastify';
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
