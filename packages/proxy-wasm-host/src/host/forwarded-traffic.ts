// What one direction of a stream passed on: the request as the upstream would receive it, or the
// response as the client would. Tests compare these with what they sent in, to prove a plugin
// left the traffic unchanged (same bytes, same chunking).
import { bytesToString, type HeaderMap } from "../headers/header-map";

export class ForwardedTraffic {
  /** A snapshot of the headers as they left the filter, or null if they never did. */
  headers: HeaderMap | null = null;
  /** Body chunks in the order and cut they were passed on. */
  readonly chunks: Uint8Array[] = [];
  trailers: HeaderMap | null = null;
  /** Whether the end of stream was passed on. */
  endStream = false;
  /** Whether this direction was reset (a local reply or close_stream cut it short). */
  reset = false;

  get body(): Uint8Array {
    let length = 0;
    for (const c of this.chunks) length += c.length;
    const out = new Uint8Array(length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  get bodyText(): string {
    return bytesToString(this.body);
  }
}
