import { type FolderRoute, parseEncordFolders } from "@sluice/core";
import { z } from "zod";
import { ENCORD_EU_ORIGIN, resolveEncordOrigin } from "./encord/encord-origin";

/** Delivery to Encord (design.md "Delivery to Encord"); null in Config while it is off. */
export interface EncordConfig {
  /** Scheme, host and port of Encord's API: `https://api.encord.com` unless `ENCORD_DOMAIN` says `us` or a URL. */
  domain: string;
  /** The folder for keys no route takes (`ENCORD_FOLDER`); null: those keys are not delivered. */
  folder: string | null;
  routes: FolderRoute[];
  /** The cloud integration Encord reads the bucket through (`ENCORD_INTEGRATION`). */
  integration: string;
  /**
   * Where the private key is: a file (`ENCORD_SSH_KEY_FILE`, locally) or the content (`ENCORD_SSH_KEY`, a secret
   * in AWS); null in a function configured with `encordKey: "unused"`, which routes and queues but never calls Encord.
   */
  key: { file: string } | { content: string } | null;
}

/**
 * How a function uses delivery: `required` (the default) where it calls Encord (the poller, the API's schema
 * routes); `unused` for the exporter, which only splits files by folder and queues their deliveries, so that
 * its environment need not hold the key (and it is dropped if it does).
 */
export interface EncordConfigOptions {
  encordKey?: "required" | "unused";
}

const KEYS = [
  "ENCORD_FOLDER",
  "ENCORD_FOLDERS",
  "ENCORD_INTEGRATION",
  "ENCORD_SSH_KEY_FILE",
  "ENCORD_SSH_KEY",
];

/**
 * Reads the Encord settings: off (null) when none is set, on when a folder, the integration and a key
 * are; anything in between is a problem naming what is missing, so that a half-configured delivery
 * never silently does nothing. The key's content is never echoed in a problem.
 */
export function parseEncordConfig(
  env: Readonly<Record<string, string | undefined>>,
  options: EncordConfigOptions = {},
): {
  encord: EncordConfig | null;
  problems: { key: string; message: string }[];
} {
  const problems: { key: string; message: string }[] = [];
  if (!KEYS.some((key) => env[key] !== undefined)) return { encord: null, problems };
  const domain = parseDomain(env.ENCORD_DOMAIN, problems);
  const uuid = (key: string) => {
    const value = env[key];
    if (value === undefined) return null;
    if (z.uuid().safeParse(value).success) return value.toLowerCase();
    problems.push({ key, message: "must be a UUID" });
    return null;
  };
  const folder = uuid("ENCORD_FOLDER");
  const integration = uuid("ENCORD_INTEGRATION");
  let routes: FolderRoute[] = [];
  if (env.ENCORD_FOLDERS !== undefined) {
    const parsed = parseEncordFolders(env.ENCORD_FOLDERS);
    if (parsed.ok) routes = parsed.routes;
    else for (const error of parsed.errors) problems.push({ key: "ENCORD_FOLDERS", message: error.message });
  }
  if (env.ENCORD_FOLDER === undefined && env.ENCORD_FOLDERS === undefined)
    problems.push({ key: "ENCORD_FOLDER", message: "is required to deliver to Encord (or ENCORD_FOLDERS)" });
  if (env.ENCORD_INTEGRATION === undefined)
    problems.push({ key: "ENCORD_INTEGRATION", message: "is required to deliver to Encord" });
  if (options.encordKey === "unused") {
    if (problems.length > 0 || integration === null) return { encord: null, problems };
    return { encord: { domain, folder, routes, integration, key: null }, problems };
  }
  const key = env.ENCORD_SSH_KEY_FILE
    ? { file: env.ENCORD_SSH_KEY_FILE }
    : env.ENCORD_SSH_KEY
      ? { content: env.ENCORD_SSH_KEY }
      : null;
  if (key === null)
    problems.push({
      key: "ENCORD_SSH_KEY_FILE",
      message: "is required to deliver to Encord (or ENCORD_SSH_KEY)",
    });
  if (problems.length > 0 || integration === null || key === null) return { encord: null, problems };
  return { encord: { domain, folder, routes, integration, key }, problems };
}

function parseDomain(raw: string | undefined, problems: { key: string; message: string }[]): string {
  try {
    return resolveEncordOrigin(raw);
  } catch {
    problems.push({ key: "ENCORD_DOMAIN", message: 'must be "eu", "us" or an http(s) URL' });
    return ENCORD_EU_ORIGIN;
  }
}
