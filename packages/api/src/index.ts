export * from "./api-deps";
export * from "./app";
export * from "./errors";
export * from "./exports-bucket";
export * from "./list-records";
export * from "./routes/reimports";
