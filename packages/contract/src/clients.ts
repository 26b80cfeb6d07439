import { Type, type Static } from 'typebox';
import { CLIENT_LIMITS } from './limits.js';
import { closed, DateTime } from './shared.js';

/** The shapes of OAuth 2 client administration. */
export const Client = Type.Object(
  {
    client_id: Type.String(),
    name: Type.String(),
    auth_method: Type.Union([Type.Literal('client_secret'), Type.Literal('private_key_jwt')], {
      description:
        '`client_secret`: client_secret_basic or client_secret_post; `private_key_jwt`: RFC 7523 assertions signed with its keys',
    }),
    scope: Type.String({ description: 'the scopes it may ask for, space separated' }),
    audiences: Type.Array(Type.String(), {
      description: 'the audiences (RFC 8707 resources) its tokens may name; the first is the default',
    }),
    introspection: Type.Boolean({ description: 'may call the introspection endpoint' }),
    jwks_uri: Type.Union([Type.String(), Type.Null()]),
    disabled: Type.Boolean(),
    created_at: DateTime,
    updated_at: DateTime,
    secret_issued_at: DateTime,
  },
  { $id: 'Client', description: 'An OAuth 2 client (a machine): never its secret or its keys.' },
);
export type Client = Static<typeof Client>;

export const CreatedClient = Type.Object(
  {
    ...Client.properties,
    client_secret: Type.Optional(
      Type.String({ description: 'Shown this once (secret clients): only its hash is stored.' }),
    ),
  },
  { description: 'The new client, with its secret once.' },
);

export const NewClientRequest = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: CLIENT_LIMITS.nameLength }),
    scope: Type.String({
      minLength: 1,
      maxLength: 2048,
      description: 'space separated: payroll:read, or scopes of other APIs',
    }),
    audiences: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: CLIENT_LIMITS.uriLength }), {
        maxItems: CLIENT_LIMITS.audiences,
      }),
    ),
    introspection: Type.Optional(Type.Boolean()),
    jwks: Type.Optional(
      Type.Object(
        {
          keys: Type.Array(Type.Object({}, { additionalProperties: true }), {
            minItems: 1,
            maxItems: CLIENT_LIMITS.keys,
          }),
        },
        { description: 'public keys: the client authenticates with private_key_jwt' },
      ),
    ),
    jwks_uri: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: CLIENT_LIMITS.uriLength,
        description: 'https (http only to loopback): where its public keys are',
      }),
    ),
  },
  closed,
);

export const ClientPatchRequest = Type.Object(
  { disabled: Type.Boolean({ description: 'true: no new tokens, and the live ones are revoked' }) },
  closed,
);
