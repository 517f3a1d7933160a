// dist/index.cjs for Node (the migrations' CommonJS and tests/node's ESM both load it):
// one CommonJS bundle, the IDL inlined, the dependencies left to node_modules. CommonJS
// because Anchor is CommonJS without named ESM exports; esbuild annotates the export
// names so `import { x } from "@hedge-vault/client"` works from ESM. The dApp and the
// type checks read src/ directly.
import { build } from "esbuild";

await build({
  entryPoints: ["src/index.ts"],
  bundle: true,
  platform: "node",
  target: "node18",
  packages: "external",
  format: "cjs",
  outfile: "dist/index.cjs",
  logLevel: "warning",
});
