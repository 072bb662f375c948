import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The web app (src/web), built into dist/web, which the server serves on its own port.
 * `npm run dev:web` serves it with hot reload and sends /api to a server on :4400.
 */
const server = process.env.THROUGHLINE_API ?? 'http://127.0.0.1:4400';

// Vite reads its configuration from a default export.
export default defineConfig({
  root: fileURLToPath(new URL('./src/web', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // The dependency graph's layout engine (elkjs) is large and loaded only by its page.
    chunkSizeWarningLimit: 1800,
  },
  server: {
    proxy: { '/api': server, '/health': server, '/docs': server },
  },
});
