import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';

/** Where `npm run build` puts the browser UI (vite build of src/web). */
export const WEB_DIST = path.join(import.meta.dirname, '../../dist/web');

/**
 * Serves the built web UI on the API's port: its files, and index.html for every other
 * non-API path (the UI routes in the browser). Without a build, nothing is added.
 */
export function serveWebUi(dir = WEB_DIST): ((app: Express) => void) | undefined {
  if (!existsSync(path.join(dir, 'index.html'))) return undefined;
  return (app) => {
    app.use(express.static(dir, { index: false, maxAge: '1h', immutable: false }));
    app.get(/^\/(?!api\/|healthz$|readyz$|metrics$).*/, (_req, res) => {
      res.set('Cache-Control', 'no-cache').sendFile(path.join(dir, 'index.html'));
    });
  };
}
