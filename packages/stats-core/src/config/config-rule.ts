import { PluginConfig } from "./plugin-config";

// One entry of Higress's `_rules_`: a configuration that applies to requests matching a route,
// domain, service or route prefix instead of the top-level one. The Higress controller sends
// per-route plugin settings this way ({"_rules_":[{"_match_route_":["r1"], …config…}]}); the
// wrapper matches them in order, first match wins (higress-group/wasm-go pkg/matcher).

/** `_match_route_`: the route name is one of `routes`. */
export const MATCH_BY_ROUTE: i32 = 1;
/** `_match_domain_`: the :authority (port stripped) matches one of `domains` (`*.x`, `x.*`, exact). */
export const MATCH_BY_DOMAIN: i32 = 2;
/** `_match_service_`: the cluster's service (`outbound|port||fqdn`) is one of `services` (`fqdn` or `fqdn:port`). */
export const MATCH_BY_SERVICE: i32 = 3;
/** `_match_route_prefix_`: the route name starts with one of `routePrefixes`. */
export const MATCH_BY_ROUTE_PREFIX: i32 = 4;
/** `_match_route_` and `_match_service_` together: both must match. */
export const MATCH_BY_ROUTE_AND_SERVICE: i32 = 5;

export class ConfigRule {
  /** MATCH_BY_*: decided as the wrapper does (route, then domain, then service, then prefix). */
  category: i32 = MATCH_BY_ROUTE;
  routes: Array<string> = new Array<string>(0);
  domains: Array<string> = new Array<string>(0);
  services: Array<string> = new Array<string>(0);
  routePrefixes: Array<string> = new Array<string>(0);
  readonly config: PluginConfig;

  constructor(config: PluginConfig) {
    this.config = config;
  }

  /** Whether a request on route `routeName`, for `host` (:authority), to cluster `clusterName` matches. */
  matches(routeName: string, host: string, clusterName: string): bool {
    const c = this.category;
    if (c == MATCH_BY_ROUTE) return this.routes.indexOf(routeName) >= 0;
    if (c == MATCH_BY_DOMAIN) return this.domainMatches(host);
    if (c == MATCH_BY_SERVICE) return this.serviceMatches(clusterName);
    if (c == MATCH_BY_ROUTE_AND_SERVICE) return this.routes.indexOf(routeName) >= 0 && this.serviceMatches(clusterName);
    for (let i = 0; i < this.routePrefixes.length; i++) {
      const p = this.routePrefixes[i];
      if (routeName.length >= p.length && routeName.substring(0, p.length) == p) return true;
    }
    return false;
  }

  private domainMatches(host: string): bool {
    const h = stripPort(host);
    for (let i = 0; i < this.domains.length; i++) {
      const d = this.domains[i];
      if (d.length > 0 && d.charCodeAt(0) == 0x2a) {
        const suffix = d.substring(1);
        if (h.length >= suffix.length && h.substring(h.length - suffix.length) == suffix) return true;
      } else if (d.length > 0 && d.charCodeAt(d.length - 1) == 0x2a) {
        const prefix = d.substring(0, d.length - 1);
        if (h.length >= prefix.length && h.substring(0, prefix.length) == prefix) return true;
      } else if (h == d) {
        return true;
      }
    }
    return false;
  }

  private serviceMatches(clusterName: string): bool {
    const parts = clusterName.split("|");
    if (parts.length != 4) return false;
    const port = parts[1];
    const fqdn = parts[3];
    for (let i = 0; i < this.services.length; i++) {
      const s = this.services[i];
      const colon = s.lastIndexOf(":");
      if (colon >= 0 && fqdn == s.substring(0, colon) && port == s.substring(colon + 1)) return true;
      if (fqdn == s) return true;
    }
    return false;
  }
}

// Envoy's rule: a ':' after any ']' starts the port (IPv6 literals are bracketed).
function stripPort(host: string): string {
  const colon = host.lastIndexOf(":");
  if (colon < 0) return host;
  const bracket = host.lastIndexOf("]");
  if (bracket < 0 || bracket < colon) return host.substring(0, colon);
  return host;
}
