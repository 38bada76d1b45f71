/** Bearer tokens: HS256 JWTs whose subject is a staff id (the staff row gives role and province). */
import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import type { AppConfig } from '../../lib/config';

export const TOKEN_ISSUER = 'child-protection';
export const TOKEN_AUDIENCE = 'child-protection-api';

const key = (secret: string) => new TextEncoder().encode(secret);

export async function signToken(
  config: Pick<AppConfig, 'JWT_SECRET'>,
  staffId: string,
  ttlSeconds = 12 * 3600,
): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(staffId)
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key(config.JWT_SECRET));
}

/** The staff id of a valid token, or a sentence saying why it is refused. */
export async function verifyToken(
  config: Pick<AppConfig, 'JWT_SECRET'>,
  token: string,
): Promise<{ staffId: string } | { refused: string }> {
  try {
    const { payload } = await jwtVerify(token, key(config.JWT_SECRET), {
      algorithms: ['HS256'],
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
    });
    if (!payload.sub) return { refused: 'the token names no staff member (sub)' };
    return { staffId: payload.sub };
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) return { refused: 'the token has expired' };
    return { refused: 'the token is invalid' };
  }
}
