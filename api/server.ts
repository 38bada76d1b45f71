import type { Server } from 'node:http';
import express from 'express';
import { loadConfig } from '../lib/config';

export interface RunningApi {
  url: string;
  stop(): Promise<void>;
}

/** Starts the HTTP API (liveness only for now; the case routes come with the API issue). */
export async function startApi(env: NodeJS.ProcessEnv = process.env): Promise<RunningApi> {
  const config = loadConfig(env);
  const app = express();
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(config.API_PORT, () => resolve(s));
  });
  return {
    url: `http://localhost:${config.API_PORT}`,
    stop: () => new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
