import { Arena } from "../arena/arena";
import { PluginConfig } from "../config/plugin-config";
import { JsonPathSet } from "../json/json-path-set";
import { RequestFields, ResponseFields, copyPathSet } from "./response-fields";
import { UnitPool } from "./unit-pool";

// A PluginConfig prepared once for the engine: the configured path sets copied (ids kept) and
// extended with the engine's own fields, so each document is scanned in one pass for both, and
// the pools of match units that scan them.
export class CompiledConfig {
  readonly config: PluginConfig;
  readonly requestPaths: JsonPathSet;
  readonly responsePaths: JsonPathSet;
  readonly streamPaths: JsonPathSet;
  readonly requestFields: RequestFields = new RequestFields();
  readonly responseFields: ResponseFields = new ResponseFields();
  readonly streamFields: ResponseFields = new ResponseFields();
  readonly requestUnits: UnitPool;
  readonly responseUnits: UnitPool;
  readonly streamUnits: UnitPool;

  constructor(config: PluginConfig, arena: Arena) {
    const plan = config.plan;
    const req = copyPathSet(plan.requestBody.paths);
    const resp = copyPathSet(plan.responseBody.paths);
    const stream = copyPathSet(plan.streamingBody.paths);
    this.config = config;
    // The engine's fields are numbered after the configured paths (addTo below appends them).
    const limit = config.valueLengthLimit;
    this.requestUnits = new UnitPool(arena, req, req.size, limit);
    this.responseUnits = new UnitPool(arena, resp, resp.size, limit);
    this.streamUnits = new UnitPool(arena, stream, stream.size, limit);
    this.requestPaths = req;
    this.responsePaths = resp;
    this.streamPaths = stream;
    this.requestFields.addTo(req);
    this.responseFields.addTo(resp);
    this.streamFields.addTo(stream);
  }
}
