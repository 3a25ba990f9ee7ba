export type { ApiDeps } from "./api-deps";
export { createApp } from "./app";
