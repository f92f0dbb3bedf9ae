import { base } from "@aistats/eslint-config";

export default [...base];
