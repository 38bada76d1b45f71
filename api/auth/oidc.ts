/**
 * Access tokens of the ministry's identity provider (OpenID Connect): the issuer's metadata is
 * discovered at `<issuer>/.well-known/openid-configuration`, its signing keys read from its JWKS
 * (and re-read when a token names a new key). A token is accepted only when it is signed RS256 or
 * ES256 by one of those keys, names the configured issuer and audience, carries `exp` and `iat`,
 * has not expired, lives no longer than OIDC_MAX_TOKEN_LIFETIME_S, and holds the claim that says
 * who the person is (OIDC_STAFF_CLAIM). That claim is then matched to an active staff member
 * (api/auth/authenticate.ts).
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { AppConfig } from '../../lib/config';

export const OIDC_ALGORITHMS = ['RS256', 'ES256'];
/** Clock difference tolerated between this server and the provider (servers keep time by NTP). */
export const CLOCK_TOLERANCE_S = 5;

export type OidcConfig = Pick<
  AppConfig,
  'OIDC_ISSUER_URL' | 'OIDC_AUDIENCE' | 'OIDC_STAFF_CLAIM' | 'OIDC_MAX_TOKEN_LIFETIME_S'
>;

/** The identity provider could not be reached (discovery or keys): not the caller's fault. */
export class IdentityProviderUnavailable extends Error {
  override name = 'IdentityProviderUnavailable';
}

export interface ProviderMetadata {
  issuer: string;
  jwks_uri: string;
  authorization_endpoint: string;
  token_endpoint: string;
  end_session_endpoint?: string;
  code_challenge_methods_supported?: string[];
}

/** The provider's discovery document, fetched once (again after a failure). */
export function discovery(issuerUrl: string): () => Promise<ProviderMetadata> {
  let pending: Promise<ProviderMetadata> | undefined;
  const load = async (): Promise<ProviderMetadata> => {
    const url = `${issuerUrl.replace(/\/$/, '')}/.well-known/openid-configuration`;
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(5000), headers: { accept: 'application/json' } });
    } catch (err) {
      throw new IdentityProviderUnavailable(
        `the identity provider at ${url} is unreachable (${(err as Error).message})`,
      );
    }
    if (!res.ok)
      throw new IdentityProviderUnavailable(`the identity provider answered ${res.status} at ${url}`);
    const metadata = (await res.json()) as ProviderMetadata;
    // OIDC Discovery §4.3: the document must name the issuer it was fetched for.
    if (metadata.issuer !== issuerUrl) {
      throw new IdentityProviderUnavailable(
        `the identity provider at ${url} names the issuer ${metadata.issuer}, not ${issuerUrl} (OIDC_ISSUER_URL)`,
      );
    }
    return metadata;
  };
  return () => {
    pending ??= load().catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
}

export interface VerifiedAccessToken {
  /** The value of the configured claim (OIDC_STAFF_CLAIM). */
  subject: string;
  expiresAt: number;
  payload: JWTPayload;
}

export interface OidcVerifier {
  verify(token: string): Promise<VerifiedAccessToken | { refused: string }>;
  metadata(): Promise<ProviderMetadata>;
}

const unavailable = (err: unknown) =>
  err instanceof joseErrors.JWKSTimeout ||
  (err instanceof Error &&
    !(err instanceof joseErrors.JOSEError) &&
    /fetch|ECONNREFUSED|network/i.test(err.message));

/** Checks a verified payload against the rules jose does not know: lifetime and the staff claim. */
export function checkClaims(
  payload: JWTPayload,
  config: Pick<OidcConfig, 'OIDC_STAFF_CLAIM' | 'OIDC_MAX_TOKEN_LIFETIME_S'>,
): { subject: string; expiresAt: number } | { refused: string } {
  const { exp, iat } = payload;
  if (typeof exp !== 'number' || typeof iat !== 'number') return { refused: 'the token has no exp or iat' };
  if (exp - iat > config.OIDC_MAX_TOKEN_LIFETIME_S) {
    return { refused: `the token lives longer than ${config.OIDC_MAX_TOKEN_LIFETIME_S} s (exp - iat)` };
  }
  const value = payload[config.OIDC_STAFF_CLAIM];
  if (typeof value !== 'string' || value === '') {
    return { refused: `the token has no ${config.OIDC_STAFF_CLAIM} claim naming the person` };
  }
  return { subject: value, expiresAt: exp };
}

export function createOidcVerifier(config: OidcConfig): OidcVerifier {
  const issuer = config.OIDC_ISSUER_URL;
  const audience = config.OIDC_AUDIENCE;
  if (!issuer || !audience) throw new Error('createOidcVerifier needs OIDC_ISSUER_URL and OIDC_AUDIENCE');
  const metadata = discovery(issuer);
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  const keys = async () => (jwks ??= createRemoteJWKSet(new URL((await metadata()).jwks_uri)));

  return {
    metadata,
    async verify(token) {
      const getKey = await keys();
      try {
        const { payload } = await jwtVerify(token, getKey, {
          issuer,
          audience,
          algorithms: OIDC_ALGORITHMS,
          requiredClaims: ['exp', 'iat'],
          maxTokenAge: config.OIDC_MAX_TOKEN_LIFETIME_S + CLOCK_TOLERANCE_S,
          clockTolerance: CLOCK_TOLERANCE_S,
        });
        const checked = checkClaims(payload, config);
        if ('refused' in checked) return checked;
        return { ...checked, payload };
      } catch (err) {
        if (err instanceof joseErrors.JWTExpired) return { refused: 'the token has expired' };
        if (err instanceof joseErrors.JWTClaimValidationFailed) {
          return { refused: `the token's ${err.claim} claim is not accepted` };
        }
        if (err instanceof joseErrors.JOSEAlgNotAllowed)
          return { refused: 'the token is not signed RS256 or ES256' };
        if (unavailable(err)) {
          throw new IdentityProviderUnavailable(
            `the identity provider's keys are unreachable (${(err as Error).message})`,
          );
        }
        return { refused: 'the token is invalid' };
      }
    },
  };
}
