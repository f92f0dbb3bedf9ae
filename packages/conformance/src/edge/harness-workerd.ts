// The workerd harness: an ES module worker (no nodejs_compat) serving handleHarnessRequest.
import { handleHarnessRequest } from "./harness.js";

export default { fetch: handleHarnessRequest };
