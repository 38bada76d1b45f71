/**
 * One SMTP transaction for one message, on nodemailer's SMTPConnection, with a commit point just
 * before the final dot. The dot is what makes a server take a message: until it is sent nothing can
 * have been delivered, and once it is sent a lost reply leaves the outcome unknown. The caller's
 * `beforeFinalDot` hook records that point durably (and may refuse, e.g. when its lease was taken).
 */
import { Readable } from 'node:stream';
import type { Transporter } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import SMTPConnection, {
  type SMTPConnectionAuth,
  type SMTPConnectionOptions,
} from 'nodemailer/lib/smtp-connection';

export interface OutgoingMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** With angle brackets, e.g. `<escalation.x.1.y@child-protection.local>`. */
  messageId: string;
  language: string;
  /** Sent as X-Notification-Kind, so mail filters (and tests) can tell messages apart. */
  kind: string;
  /** Inline files the HTML refers to as `cid:<contentId>` (the monthly report's charts). */
  attachments?: { contentId: string; filename: string; contentType: string; content: Buffer }[];
}

export type SendOutcome =
  /** The server answered 2xx to the final dot. */
  | { outcome: 'accepted'; response: string }
  /** The server refused, or the final dot was never sent: nothing was delivered. */
  | { outcome: 'notDelivered'; permanent: boolean; error: string }
  /** The final dot was sent and no answer came: the server may or may not have the message. */
  | { outcome: 'unknown'; error: string };

export interface SmtpTarget {
  options: SMTPConnectionOptions;
  auth: SMTPConnectionAuth | undefined;
  forceAuth: boolean;
}

interface SmtpTransportLike {
  name?: string;
  options?: SMTPConnectionOptions & { forceAuth?: boolean };
  auth?: SMTPConnectionAuth | false;
}

/**
 * Where and how to connect, read from the nodemailer transport the worker built from SMTP_URL
 * (smtp:// with STARTTLS when offered, smtps://, user:password, query options).
 */
export function smtpTarget(mailer: Transporter): SmtpTarget {
  const transport = mailer.transporter as unknown as SmtpTransportLike;
  if (transport.name !== 'SMTP' || !transport.options) {
    throw new Error(`the mailer must be an SMTP transport (SMTP_URL), got '${String(transport.name)}'`);
  }
  return {
    options: transport.options,
    auth: transport.auth || undefined,
    forceAuth: transport.options.forceAuth === true,
  };
}

/** Timeouts so that one attempt ends well inside its lease (see outbox.ts). */
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };
export const ATTEMPT_LIMIT_MS = 40_000;

/** The raw MIME message and its SMTP envelope (bare addresses, from the headers). */
export async function composeMessage(
  message: OutgoingMessage,
): Promise<{ raw: Buffer; envelope: { from: string; to: string[] } }> {
  const node = new MailComposer({
    from: message.from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    messageId: message.messageId,
    headers: { 'Content-Language': message.language, 'X-Notification-Kind': message.kind },
    ...(message.attachments?.length
      ? {
          attachments: message.attachments.map((a) => ({
            filename: a.filename,
            contentType: a.contentType,
            content: a.content,
            cid: a.contentId,
            contentDisposition: 'inline' as const,
          })),
        }
      : {}),
  }).compile();
  const envelope = node.getEnvelope();
  if (!envelope.from || envelope.to.length === 0) {
    throw new Error(`cannot send: no valid sender or recipient address for ${message.messageId}`);
  }
  return { raw: await node.build(), envelope: { from: envelope.from, to: envelope.to } };
}

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 500);

/**
 * Sessions kept open after an accepted message, per SMTP target: the many messages of a midnight
 * share a few SMTP sessions instead of opening (and greeting, and perhaps TLS-negotiating) one
 * each. A session is reused only for a new message from its start (MAIL FROM), so the commit
 * point before the final dot is per message exactly as on a fresh connection.
 */
const IDLE_PER_TARGET = 8;
const IDLE_MS = 10_000;
const MESSAGES_PER_SESSION = 500;

interface Session {
  connection: SMTPConnection;
  messages: number;
}
interface IdleSession extends Session {
  timer: NodeJS.Timeout;
  gone: () => void;
}
const idleSessions = new WeakMap<SMTPConnectionOptions, IdleSession[]>();

function takeIdle(target: SmtpTarget): Session | undefined {
  const idle = idleSessions.get(target.options);
  const session = idle?.pop();
  if (!session) return undefined;
  clearTimeout(session.timer);
  session.connection.off('error', session.gone);
  session.connection.off('end', session.gone);
  if (session.connection._socket) session.connection._socket.ref();
  return { connection: session.connection, messages: session.messages };
}

