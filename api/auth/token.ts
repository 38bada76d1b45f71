/** Bearer tokens: HS256 JWTs whose subject is a staff id (the staff row gives role and province). */
import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import type { AppConfig } from '../../lib/config';

export const TOKEN_ISSUER = 'child-protection';
export const TOKEN_AUDIENCE = 'child-protection-api';
/** The codec session cookie's token: accepted by the /codec routes only, never as a bearer token. */
export const CODEC_SESSION_AUDIENCE = 'child-protection-codec';

const key = (secret: string) => new TextEncoder().encode(secret);

export async function signToken(
  config: Pick<AppConfig, 'JWT_SECRET'>,
  staffId: string,
  ttlSeconds = 12 * 3600,
  audience = TOKEN_AUDIENCE,
): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(staffId)
    .setIssuer(TOKEN_ISSUER)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key(config.JWT_SECRET));
}

/** The staff id (and expiry, seconds since the epoch) of a valid token, or why it is refused. */
export async function verifyToken(
  config: Pick<AppConfig, 'JWT_SECRET'>,
  token: string,
  audience = TOKEN_AUDIENCE,
): Promise<{ staffId: string; expiresAt?: number } | { refused: string }> {
  try {
    const { payload } = await jwtVerify(token, key(config.JWT_SECRET), {
      algorithms: ['HS256'],
      issuer: TOKEN_ISSUER,
      audience,
    });
    if (!payload.sub) return { refused: 'the token names no staff member (sub)' };
    return { staffId: payload.sub, ...(payload.exp ? { expiresAt: payload.exp } : {}) };
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) return { refused: 'the token has expired' };
    return { refused: 'the token is invalid' };
  }
}
