// One Proxy-Wasm context as the host tracks it: the VM context (id 0, used while the module starts
// and for malloc), the root context of the plugin, or a stream context.
import type { HttpStream } from "./http-stream";

export type ContextKind = "vm" | "root" | "stream";

export class ContextState {
  /** proxy_on_context_create has been called (Envoy's in_vm_context_created_). */
  createdInVm = false;
  /** The plugin configuration is readable (Envoy's temp_plugin_, set only during configure). */
  pluginConfigVisible = false;

  /** The stream a stream context belongs to (set right after both are created). */
  stream: HttpStream | null = null;

  constructor(
    readonly id: number,
    readonly kind: ContextKind,
  ) {}
}
