import { createApp } from "@sluice/api";
import { apiDeps, lazyHandler } from "@sluice/lambda";
import { handle } from "hono/aws-lambda";

/** The HTTP API behind a Lambda Function URL (auth `none`: IAM auth would take the `Authorization` header). */
export const handler = lazyHandler(() => handle(createApp(apiDeps())));
