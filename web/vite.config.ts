import { loadEnv } from "vite";
import { defineConfig } from "vitest/config";

// JSX needs no plugin: Vite's transformer reads `jsx`/`jsxImportSource` from tsconfig.json, as tsc does.
// `npm run dev` serves the app with hot reload and forwards /config.json to a running local stack
// (`python -m infra.local`), so the dev server uses the stack's real endpoints.
export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, ".", "AGENTDESK_");
  const stackUrl = env["AGENTDESK_STACK_URL"] ?? "http://127.0.0.1:8080";
  return {
    server: {
      proxy: { "/config.json": { target: stackUrl, changeOrigin: true } },
    },
    build: {
      outDir: "dist",
      target: "es2022",
      sourcemap: true,
    },
    test: {
      include: ["tests/**/*.test.ts"],
      environment: "node",
    },
  };
});
