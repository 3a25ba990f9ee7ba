export { createFileByteSource, type FileByteSource } from "./file-byte-source";
export { createFolderReader } from "./folder-reader";
export { main } from "./main";
