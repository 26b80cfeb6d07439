import { Type, type Static } from 'typebox';
import { ATTRIBUTE_NAME_PATTERN, CLIENT_LIMITS, REGISTRY_LIMITS, SCOPE_TOKEN_PATTERN } from './limits.js';
import { closed, DateTime } from './shared.js';

/** The shapes of the API registry (issue #18): the APIs (resource servers) tokens are issued for. */

export const ApiPermission = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: REGISTRY_LIMITS.permissionLength,
      pattern: SCOPE_TOKEN_PATTERN,
      description: 'an RFC 6749 scope-token, unique within the API (it is what the `scope` claim carries)',
    }),
    description: Type.Optional(Type.String({ maxLength: REGISTRY_LIMITS.descriptionLength })),
  },
  closed,
);

const ApiPermissionView = Type.Object({ name: Type.String(), description: Type.String() });

const AccessTokenTtl = Type.Union([Type.Integer({ minimum: 60 }), Type.Null()], {
  description: "its access tokens' lifetime in seconds, 60 up to BULWARK_ACCESS_TOKEN_TTL; null: the global lifetime",
});

const ClaimNames = Type.Array(Type.String({ pattern: ATTRIBUTE_NAME_PATTERN }), {
  maxItems: REGISTRY_LIMITS.claimsPerApi,
  uniqueItems: true,
  description: 'the user attributes its tokens carry as claims (never a registered or Bulwark claim name)',
});

export const Api = Type.Object(
  {
    id: Type.String(),
    identifier: Type.String({ description: "the tokens' `aud` and the RFC 8707 `resource` that names it" }),
    name: Type.String(),
    permissions: Type.Array(ApiPermissionView),
    access_token_ttl: Type.Union([Type.Integer(), Type.Null()]),
    claims: Type.Array(Type.String()),
    built_in: Type.Boolean({ description: "Bulwark's own API, or the default (legacy) API: cannot be deleted" }),
    created_at: DateTime,
    updated_at: DateTime,
  },
  { $id: 'Api', description: 'A registered API (resource server) with its permissions.' },
);
export type Api = Static<typeof Api>;

export const NewApiRequest = Type.Object(
  {
    identifier: Type.String({
      minLength: 1,
      maxLength: CLIENT_LIMITS.uriLength,
      description: 'an absolute URI without a fragment (RFC 8707); unique, and never changes',
    }),
    name: Type.String({ minLength: 1, maxLength: REGISTRY_LIMITS.nameLength }),
    permissions: Type.Optional(Type.Array(ApiPermission, { maxItems: REGISTRY_LIMITS.permissionsPerApi })),
    access_token_ttl: Type.Optional(AccessTokenTtl),
    claims: Type.Optional(ClaimNames),
  },
  closed,
);
export type NewApiRequest = Static<typeof NewApiRequest>;

export const ApiPatchRequest = Type.Object(
  {
    name: Type.Optional(NewApiRequest.properties.name),
    permissions: Type.Optional(
      Type.Array(ApiPermission, {
        maxItems: REGISTRY_LIMITS.permissionsPerApi,
        description: 'the full new list: a permission a role or client still holds cannot be removed',
      }),
    ),
    access_token_ttl: Type.Optional(AccessTokenTtl),
    claims: Type.Optional(ClaimNames),
  },
  { ...closed, minProperties: 1 },
);
export type ApiPatchRequest = Static<typeof ApiPatchRequest>;
