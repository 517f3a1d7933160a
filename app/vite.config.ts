import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

export default defineConfig({
  plugins: [react()],
  // The IDL lives in the program crate and the client in clients/ts, one level up.
  server: { fs: { allow: [".."] } },
  define: { "process.env": {} },
  resolve: {
    alias: {
      // The npm package, by path: packages in the store (node_modules/.store) that import
      // Node's `buffer` cannot see the app's dependencies.
      buffer: createRequire(import.meta.url).resolve("buffer/"),
      // The client's source, not its Node build: one bundle, one copy of web3.js.
      "@hedge-vault/client": fileURLToPath(new URL("../clients/ts/src/index.ts", import.meta.url)),
    },
  },
  build: { chunkSizeWarningLimit: 2000 },
  test: { environment: "node", include: ["src/**/*.test.ts"] },
});
