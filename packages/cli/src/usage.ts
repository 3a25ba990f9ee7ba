import { DEFAULT_IMPORT_LIMITS } from "@sluice/core";
import { CLI_TIMEOUT_SECONDS } from "./s3-source";

const S3_OPTIONS = `  --endpoint URL        a local S3 (s3rver, MinIO) instead of AWS
  --timeout SECONDS     how long S3 may take to connect, to answer, or stay silent mid-answer before
                        the read fails (default ${CLI_TIMEOUT_SECONDS})
s3:// sources use the default AWS credentials (AWS_PROFILE, or AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY; any values for a local --endpoint) and AWS_REGION for object URLs.`;

const METADATA_OPTIONS = `  --sidecar-suffix S    a sidecar suffix, repeatable (default .metadata.json)
  --schema FILE         an Encord metadata schema (v2 or legacy flat form) to check clientMetadata against`;

/** `sluice scan --help`. */
export const SCAN_USAGE = `usage: sluice scan DIR --url-base URL [options]
       sluice scan s3://BUCKET/PREFIX [--url-base URL] [options]

Prints the import JSON for a folder or an S3 prefix, with the pipeline's rules. Every object left out
is named on stderr with its reason, every warning with the object it is about.

  --url-base URL        required for a folder: where it lives in S3, as
                        https://BUCKET.s3.REGION.amazonaws.com/PREFIX/ (for s3:// the bucket's own URLs
                        are the default)
${METADATA_OPTIONS}
  --out FILE            write the import to FILE (FILE.part1.json, ... when it splits); FILE's folder
                        must exist
  --max-entries N       entries per import file (default ${DEFAULT_IMPORT_LIMITS.maxEntries})
  --max-videos N        videos per import file (default ${DEFAULT_IMPORT_LIMITS.maxVideos})
  --max-bytes N         bytes per import file (default ${DEFAULT_IMPORT_LIMITS.maxBytes})
${S3_OPTIONS}

Exit status: 0 done; 1 S3 did not answer in time (run it again) or an unexpected error;
2 a mistake in the command or its inputs (one line on stderr).`;

/** `sluice inspect --help`. */
export const INSPECT_USAGE = `usage: sluice inspect FILE [--root DIR] [--url-base URL] [options]
       sluice inspect s3://BUCKET/KEY [options]

Prints the record of one object as JSON: type, status, merged clientMetadata and where each key came
from, measured metadata, errors, warnings, its group, and its import entry.

  --root DIR            the folder that stands for the bucket (or for --url-base's prefix): FILE's key
                        is its path under DIR, and _defaults.json files are read from FILE's folder up
                        to DIR. Without it, the root is the highest of FILE's folder, the current
                        folder (when FILE is under it) and every folder above FILE, up to the file
                        system root, that holds a _defaults.json. The root and the _defaults.json
                        files applied are named on stderr
  --url-base URL        the URL of the root in S3 (without it objectUrl is a placeholder)
${METADATA_OPTIONS}
${S3_OPTIONS}

Exit status: 0 the record is ready, skipped or incomplete; 1 it is invalid (the record is still
printed), S3 did not answer in time, or an unexpected error; 2 a mistake in the command or its inputs.`;

const START_USAGE = `usage: sluice start
  the local stack; settings from PORT, S3_PORT, DYNAMODB_PORT, BUCKET, EXPORTS_BUCKET, DATA_DIR,
  API_TOKEN, SIDECAR_SUFFIXES`;

const ENABLE_EVENTBRIDGE_USAGE = `usage: sluice enable-eventbridge --bucket NAME [--endpoint URL]
  turns on the bucket's EventBridge delivery once; keeps its other notification settings`;

/** Usage of each command, for `sluice COMMAND --help`. */
export const COMMAND_USAGE: ReadonlyMap<string, string> = new Map([
  ["scan", SCAN_USAGE],
  ["inspect", INSPECT_USAGE],
  ["start", START_USAGE],
  ["enable-eventbridge", ENABLE_EVENTBRIDGE_USAGE],
]);

/** `sluice --help`. */
export const USAGE = `usage:
  sluice scan DIR --url-base URL [options]
  sluice scan s3://BUCKET/PREFIX [--url-base URL] [options]
  sluice inspect FILE|s3://BUCKET/KEY [--root DIR] [--url-base URL] [options]
  sluice start
  sluice enable-eventbridge --bucket NAME [--endpoint URL]
  sluice --version

Run sluice COMMAND --help for a command's options.`;
