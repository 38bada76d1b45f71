import fs from 'node:fs';
import http from 'node:http';
import type { Server, Socket } from 'node:net';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { assertPortFree } from './ports';

export interface CapturedMessage {
  seq: number;
  receivedAt: Date;
  from: string;
  to: string[];
  raw: Buffer;
  file: string | undefined;
}

/**
 * Faults a test can inject: `dropAfterData` keeps the message but cuts the connection before the
 * final reply (the sender cannot know it was accepted); `tempfail` answers 451 to every message.
 */
export type SmtpFault = 'dropAfterData' | 'tempfail' | null;

export interface SmtpCapture {
  port: number;
  url: string;
  pageUrl: string | undefined;
  messages: CapturedMessage[];
  setFault(fault: SmtpFault, times?: number): void;
  waitForMessages(count: number, timeoutMs?: number): Promise<CapturedMessage[]>;
  stop(): Promise<void>;
}

/**
 * A real SMTP server that keeps every message: in memory, as `.eml` files in `dir` when given,
 * and on a small HTML page when `httpPort` is given. Used by `npm start` and by the tests.
 */
export async function startSmtpCapture(options: {
  port: number;
  host?: string;
  dir?: string;
  httpPort?: number;
}): Promise<SmtpCapture> {
  const host = options.host ?? '127.0.0.1';
  // Port 0: the OS picks a free port at bind time (no window for another process to take it).
  if (options.port !== 0) {
    await assertPortFree(options.port, 'SMTP capture', 'set SMTP_URL to use an existing SMTP server');
  }
  if (options.httpPort) await assertPortFree(options.httpPort, 'mail capture page', 'set MAIL_UI_PORT');
  if (options.dir) fs.mkdirSync(options.dir, { recursive: true });
  const messages: CapturedMessage[] = [];
  let seq = options.dir ? fs.readdirSync(options.dir).filter((f) => f.endsWith('.eml')).length : 0;
  let fault: SmtpFault = null;
  let faultsLeft = 0;
  const sockets = new Map<string, Socket>();

  const takeFault = (): SmtpFault => {
    if (!fault) return null;
    const current = fault;
    faultsLeft -= 1;
    if (faultsLeft <= 0) fault = null;
    return current;
  };

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    banner: 'child-protection mail capture',
    logger: false,
    size: 25 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const injected = takeFault();
        if (injected === 'tempfail') {
          callback(Object.assign(new Error('451 mailbox temporarily unavailable'), { responseCode: 451 }));
          return;
        }
        seq += 1;
        const raw = Buffer.concat(chunks);
        const file = options.dir
          ? path.join(options.dir, `${String(seq).padStart(6, '0')}-${Date.now()}.eml`)
          : undefined;
        if (file) fs.writeFileSync(file, raw);
        messages.push({
          seq,
          receivedAt: new Date(),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          file,
        });
        if (injected === 'dropAfterData') {
          sockets.get(`${session.remoteAddress}:${session.remotePort}`)?.destroy();
          return;
        }
        callback();
      });
    },
  });
  const netServer = (server as unknown as { server: Server }).server;
  netServer.on('connection', (socket: Socket) => {
    const key = `${socket.remoteAddress}:${socket.remotePort}`;
    sockets.set(key, socket);
    socket.once('close', () => sockets.delete(key));
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(options.port, host, resolve));
  const bound = netServer.address();
  const port = typeof bound === 'object' && bound ? bound.port : options.port;

  let page: http.Server | undefined;
  if (options.httpPort) {
    page = http.createServer((req, res) => void servePage(req, res, messages, options.dir));
    await new Promise<void>((resolve) => page?.listen(options.httpPort, host, resolve));
  }

  return {
    port,
    url: `smtp://${host}:${port}`,
    pageUrl: options.httpPort ? `http://localhost:${options.httpPort}` : undefined,
    messages,
    setFault(next, times = Number.POSITIVE_INFINITY) {
      fault = next;
      faultsLeft = times;
    },
    async waitForMessages(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      return messages;
    },
    async stop() {
      for (const socket of sockets.values()) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (page) await new Promise<void>((resolve) => page?.close(() => resolve()));
    },
  };
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** The messages the page lists: every .eml kept in the folder (across restarts), else this run's. */
function listed(messages: CapturedMessage[], dir: string | undefined, limit = 200): CapturedMessage[] {
  if (!dir) return [...messages].reverse().slice(0, limit);
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d+-\d+\.eml$/.test(f))
    .sort()
    .reverse()
    .slice(0, limit)
    .map((f) => {
      const [seq, at] = f
        .replace(/\.eml$/, '')
        .split('-')
        .map(Number);
      const file = path.join(dir, f);
      return {
        seq: seq ?? 0,
        receivedAt: new Date(at ?? 0),
        from: '',
        to: [],
        raw: fs.readFileSync(file),
        file,
      };
    });
}

async function servePage(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  messages: CapturedMessage[],
  dir: string | undefined,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const match = /^\/messages\/(\d+)(\.eml)?$/.exec(url.pathname);
  const all = listed(messages, dir, match ? Number.POSITIVE_INFINITY : 200);
  if (match) {
    const message = all.find((m) => m.seq === Number(match[1]));
    if (!message) {
      res.writeHead(404).end('no such message');
      return;
    }
    if (match[2]) {
      res.writeHead(200, { 'content-type': 'message/rfc822' }).end(message.raw);
      return;
    }
    const parsed = await simpleParser(message.raw);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(parsed.html || `<pre>${escapeHtml(parsed.text ?? '')}</pre>`);
    return;
  }
  const rows = await Promise.all(
    all.map(async (m) => {
      const parsed = await simpleParser(m.raw);
      const to = parsed.to ? [parsed.to].flat().map((a) => a.text) : m.to;
      return `<tr><td>${m.receivedAt.toISOString()}</td><td>${escapeHtml(to.join(', '))}</td><td><a href="/messages/${m.seq}">${escapeHtml(parsed.subject ?? '(no subject)')}</a></td><td><a href="/messages/${m.seq}.eml">.eml</a></td></tr>`;
    }),
  );
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(
    `<!doctype html><meta charset="utf-8"><title>Mail capture</title><h1>Mail capture</h1>` +
      `<p>${messages.length} message(s) since this start` +
      (dir ? `; every message is kept in <code>${escapeHtml(dir)}</code> (newest ${all.length} below)` : '') +
      `.</p>` +
      `<table border="1" cellpadding="4"><tr><th>received</th><th>to</th><th>subject</th><th>raw</th></tr>${rows.join('')}</table>`,
  );
}
