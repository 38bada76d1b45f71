/**
 * Loading and sending with the waits shown and the failures kept apart: a page that cannot load
 * retries on its own; a form that cannot send keeps what was typed and retries with the SAME
 * Idempotency-Key (the API then answers the first attempt's outcome instead of doing it twice).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { newIdempotencyKey, type Failure, type Result } from './client';

const BACKOFF_S = [2, 4, 8, 15, 30];

export type Load<T> =
  | { state: 'loading'; retryIn?: undefined }
  | { state: 'ok'; data: T }
  | { state: 'failed'; failure: Failure; retryIn: number | null };

/** Loads on mount and whenever `deps` change; an unreachable API is retried with backoff. */
export function useLoad<T>(load: () => Promise<Result<T>>, deps: readonly unknown[]) {
  const [value, setValue] = useState<Load<T>>({ state: 'loading' });
  const attempt = useRef(0);
  const generation = useRef(0);
  const run = useCallback(async () => {
    const mine = ++generation.current;
    const result = await load();
    if (mine !== generation.current) return;
    if (result.ok) {
      attempt.current = 0;
      setValue({ state: 'ok', data: result.data });
      return;
    }
    const unreachable = result.failure.kind === 'unreachable';
    const wait = unreachable ? (BACKOFF_S[Math.min(attempt.current, BACKOFF_S.length - 1)] ?? 30) : null;
    attempt.current += 1;
    setValue({ state: 'failed', failure: result.failure, retryIn: wait });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller's deps decide when to reload
  }, deps);
  useEffect(() => {
    setValue({ state: 'loading' });
    attempt.current = 0;
    void run();
  }, [run]);
  useEffect(() => {
    if (value.state !== 'failed' || value.retryIn === null) return;
    const timer = window.setTimeout(() => void run(), value.retryIn * 1000);
    return () => window.clearTimeout(timer);
  }, [value, run]);
  const reload = useCallback(() => {
    setValue((v) => (v.state === 'ok' ? v : { state: 'loading' }));
    void run();
  }, [run]);
  return { value, reload };
}

export interface Submission {
  pending: boolean;
  failure: Failure | null;
  /** Seconds until the automatic retry (unreachable API), else null. */
  retryIn: number | null;
  retryNow(): void;
}

/**
 * `submit(body)` sends; the Idempotency-Key stays the same while the body does (a retry of the
 * same thing), and a new one is drawn when the person changes the body.
 */
export function useSubmit<B, T>(
  send: (body: B, idempotencyKey: string) => Promise<Result<T>>,
  onDone: (data: T, body: B) => void,
) {
  const [pending, setPending] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [retryIn, setRetryIn] = useState<number | null>(null);
  const last = useRef<{ json: string; key: string; body: B } | null>(null);
  const attempt = useRef(0);
  const timer = useRef<number | null>(null);
  const sendRef = useRef(send);
  const doneRef = useRef(onDone);
  sendRef.current = send;
  doneRef.current = onDone;

  const clearTimer = () => {
    if (timer.current !== null) window.clearInterval(timer.current);
    timer.current = null;
  };
  useEffect(() => clearTimer, []);

  const attemptSend = useCallback(async () => {
    const current = last.current;
    if (!current) return;
    clearTimer();
    setRetryIn(null);
    setPending(true);
    const result = await sendRef.current(current.body, current.key);
    setPending(false);
    if (result.ok) {
      attempt.current = 0;
      last.current = null;
      setFailure(null);
      doneRef.current(result.data, current.body);
      return;
    }
    setFailure(result.failure);
    if (result.failure.kind === 'unreachable') {
      let left = BACKOFF_S[Math.min(attempt.current, BACKOFF_S.length - 1)] ?? 30;
      attempt.current += 1;
      setRetryIn(left);
      timer.current = window.setInterval(() => {
        left -= 1;
        if (left <= 0) void attemptSend();
        else setRetryIn(left);
      }, 1000);
    }
  }, []);

  const submit = useCallback(
    (body: B) => {
      if (pending) return;
      const json = JSON.stringify(body);
      if (!last.current || last.current.json !== json) {
        last.current = { json, key: newIdempotencyKey(), body };
        attempt.current = 0;
      }
      void attemptSend();
    },
    [attemptSend, pending],
  );

  const submission: Submission = { pending, failure, retryIn, retryNow: () => void attemptSend() };
  return { submit, submission };
}
