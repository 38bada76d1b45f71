/**
 * The outbox's exactly-once delivery against real SMTP servers (the capture with its faults, and
 * small smtp-server instances for refusals, lease theft and TLS) and a real PostgreSQL.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import nodemailer, { type Transporter } from 'nodemailer';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { outbox, type DeliveryOptions } from '../../activities/notifications/outbox';
import { freePort } from '../../devstack/ports';
import { startSmtpCapture, type SmtpCapture } from '../../devstack/smtp-capture';
import { createTestDatabase, type TestDatabase } from '../support/database';

let db: TestDatabase;
let smtp: SmtpCapture;
let mailer: Transporter;
beforeAll(async () => {
  [db, smtp] = await Promise.all([createTestDatabase(), startSmtpCapture({ port: 0 })]);
  mailer = nodemailer.createTransport(smtp.url);
});
afterAll(async () => {
  mailer?.close();
  await smtp?.stop();
  await db?.drop();
});
afterEach(() => smtp.setFault(null));

const FROM = 'Child protection <no-reply@test.local>';
const options = (extra: Partial<DeliveryOptions> = {}): DeliveryOptions => ({
  from: FROM,
  elapsedMs: 0,
  giveUpAfterMs: 3_600_000,
  ...extra,
});
const SUBJECT_AR = '[DEMO-2027-000001] مرحلة متأخرة: التشخيص — المستوى 1، رئيس الوحدة';

async function pendingRow(to = 'supervisor@demo.example'): Promise<{ id: string; messageId: string }> {
  const id = randomUUID();
  const messageId = `<test.${id}@test.local>`;
  await db.prisma.notification.create({
    data: {
      id,
      kind: 'escalation',
      recipientEmail: to,
      language: 'ar',
      subject: SUBJECT_AR,
      bodyText: 'تجاوزت مرحلة من مسار الحماية أجلها المحدد.',
      bodyHtml:
        '<html lang="ar" dir="rtl"><body dir="rtl"><p>تجاوزت مرحلة من مسار الحماية أجلها المحدد.</p></body></html>',
      messageId,
    },
  });
  return { id, messageId };
}

async function captured(messageId: string) {
  const parsed = await Promise.all(smtp.messages.map((m) => simpleParser(m.raw)));
  return parsed.filter((m) => m.messageId === messageId);
}

const row = (id: string) => db.prisma.notification.findUniqueOrThrow({ where: { id } });

/** A throw-away SMTP server for behaviours the capture does not have. */
async function server(opts: SMTPServerOptions): Promise<{ port: number; close(): Promise<void> }> {
  const port = await freePort();
  const s = new SMTPServer({ logger: false, ...opts });
  s.on('error', () => undefined);
  await new Promise<void>((resolve) => s.listen(port, '127.0.0.1', resolve));
  return { port, close: () => new Promise<void>((resolve) => s.close(() => resolve())) };
}

