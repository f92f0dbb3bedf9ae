// @aistats/gateway: the runnable gateway (see README.md) and its embedded mock upstream.
export { DEFAULT_LIMITS, GatewayConfigError, loadConfigFile, parseConfig, type GatewayConfig, type Limits, type RouteConfig, type UpstreamConfig } from "./config.js";
export { startGateway, upstreamHeaders, type Gateway, type GatewayOptions } from "./gateway.js";
export { Statistics, type StatisticsOptions } from "./statistics.js";
export { createMockHandler, delayFromEnv, startMockUpstream, type MockOptions, type MockUpstream } from "./mock/server.js";
