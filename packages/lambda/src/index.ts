export { type Clients, createAwsClients, createDeps, type Deps, deps } from "./deps";
