// dynalite ships no types; this declares the one entry point the tests use.
declare module "dynalite" {
  interface DynaliteOptions {
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
    path?: string;
  }
  function dynalite(options?: DynaliteOptions): import("node:http").Server;
  export default dynalite;
}
