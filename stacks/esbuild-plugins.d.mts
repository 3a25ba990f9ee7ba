import type { Plugin } from "esbuild";

/** Keeps English alone of zod's locales in a bundle. */
export declare const zodEnglishOnly: Plugin;

/** Every function bundle's plugins, as SST's `nodejs.plugins` reads them. */
declare const plugins: Plugin[];
export default plugins;
