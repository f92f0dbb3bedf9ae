// The gateway's YAML configuration: the Higress ai-statistics configuration unchanged under
// `statistics`, plus `upstreams`, `routes`, `listen` and `limits`. Every error names its field.
import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";

export class GatewayConfigError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(field ? `${field}: ${message}` : message);
    this.name = "GatewayConfigError";
    this.field = field;
  }
}

export interface UpstreamConfig {
  name: string;
  /** Origin plus an optional base path, e.g. https://api.openai.com or https://host/openai. */
  url: URL;
  /** The API key (read from `api_key_env` at load time), or null. */
  apiKey: string | null;
  apiKeyEnv: string | null;
  /** Header the key goes in: `authorization` is sent as `Bearer <key>`, any other name as the bare key. */
  authHeader: string;
  /** Forward the client's own credential headers (authorization, x-api-key, x-goog-api-key, api-key). Default false. */
  forwardClientCredentials: boolean;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  connections: number;
}

export interface RouteConfig {
  name: string;
  pathPrefix: string | null;
  /** Requested model names; a trailing `*` matches a prefix. null: any model. */
  models: string[] | null;
  upstream: string;
}

export interface Limits {
  /** Request body bytes (413). Default 10 MiB. */
  maxBodyBytes: number;
  /** Request header bytes, Node's maxHeaderSize (431). Default 16 KiB. */
  maxHeaderSize: number;
  /** Time to receive the request headers, Node's headersTimeout (408). Default 30 s. */
  headersTimeoutMs: number;
  /** Time to receive the whole request, Node's requestTimeout (408). Default 300 s. */
  requestTimeoutMs: number;
  /** Proxied requests in flight at once (503 beyond). Default 1024. */
  maxConcurrentStreams: number;
  /** On SIGTERM / SIGINT, how long open streams may finish. Default 10 s. */
  shutdownTimeoutMs: number;
}

export interface GatewayConfig {
  statistics: unknown;
  upstreams: UpstreamConfig[];
  routes: RouteConfig[];
  limits: Limits;
  listen: { port: number | null; host: string | null };
}

export const DEFAULT_LIMITS: Limits = {
  maxBodyBytes: 10 * 1024 * 1024,
  maxHeaderSize: 16 * 1024,
  headersTimeoutMs: 30_000,
  requestTimeoutMs: 300_000,
  maxConcurrentStreams: 1024,
  shutdownTimeoutMs: 10_000,
};

export const UPSTREAM_DEFAULTS = { connectTimeoutMs: 10_000, headersTimeoutMs: 300_000, bodyTimeoutMs: 300_000, connections: 128 };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const typeName = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "a list" : typeof v);

function only(o: Obj, path: string, keys: string[]): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw new GatewayConfigError(path ? `${path}.${k}` : k, `unknown field (expected one of ${keys.join(", ")})`);
}
function str(o: Obj, key: string, path: string, required: true): string;
function str(o: Obj, key: string, path: string, required: false): string | null;
function str(o: Obj, key: string, path: string, required: boolean): string | null {
  const v = o[key];
  if (v === undefined || v === null) {
    if (required) throw new GatewayConfigError(`${path}.${key}`, "is required");
    return null;
  }
  if (typeof v !== "string" || v === "") throw new GatewayConfigError(`${path}.${key}`, `must be a non-empty string, not ${typeName(v)}`);
  return v;
}
function int(o: Obj, key: string, path: string, def: number, min: number): number {
  const v = o[key];
  if (v === undefined || v === null) return def;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) throw new GatewayConfigError(`${path}.${key}`, `must be an integer ≥ ${min}, not ${JSON.stringify(v)}`);
  return v;
}
function bool(o: Obj, key: string, path: string, def: boolean): boolean {
  const v = o[key];
  if (v === undefined || v === null) return def;
  if (typeof v !== "boolean") throw new GatewayConfigError(`${path}.${key}`, `must be true or false, not ${JSON.stringify(v)}`);
  return v;
}

