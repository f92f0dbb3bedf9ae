// The Fastify 5 plugin: an onRequest hook that observes the raw node:http request and response
// (request.raw, reply.raw) exactly as the middleware does. Fastify sends every reply through
// reply.raw — a buffer or string with writeHead + end, a stream piped into it with write calls,
// a handler that writes reply.raw itself — so the same wrappers see each of them where it is
// written. fastify-plugin marks it as not encapsulated, so registering it once covers every route
// of the instance it is registered on.
import type { IncomingMessage, ServerResponse } from "node:http";
import fp from "fastify-plugin";

/** The little of Fastify the plugin uses (structural, so this package does not depend on fastify's types). */
export interface FastifyLike {
  addHook(
    name: "onRequest",
    hook: (request: { readonly raw: IncomingMessage }, reply: { readonly raw: ServerResponse }, done: (error?: Error) => void) => void,
  ): unknown;
}

export type FastifyPlugin = (instance: FastifyLike, options: unknown, done: (error?: Error) => void) => void;

export function fastifyPlugin(observe: (req: IncomingMessage, res: ServerResponse) => void): FastifyPlugin {
  const plugin = (instance: FastifyLike, _options: unknown, done: (error?: Error) => void): void => {
    instance.addHook("onRequest", (request, reply, next) => {
      observe(request.raw, reply.raw); // never throws (fail open)
      next();
    });
    done();
  };
  return fp(plugin as never, { fastify: "5.x", name: "@aistats/node" }) as unknown as FastifyPlugin;
}
