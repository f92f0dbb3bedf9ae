#!/usr/bin/env node
// The mock upstream alone: `node dist/mock/cli.js [port]` (MOCK_DELAY_MS=0 for no delays).
import { delayFromEnv, startMockUpstream } from "./server.js";

const port = Number(process.argv[2] ?? process.env.PORT ?? 0);
const delayMs = delayFromEnv(process.env.MOCK_DELAY_MS);
const mock = await startMockUpstream({ port, ...(delayMs !== undefined ? { delayMs } : {}) });
console.error(`aistats mock upstream on ${mock.url}`);
