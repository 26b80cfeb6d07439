import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccessTokenClaims } from '@bulwark/guard';
import type { AuthHook } from '@bulwark/guard/fastify';
import { CLIENT_ID } from '../tokens/access-tokens.js';

/**
 * Who may log out: the holder of any of the session's access tokens, whatever API it is for
 * (contract §15.5). A user who logged in for a team's API holds only that API's token, which
 * Bulwark's other routes refuse (audience); the logout still ends its session. A token this
 * service's routes accept anyway, a DPoP-bound token (its proof is the standard hook's to check)
 * and anything else go through the standard hook, with its answers.
 */
export function logoutAuth(
  standard: AuthHook,
  readOwnToken: (token: string) => AccessTokenClaims | undefined,
  acceptedAudiences: readonly string[],
): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async (request, reply) => {
    const header = request.headers.authorization;
    if (header !== undefined && /^Bearer [\x21-\x7E]+$/.test(header)) {
      const claims = readOwnToken(header.slice(7));
      if (
        claims !== undefined &&
        claims.client_id === CLIENT_ID &&
        claims.cnf === undefined &&
        !audiences(claims.aud).some((a) => acceptedAudiences.includes(a))
      ) {
        request.auth = claims;
        return;
      }
    }
    await new Promise<void>((resolve, reject) => {
      standard(request, reply, (error?: Error) => (error === undefined ? resolve() : reject(error)));
    });
  };
}

function audiences(aud: string | string[]): string[] {
  return typeof aud === 'string' ? [aud] : aud;
}
