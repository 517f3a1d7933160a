import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

export default defineConfig({
  plugins: [react()],
  // The IDL lives in the program crate, one level up.
  server: { fs: { allow: [".."] } },
  define: { "process.env": {} },
  resolve: { alias: { buffer: "buffer/" } },
  build: { chunkSizeWarningLimit: 2000 },
  test: { environment: "node", include: ["src/**/*.test.ts"] },
});
