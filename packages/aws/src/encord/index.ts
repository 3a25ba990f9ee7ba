export * from "./encord-client";
export * from "./encord-errors";
export * from "./encord-origin";
export * from "./encord-transport";
export * from "./openssh-key";
export * from "./sign-request";
export * from "./upload-job-state";
