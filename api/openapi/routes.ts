/** GET /openapi.json and GET /docs (Swagger UI from the swagger-ui-dist package, no CDN). */
import path from 'node:path';
import express, { type Router } from 'express';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Routes } from '../http/route';
import { z } from './zod';
import { buildDocument } from './document';

const DOCS_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Child-protection case API</title>
    <link rel="stylesheet" href="/docs/swagger-ui.css" />
    <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script src="/docs/swagger-ui-standalone-preset.js"></script>
    <script src="/docs/docs-init.js"></script>
  </body>
</html>
`;

export const DOCS_ASSETS = [
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'swagger-ui-standalone-preset.js',
  'docs-init.js',
];

export function openApiRoutes(
  router: Router,
  routes: Routes,
  registry: OpenAPIRegistry,
  version: string,
): void {
  // Built on first request, after every route has registered itself.
  let document: ReturnType<typeof buildDocument> | undefined;
  routes.publicRoute({
    method: 'get',
    path: '/openapi.json',
    operationId: 'openApiDocument',
    summary: 'This API as an OpenAPI 3.1 document',
    tag: 'reference',
    responses: { 200: { description: 'the document', schema: z.record(z.string(), z.unknown()) } },
    handle: async () => ({ body: (document ??= buildDocument(registry, version)) }),
  });
  routes.publicRoute({
    method: 'get',
    path: '/docs',
    operationId: 'docs',
    summary: 'Interactive reference page (Swagger UI)',
    tag: 'reference',
    responses: { 200: { description: 'HTML page', schema: z.string(), contentType: 'text/html' } },
    handle: async () => ({ body: DOCS_PAGE, contentType: 'text/html; charset=utf-8' }),
  });
  const swaggerUi = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  const statics = { index: false, immutable: true, maxAge: '1d' };
  router.use('/docs', express.static(path.join(__dirname, 'assets'), statics));
  router.use('/docs', express.static(swaggerUi, statics));
}
