import { dualBuild } from "@aistats/tsup-config";

// The host keeps no module-level state; objects of one build (a HeaderMap, a TypedProperty) are not
// meant for the other. stripInternal also keeps GuestMemory (whose WebAssembly.Memory TypeScript
// declares only in the DOM lib, which a Node project lacks) out of the published declarations.
export default dualBuild({ platform: "node" });
