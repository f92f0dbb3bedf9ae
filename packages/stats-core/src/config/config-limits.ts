import { DEFAULT_MAX_EVENT_BYTES } from "../sse/sse-framer";

// Bounds of the memory extensions (PRODUCT §5).

/** `arena_bytes` default: 4 MiB per VM / process / isolate. */
export const DEFAULT_ARENA_BYTES: i32 = 4 * 1024 * 1024;
/** Smallest accepted arena: below this even a few concurrent exchanges would truncate. */
export const MIN_ARENA_BYTES: i32 = 64 * 1024;
/** Largest accepted arena (1 GiB): far above need, and every offset stays a safe i32. */
export const MAX_ARENA_BYTES: i32 = 1024 * 1024 * 1024;

/** `max_event_bytes` default (the SSE framer's). */
export const CONFIG_DEFAULT_MAX_EVENT_BYTES: i32 = DEFAULT_MAX_EVENT_BYTES;
/** Smallest accepted max_event_bytes: 1 KiB (PRODUCT §5). */
export const MIN_MAX_EVENT_BYTES: i32 = 1024;
/** Largest accepted max_event_bytes: the framer's own ceiling (1 GiB). */
export const MAX_MAX_EVENT_BYTES: i32 = 1024 * 1024 * 1024;
