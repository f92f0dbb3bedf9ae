import { dualBuild } from "@aistats/tsup-config";

export default dualBuild({ platform: "node" });
