import { base, publicCoreOnly } from "@aistats/eslint-config";

export default [...base, publicCoreOnly];