function park(target: SmtpTarget, session: Session): void {
  let idle = idleSessions.get(target.options);
  if (!idle) idleSessions.set(target.options, (idle = []));
  if (idle.length >= IDLE_PER_TARGET || session.messages >= MESSAGES_PER_SESSION) {
    session.connection.quit();
    return;
  }
  const list = idle;
  const parked: IdleSession = {
    ...session,
    // The server closed it, or it stayed unused: forget it (a listener also keeps an idle
    // session's late error from becoming an uncaught one).
    gone: () => {
      const at = list.indexOf(parked);
      if (at >= 0) list.splice(at, 1);
      clearTimeout(parked.timer);
      session.connection.close();
    },
    timer: setTimeout(() => {
      const at = list.indexOf(parked);
      if (at >= 0) list.splice(at, 1);
      session.connection.off('error', parked.gone);
      session.connection.off('end', parked.gone);
      session.connection.on('error', () => undefined);
      session.connection.quit();
    }, IDLE_MS),
  };
  parked.timer.unref();
  // An idle session does not keep the process alive.
  if (session.connection._socket) session.connection._socket.unref();
  session.connection.on('error', parked.gone);
  session.connection.on('end', parked.gone);
  list.push(parked);
}

/** Closes every idle session (the worker's shutdown). */
export function closeIdleSessions(target: SmtpTarget): void {
  const idle = idleSessions.get(target.options) ?? [];
  for (const session of idle.splice(0)) {
    clearTimeout(session.timer);
    session.connection.off('error', session.gone);
    session.connection.off('end', session.gone);
    session.connection.on('error', () => undefined);
    session.connection.quit();
  }
}

export async function sendOnce(
  target: SmtpTarget,
  message: OutgoingMessage,
  beforeFinalDot: () => Promise<boolean>,
): Promise<SendOutcome> {
  let composed: Awaited<ReturnType<typeof composeMessage>>;
  try {
    composed = await composeMessage(message);
  } catch (err) {
    return { outcome: 'notDelivered', permanent: true, error: describe(err) };
  }
  const reused = takeIdle(target);
  if (reused) {
    const attempt = await transmit(target, reused, composed, beforeFinalDot);
    // The server had dropped the idle session before anything of this message was committed:
    // nothing can have been delivered, so it goes out on a fresh connection at once.
    if (!attempt.fresh) return attempt.outcome;
  }
  const fresh = { connection: new SMTPConnection({ ...TIMEOUTS, ...target.options }), messages: 0 };
  return (await transmit(target, fresh, composed, beforeFinalDot)).outcome;
}

function transmit(
  target: SmtpTarget,
  session: Session,
  { raw, envelope }: Awaited<ReturnType<typeof composeMessage>>,
  beforeFinalDot: () => Promise<boolean>,
): Promise<{ outcome: SendOutcome; fresh: boolean }> {
  const { connection } = session;
  const reused = session.messages > 0;
  let finalDotReleased = false;
  let hookAsked = false;

  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: SendOutcome, fresh = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(limit);
      connection.off('error', fail);
      connection.off('end', ended);
      if (outcome.outcome === 'accepted') {
        session.messages += 1;
        park(target, session);
      } else {
        connection.on('error', () => undefined);
        connection.close();
      }
      resolve({ outcome, fresh });
    };
    const fail = (err: unknown) => {
      const code = (err as { responseCode?: unknown }).responseCode;
      // A reused session the server had closed (or closes now, 421) before this message's commit
      // point was even asked for: another connection may send it.
      if (reused && !hookAsked && (typeof code !== 'number' || code === 421)) {
        finish({ outcome: 'notDelivered', permanent: false, error: describe(err) }, true);
        // A numeric reply is the server speaking: whatever the stage, it did not take the message.
      } else if (typeof code === 'number') {
        finish({ outcome: 'notDelivered', permanent: code >= 500, error: describe(err) });
      } else if (finalDotReleased) {
        finish({ outcome: 'unknown', error: describe(err) });
      } else {
        finish({ outcome: 'notDelivered', permanent: false, error: describe(err) });
      }
    };
    const ended = () => fail(new Error('the SMTP connection closed'));
    const limit = setTimeout(
      () => fail(new Error(`no answer from the SMTP server within ${ATTEMPT_LIMIT_MS} ms`)),
      ATTEMPT_LIMIT_MS,
    );
    // SMTPConnection reports failures both as 'error' events and to the pending callback.
    connection.on('error', fail);
    connection.once('end', ended);

    // The body is offered at once; the end of the stream, which makes nodemailer write the final
    // dot, waits for the hook. Nodemailer reads this stream only after the server's 354.
    let bodyPushed = false;
    const body = new Readable({
      read() {
        if (!bodyPushed) {
          bodyPushed = true;
          this.push(raw);
          return;
        }
        if (hookAsked) return;
        hookAsked = true;
        beforeFinalDot().then(
          (go) => {
            if (!go) {
              this.destroy(new Error('the send was taken over by another attempt; final dot withheld'));
              return;
            }
            finalDotReleased = true;
            this.push(null);
          },
          (err: unknown) => this.destroy(err instanceof Error ? err : new Error(String(err))),
        );
      },
    });

    const send = () =>
      connection.send(envelope, body, (err, info) => {
        if (err) fail(err);
        else finish({ outcome: 'accepted', response: info.response });
      });
    if (reused) {
      send();
      return;
    }
    connection.connect((err) => {
      if (err) return fail(err);
      if (target.auth && (connection.allowsAuth || target.forceAuth)) {
        connection.login(target.auth, (loginErr) => (loginErr ? fail(loginErr) : send()));
      } else {
        send();
      }
    });
  });
}