/** Validates a parsed document. `env` supplies the API keys named by `api_key_env`. */
export function parseConfig(doc: unknown, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  if (doc === null || doc === undefined) doc = {};
  if (!isObj(doc)) throw new GatewayConfigError("", `the configuration must be a mapping, not ${typeName(doc)}`);
  only(doc, "", ["statistics", "upstreams", "routes", "limits", "listen"]);
  const statistics = doc.statistics ?? {};
  if (!isObj(statistics)) throw new GatewayConfigError("statistics", `must be a mapping (the Higress ai-statistics configuration), not ${typeName(statistics)}`);

  const ups = doc.upstreams ?? [];
  if (!Array.isArray(ups)) throw new GatewayConfigError("upstreams", `must be a list, not ${typeName(ups)}`);
  const upstreams: UpstreamConfig[] = ups.map((u, i) => {
    const p = `upstreams[${i}]`;
    if (!isObj(u)) throw new GatewayConfigError(p, `must be a mapping, not ${typeName(u)}`);
    only(u, p, ["name", "url", "api_key_env", "auth_header", "forward_client_credentials", "connect_timeout_ms", "headers_timeout_ms", "body_timeout_ms", "connections"]);
    const name = str(u, "name", p, true);
    const raw = str(u, "url", p, true);
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new GatewayConfigError(`${p}.url`, `"${raw}" is not a URL`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new GatewayConfigError(`${p}.url`, `must be http:// or https://, not ${url.protocol}`);
    if (url.search || url.hash || url.username || url.password) throw new GatewayConfigError(`${p}.url`, "must not carry a query, fragment or credentials");
    const apiKeyEnv = str(u, "api_key_env", p, false);
    let apiKey: string | null = null;
    if (apiKeyEnv !== null) {
      apiKey = env[apiKeyEnv] ?? null;
      if (!apiKey) throw new GatewayConfigError(`${p}.api_key_env`, `the environment variable ${apiKeyEnv} is not set`);
    }
    const authHeader = (str(u, "auth_header", p, false) ?? "authorization").toLowerCase();
    if (!/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(authHeader)) throw new GatewayConfigError(`${p}.auth_header`, `"${authHeader}" is not a header name`);
    return {
      name,
      url,
      apiKey,
      apiKeyEnv,
      authHeader,
      forwardClientCredentials: bool(u, "forward_client_credentials", p, false),
      connectTimeoutMs: int(u, "connect_timeout_ms", p, UPSTREAM_DEFAULTS.connectTimeoutMs, 1),
      headersTimeoutMs: int(u, "headers_timeout_ms", p, UPSTREAM_DEFAULTS.headersTimeoutMs, 1),
      bodyTimeoutMs: int(u, "body_timeout_ms", p, UPSTREAM_DEFAULTS.bodyTimeoutMs, 1),
      connections: int(u, "connections", p, UPSTREAM_DEFAULTS.connections, 1),
    };
  });
  const names = new Set<string>();
  upstreams.forEach((u, i) => {
    if (names.has(u.name)) throw new GatewayConfigError(`upstreams[${i}].name`, `"${u.name}" is used twice`);
    names.add(u.name);
  });

  const rs = doc.routes ?? [];
  if (!Array.isArray(rs)) throw new GatewayConfigError("routes", `must be a list, not ${typeName(rs)}`);
  const routes: RouteConfig[] = rs.map((r, i) => {
    const p = `routes[${i}]`;
    if (!isObj(r)) throw new GatewayConfigError(p, `must be a mapping, not ${typeName(r)}`);
    only(r, p, ["name", "path_prefix", "model", "upstream"]);
    const upstream = str(r, "upstream", p, true);
    if (!names.has(upstream)) throw new GatewayConfigError(`${p}.upstream`, `"${upstream}" is not one of the upstreams (${[...names].join(", ") || "none configured"})`);
    const pathPrefix = str(r, "path_prefix", p, false);
    if (pathPrefix !== null && !pathPrefix.startsWith("/")) throw new GatewayConfigError(`${p}.path_prefix`, `must start with "/"`);
    let models: string[] | null = null;
    const m = r.model;
    if (typeof m === "string" && m) models = [m];
    else if (Array.isArray(m) && m.length && m.every((x) => typeof x === "string" && x)) models = m as string[];
    else if (m !== undefined && m !== null) throw new GatewayConfigError(`${p}.model`, "must be a model name or a list of model names");
    return { name: str(r, "name", p, false) ?? `route${i}`, pathPrefix, models, upstream };
  });
  if (upstreams.length && !routes.length) throw new GatewayConfigError("routes", "at least one route is needed when upstreams are configured");

  const l = doc.limits ?? {};
  if (!isObj(l)) throw new GatewayConfigError("limits", `must be a mapping, not ${typeName(l)}`);
  only(l, "limits", ["max_body_bytes", "max_header_size", "headers_timeout_ms", "request_timeout_ms", "max_concurrent_streams", "shutdown_timeout_ms"]);
  const limits: Limits = {
    maxBodyBytes: int(l, "max_body_bytes", "limits", DEFAULT_LIMITS.maxBodyBytes, 0),
    maxHeaderSize: int(l, "max_header_size", "limits", DEFAULT_LIMITS.maxHeaderSize, 1024),
    headersTimeoutMs: int(l, "headers_timeout_ms", "limits", DEFAULT_LIMITS.headersTimeoutMs, 1),
    requestTimeoutMs: int(l, "request_timeout_ms", "limits", DEFAULT_LIMITS.requestTimeoutMs, 0),
    maxConcurrentStreams: int(l, "max_concurrent_streams", "limits", DEFAULT_LIMITS.maxConcurrentStreams, 1),
    shutdownTimeoutMs: int(l, "shutdown_timeout_ms", "limits", DEFAULT_LIMITS.shutdownTimeoutMs, 0),
  };
  if (limits.requestTimeoutMs !== 0 && limits.requestTimeoutMs < limits.headersTimeoutMs)
    throw new GatewayConfigError("limits.request_timeout_ms", `must be 0 (none) or at least limits.headers_timeout_ms (${limits.headersTimeoutMs})`);
  const ls = doc.listen ?? {};
  if (!isObj(ls)) throw new GatewayConfigError("listen", `must be a mapping, not ${typeName(ls)}`);
  only(ls, "listen", ["port", "host"]);
  const port = ls.port === undefined ? null : int(ls, "port", "listen", 0, 0);
  if (port !== null && port > 65535) throw new GatewayConfigError("listen.port", "must be ≤ 65535");
  return { statistics, upstreams, routes, limits, listen: { port, host: str(ls, "host", "listen", false) } };
}

/** Reads and validates a YAML file; a syntax error names the file, line and column. */
export function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new GatewayConfigError("", `cannot read ${file}: ${(e as Error).message}`);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length) {
    const err = doc.errors[0]!;
    const pos = err.linePos?.[0];
    throw new GatewayConfigError("", `${file}${pos ? `:${pos.line}:${pos.col}` : ""}: YAML syntax error: ${err.message.split("\n")[0]}`);
  }
  return parseConfig(doc.toJS(), env);
}
