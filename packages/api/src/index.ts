export type { ApiDeps } from "./api-deps";
export { createApp } from "./app";
export { reimportSequencer } from "./job-ids";