describe('outbox delivery', () => {
  it('sends a row once, with its Message-ID, and never again', async () => {
    const { id, messageId } = await pendingRow();
    expect(await outbox(db.prisma, mailer).deliver(id, options())).toBe('sent');
    expect(await outbox(db.prisma, mailer).deliver(id, options())).toBe('sent');
    const mails = await captured(messageId);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toBe(SUBJECT_AR);
    expect(mails[0]?.headers.get('x-notification-kind')).toBe('escalation');
    const after = await row(id);
    expect(after).toMatchObject({ status: 'sent', attempts: 1, phase: 'dataSent', leaseToken: null });
    expect(after.smtpResponse).toMatch(/^250/);
  });

  it('does not resend when the server drops the connection after the whole message: unconfirmed, audited', async () => {
    const { id, messageId } = await pendingRow();
    smtp.setFault('dropAfterData', 1);
    await expect(outbox(db.prisma, mailer).deliver(id, options())).rejects.toMatchObject({
      type: 'NotificationUnconfirmed',
    });
    expect(await row(id)).toMatchObject({ status: 'pending', phase: 'dataSent' });
    expect(await captured(messageId)).toHaveLength(1);
    // The retry needs no mail server at all: stop it, and the retry still settles the row.
    await smtp.stop();
    try {
      expect(await outbox(db.prisma, mailer).deliver(id, options())).toBe('unconfirmed');
    } finally {
      smtp = await startSmtpCapture({ port: smtp.port });
    }
    const after = await row(id);
    expect(after.status).toBe('unconfirmed');
    expect(after.sentAt).toEqual(after.transmittedAt);
    expect(after.attempts).toBe(1);
    const audit = await db.prisma.auditEvent.findMany({ where: { entityId: id } });
    expect(audit.map((a) => a.action)).toEqual(['notification.unconfirmed']);
  });

  it('resends after a 451 to the final dot (the server said no), once it is accepted', async () => {
    const { id, messageId } = await pendingRow();
    smtp.setFault('tempfail', 2);
    const box = outbox(db.prisma, mailer);
    for (let i = 0; i < 2; i++) {
      await expect(box.deliver(id, options())).rejects.toMatchObject({ type: 'NotificationNotDelivered' });
      expect(await row(id)).toMatchObject({ status: 'pending', phase: null, leaseToken: null });
    }
    expect(await box.deliver(id, options())).toBe('sent');
    expect(await captured(messageId)).toHaveLength(1);
    expect((await row(id)).attempts).toBe(3);
  });

  it('marks a row failed, with an audit event, once mail has been unreachable past the limit', async () => {
    const { id } = await pendingRow();
    const port = await freePort(); // nothing listens here
    const down = nodemailer.createTransport(`smtp://127.0.0.1:${port}`);
    const box = outbox(db.prisma, down);
    await expect(
      box.deliver(id, options({ elapsedMs: 59_000, giveUpAfterMs: 60_000 })),
    ).rejects.toMatchObject({
      type: 'NotificationNotDelivered',
    });
    expect(await box.deliver(id, options({ elapsedMs: 60_000, giveUpAfterMs: 60_000 }))).toBe('failed');
    const after = await row(id);
    expect(after).toMatchObject({ status: 'failed', attempts: 2, phase: null });
    expect(after.lastError).toMatch(/unreachable for 60 s.*ECONNREFUSED/);
    expect((await db.prisma.auditEvent.findMany({ where: { entityId: id } })).map((a) => a.action)).toEqual([
      'notification.failed',
    ]);
    // Settled: a later attempt, even with the server back, sends nothing.
    expect(await outbox(db.prisma, mailer).deliver(id, options())).toBe('failed');
    down.close();
  });

  it('fails at once when the server refuses the recipient for good (5xx)', async () => {
    const refusing = await server({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      onRcptTo: (_address, _session, callback) =>
        callback(Object.assign(new Error('5.1.1 no such mailbox'), { responseCode: 550 })),
    });
    const { id } = await pendingRow('nobody@demo.example');
    const t = nodemailer.createTransport(`smtp://127.0.0.1:${refusing.port}`);
    expect(await outbox(db.prisma, t).deliver(id, options())).toBe('failed');
    expect((await row(id)).lastError).toMatch(/refused.*550/);
    t.close();
    await refusing.close();
  });

  it('waits for a live attempt’s lease, takes over an expired one, and settles a crash after the final dot without sending', async () => {
    const box = outbox(db.prisma, mailer);
    const busy = await pendingRow();
    await db.prisma
      .$executeRaw`UPDATE notifications SET phase = 'sending', lease_token = 'other', lease_until = now() + interval '1 minute' WHERE id = ${busy.id}`;
    await expect(box.deliver(busy.id, options())).rejects.toMatchObject({ type: 'NotificationBusy' });
    expect(await captured(busy.messageId)).toHaveLength(0);
    // The other attempt died before its final dot: once its lease runs out, the message is sent.
    await db.prisma
      .$executeRaw`UPDATE notifications SET lease_until = now() - interval '1 second' WHERE id = ${busy.id}`;
    expect(await box.deliver(busy.id, options())).toBe('sent');
    expect(await captured(busy.messageId)).toHaveLength(1);

    // A worker that died right after recording the final dot: never sent again.
    const crashed = await pendingRow();
    await db.prisma
      .$executeRaw`UPDATE notifications SET phase = 'dataSent', lease_token = 'dead', lease_until = now() + interval '1 minute', transmitted_at = now() WHERE id = ${crashed.id}`;
    expect(await box.deliver(crashed.id, options())).toBe('unconfirmed');
    expect(await captured(crashed.messageId)).toHaveLength(0);
  });

  it('withholds the final dot when another attempt took the lease during the transaction', async () => {
    const { id } = await pendingRow();
    const completed: string[] = [];
    const thief = await server({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      // While this attempt is in its envelope, another one takes the row over.
      onRcptTo: (_address, _session, callback) => {
        void db.prisma.notification
          .update({ where: { id }, data: { leaseToken: 'thief' } })
          .then(() => callback(), callback);
      },
      onData: (stream, _session, callback) => {
        stream.resume();
        stream.on('end', () => {
          completed.push('message');
          callback();
        });
      },
    });
    const t = nodemailer.createTransport(`smtp://127.0.0.1:${thief.port}`);
    await expect(outbox(db.prisma, t).deliver(id, options())).rejects.toMatchObject({
      type: 'NotificationNotDelivered',
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(completed).toEqual([]);
    expect(await row(id)).toMatchObject({ phase: 'sending', leaseToken: 'thief', status: 'pending' });
    t.close();
    await thief.close();
  });

  describe('TLS', () => {
    let dir: string;
    let tls: { key: Buffer; cert: Buffer };
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smtp-tls-'));
      execFileSync('openssl', [
        'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
        '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
      ], { stdio: 'ignore' }); // prettier-ignore
      tls = {
        key: fs.readFileSync(path.join(dir, 'key.pem')),
        cert: fs.readFileSync(path.join(dir, 'cert.pem')),
      };
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    const receiving = (sessions: { secure: boolean; user: unknown }[]): SMTPServerOptions['onData'] =>
      function (stream, session, callback) {
        stream.resume();
        stream.on('end', () => {
          sessions.push({ secure: session.secure, user: session.user });
          callback();
        });
      };

    it('sends over smtps:// (TLS from the start)', async () => {
      const sessions: { secure: boolean; user: unknown }[] = [];
      const s = await server({ ...tls, secure: true, authOptional: true, onData: receiving(sessions) });
      const t = nodemailer.createTransport(`smtps://127.0.0.1:${s.port}?tls.rejectUnauthorized=false`);
      const { id } = await pendingRow();
      expect(await outbox(db.prisma, t).deliver(id, options())).toBe('sent');
      expect(sessions).toEqual([{ secure: true, user: undefined }]);
      t.close();
      await s.close();
    });

    it('upgrades with STARTTLS and logs in with the URL’s user and password', async () => {
      const sessions: { secure: boolean; user: unknown }[] = [];
      const s = await server({
        ...tls,
        onAuth: (auth, session, callback) =>
          auth.username === 'relay' && auth.password === 's3cret' && session.secure
            ? callback(null, { user: 'relay' })
            : callback(new Error('bad credentials')),
        onData: receiving(sessions),
      });
      const t = nodemailer.createTransport(
        `smtp://relay:s3cret@127.0.0.1:${s.port}?requireTLS=true&tls.rejectUnauthorized=false`,
      );
      const { id } = await pendingRow();
      expect(await outbox(db.prisma, t).deliver(id, options())).toBe('sent');
      expect(sessions).toEqual([{ secure: true, user: 'relay' }]);
      t.close();
      await s.close();
    });
  });
});
