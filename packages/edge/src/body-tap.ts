// The tap a body passes through: a ReadableStream that reads its source only when its own consumer
// reads (highWaterMark 0: one source read per consumer read, so nothing is read ahead or queued
// and back-pressure reaches the source unchanged), hands the observer each chunk it forwards (the
// same object, unchanged), and tells it how the stream ended — exactly one of end, cancel or error.
//
// A pull-based stream rather than a TransformStream: a TransformStream reads ahead into its
// writable side's queue, and its transformer learns of a consumer's cancel only where the
// runtime implements the newer `cancel` hook; here both the end (the source is done, before the
// consumer's read resolves `done`) and the cancel (the consumer gave up) are ours to see in every
// runtime.

export interface TapObserver {
  /** A chunk on its way to the consumer (read it, never keep or change it). */
  chunk(chunk: Uint8Array): void;
  /** The source ended; called before the consumer sees the end. */
  end(): void;
  /** The consumer cancelled the stream (a client gone, a fetch aborted). */
  cancel(reason: unknown): void;
  /** Reading the source failed (an upstream reset); the consumer gets the same error. */
  error(error: unknown): void;
}

/**
 * `body` through a tap reporting to `observer`. The source is locked only at the consumer's first
 * read, so a tapped stream that is never read (or a Request / Response that could not be built
 * around it) leaves the source as it was.
 */
export function tapBody(body: ReadableStream<Uint8Array>, observer: TapObserver): ReadableStream<Uint8Array> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  let settled = false;
  // Exactly one of end / cancel / error reaches the observer, and an observer that throws never
  // reaches the stream (the host's handles do not throw; this is the second line of defence).
  const tell = (how: () => void): void => {
    if (settled) return;
    settled = true;
    try {
      how();
    } catch {
      // never the stream's problem
    }
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let next: Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>["read"]>>;
        try {
          reader ??= body.getReader();
          next = await reader.read();
        } catch (error) {
          tell(() => observer.error(error));
          controller.error(error);
          return;
        }
        // The consumer may have cancelled while the read was pending: the stream is closed then.
        if (settled) return;
        if (next.done) {
          tell(() => observer.end());
          controller.close();
          return;
        }
        try {
          observer.chunk(next.value);
        } catch {
          // never the stream's problem
        }
        controller.enqueue(next.value);
      },
      cancel(reason) {
        tell(() => observer.cancel(reason));
        return reader === null ? body.cancel(reason) : reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
