import { settings } from "./settings";

/**
 * The Encord private key (OpenSSH or PKCS#8, unencrypted), only when delivery is configured:
 * `npx sst secret set EncordSshKey "$(cat encord-key.txt)"`. Handlers never log it.
 */
export const encordKey = settings.encord ? new sst.Secret("EncordSshKey") : null;

/**
 * What the exporter gets: the `ENCORD_*` settings (it splits files by folder) without the key, which it never uses;
 * empty while delivery is off.
 */
export const encordRoutingEnvironment: Record<string, string> = settings.encord ?? {};

/** What a function that talks to Encord (poller, API) gets: the `ENCORD_*` settings and the key; empty while delivery is off. */
export const encordEnvironment: Record<string, $util.Input<string>> = settings.encord && encordKey
  ? { ...settings.encord, ENCORD_SSH_KEY: encordKey.value }
  : {};
