/** The development mail capture keeps every message as .eml and lists them across restarts. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { freePort } from '../../devstack/ports';
import { startSmtpCapture } from '../../devstack/smtp-capture';

it('keeps messages as .eml files and shows them on its page after a restart', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mail-capture-'));
  const [smtpPort, httpPort] = [await freePort(), await freePort()];
  const send = async (subject: string) => {
    const mailer = nodemailer.createTransport(`smtp://127.0.0.1:${smtpPort}`);
    await mailer.sendMail({ from: 'a@test', to: 'supervisor@demo.example', subject, text: 'body' });
    mailer.close();
  };
  try {
    let capture = await startSmtpCapture({ port: smtpPort, dir, httpPort });
    await send('first — الأول');
    await capture.stop();
    capture = await startSmtpCapture({ port: smtpPort, dir, httpPort });
    await send('second');
    expect(capture.messages).toHaveLength(1);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.eml'))).toHaveLength(2);

    const page = await (await fetch(`http://127.0.0.1:${httpPort}/`)).text();
    expect(page).toContain('first — الأول');
    expect(page).toContain('second');
    expect(page).toContain('supervisor@demo.example');
    const raw = await fetch(`http://127.0.0.1:${httpPort}/messages/1.eml`);
    expect(raw.headers.get('content-type')).toBe('message/rfc822');
    expect(await raw.text()).toContain('Subject:');
    expect((await fetch(`http://127.0.0.1:${httpPort}/messages/99`)).status).toBe(404);
    await capture.stop();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
