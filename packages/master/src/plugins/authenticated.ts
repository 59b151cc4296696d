// What every authenticated plugin starts with: a client certificate from this CA, not revoked
// (401 otherwise), and a node asking only about itself (403 otherwise). Done once, in hooks of
// the plugin's own context, so no route can forget it.
import type { FastifyInstance } from 'fastify';
import { HttpError, type MasterContext } from '../context.ts';

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
      throw new HttpError(401, `A certificate signed by this master's CA is required (${id.refused})`, 'UNAUTHORIZED');
    }
    req.identity = id;
  });
  // After the schema has checked the name: a node gets only its own catalog, facts and reports.
  app.addHook('preHandler', async (req) => {
    const node = (req.params as { node?: string } | undefined)?.node;
    if (node !== undefined && node !== req.identity!.certname) {
      ctx.metrics.refused++;
      throw new HttpError(403, `${req.identity!.certname} may not access ${req.routeOptions.config.serves ?? 'the data'} of ${node}`, 'FORBIDDEN');
    }
  });
}
