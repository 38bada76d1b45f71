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
  const { raw, envelope } = composed;
  const connection = new SMTPConnection({ ...TIMEOUTS, ...target.options });
  let finalDotReleased = false;

  return new Promise<SendOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: SendOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(limit);
      if (outcome.outcome === 'accepted') connection.quit();
      else connection.close();
      resolve(outcome);
    };
    const fail = (err: unknown) => {
      const code = (err as { responseCode?: unknown }).responseCode;
      // A numeric reply is the server speaking: whatever the stage, it did not take the message.
      if (typeof code === 'number') {
        finish({ outcome: 'notDelivered', permanent: code >= 500, error: describe(err) });
      } else if (finalDotReleased) {
        finish({ outcome: 'unknown', error: describe(err) });
      } else {
        finish({ outcome: 'notDelivered', permanent: false, error: describe(err) });
      }
    };
    const limit = setTimeout(
      () => fail(new Error(`no answer from the SMTP server within ${ATTEMPT_LIMIT_MS} ms`)),
      ATTEMPT_LIMIT_MS,
    );
    // SMTPConnection reports failures both as 'error' events and to the pending callback.
    connection.on('error', fail);
    connection.once('end', () => fail(new Error('the SMTP connection closed')));

    // The body is offered at once; the end of the stream, which makes nodemailer write the final
    // dot, waits for the hook. Nodemailer reads this stream only after the server's 354.
    let bodyPushed = false;
    let hookAsked = false;
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
