export { startMockUpstream, createMockHandler, delayFromEnv, type MockOptions, type MockUpstream } from "./mock/server.js";
