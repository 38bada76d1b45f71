/**
 * The desk (desk/, built by scripts/desk-build.ts into desk/dist) served by the API itself, same
 * origin: `/` leads to `/desk/`; every page of the desk is a path under `/desk/` (the JSON routes
 * keep theirs, so `/cases/{id}` stays JSON and the desk shows a case at `/desk/cases/{id}`);
 * hashed assets under `/desk/assets/` are cached for a year; index.html is never cached. A strict
 * Content-Security-Policy: scripts, styles, images, fonts and requests from this origin only — no
 * inline script or style, no CDN.
 */
import fs from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler, type Router } from 'express';
import { ProblemError } from '../http/problem';

export const DESK_DIR = path.resolve(__dirname, '..', '..', 'desk', 'dist');

export const DESK_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function deskRoutes(dir = DESK_DIR): Router {
  const router = express.Router();
  router.get('/', (_req, res) => res.redirect(302, '/desk/'));
  router.use('/desk', (_req, res, next) => {
    res.set('Content-Security-Policy', DESK_CSP);
    next();
  });
  router.use(
    '/desk/assets',
    express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false }),
    (req, _res, next) => next(new ProblemError('notFound', `no desk asset ${req.path}`)),
  );
  // Files of desk/public (the icon): cached a day, not immutable (their names carry no hash).
  router.use('/desk', express.static(dir, { index: false, maxAge: '1d', redirect: false }));
  const page: RequestHandler = (_req, res, next) => {
    const index = path.join(dir, 'index.html');
    fs.readFile(index, 'utf8', (err, html) => {
      if (err) {
        next(new ProblemError('unavailable', 'the desk is not built: run npm start (or npm run desk:build)'));
        return;
      }
      res.set('Cache-Control', 'no-cache');
      res.type('html').send(html);
    });
  };
  router.get('/desk', page);
  router.get('/desk/{*page}', page);
  return router;
}
