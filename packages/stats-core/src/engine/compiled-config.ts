import { PluginConfig } from "../config/plugin-config";
import { JsonPathSet } from "../json/json-path-set";
import { RequestFields, ResponseFields, copyPathSet } from "./response-fields";

// A PluginConfig prepared once for the engine: the configured path sets copied (ids kept) and
// extended with the engine's own fields, so each document is scanned in one pass for both.
export class CompiledConfig {
  readonly config: PluginConfig;
  readonly requestPaths: JsonPathSet;
  readonly responsePaths: JsonPathSet;
  readonly streamPaths: JsonPathSet;
  readonly requestFields: RequestFields = new RequestFields();
  readonly responseFields: ResponseFields = new ResponseFields();
  readonly streamFields: ResponseFields = new ResponseFields();

  constructor(config: PluginConfig) {
    const plan = config.plan;
    const req = copyPathSet(plan.requestBody.paths);
    const resp = copyPathSet(plan.responseBody.paths);
    const stream = copyPathSet(plan.streamingBody.paths);
    this.config = config;
    this.requestPaths = req;
    this.responsePaths = resp;
    this.streamPaths = stream;
    this.requestFields.addTo(req);
    this.responseFields.addTo(resp);
    this.streamFields.addTo(stream);
  }
}
