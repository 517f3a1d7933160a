// @hedge-vault/client: the hedge vault program from TypeScript. See README.md.

export * from "./idl";
export * from "./pda";
export * from "./ix";
export * from "./decode";
export * from "./events";
export * from "./errors";
export * from "./budget";
