import { Type, type Static } from 'typebox';
import { PASSKEY_LIMITS } from './limits.js';
import { closed, DateTime, Id } from './shared.js';

/**
 * The passkey ceremonies' shapes (contract §11). Options and responses are WebAuthn's JSON forms (as
 * @simplewebauthn/browser takes and gives them); extra members browsers add are let through
 * (bounded by the body limit), the ones read here are typed.
 */
const open = { additionalProperties: true } as const;
const B64u = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '^[A-Za-z0-9_-]+$' });
const RefreshDelivery = Type.Union([Type.Literal('body'), Type.Literal('cookie')], {
  default: 'body',
  description: 'As at login: `cookie` keeps the refresh token out of the body.',
});
const Transports = Type.Array(Type.String({ maxLength: 32 }), { maxItems: 10 });
const Descriptor = Type.Object({ id: Type.String(), type: Type.String(), transports: Type.Optional(Transports) }, open);

export const RegistrationOptions = Type.Object(
  {
    challenge: Type.String({ description: 'base64url; single use, valid for the timeout.' }),
    rp: Type.Object({ id: Type.Optional(Type.String()), name: Type.String() }, open),
    user: Type.Object({ id: Type.String(), name: Type.String(), displayName: Type.String() }, open),
    pubKeyCredParams: Type.Array(Type.Object({ type: Type.Literal('public-key'), alg: Type.Integer() }, open)),
    timeout: Type.Optional(Type.Integer()),
    excludeCredentials: Type.Optional(Type.Array(Descriptor)),
    authenticatorSelection: Type.Optional(Type.Object({}, open)),
    attestation: Type.Optional(Type.String()),
    hints: Type.Optional(Type.Array(Type.String())),
    extensions: Type.Optional(Type.Object({}, open)),
  },
  {
    ...open,
    description:
      'WebAuthn PublicKeyCredentialCreationOptionsJSON: pass to navigator.credentials.create (or startRegistration).',
  },
);

export const AuthenticationOptions = Type.Object(
  {
    challenge: Type.String({ description: 'base64url; single use, valid for the timeout.' }),
    rpId: Type.Optional(Type.String()),
    timeout: Type.Optional(Type.Integer()),
    allowCredentials: Type.Optional(Type.Array(Descriptor)),
    userVerification: Type.Optional(Type.String()),
    hints: Type.Optional(Type.Array(Type.String())),
    extensions: Type.Optional(Type.Object({}, open)),
  },
  {
    ...open,
    description:
      'WebAuthn PublicKeyCredentialRequestOptionsJSON: pass to navigator.credentials.get (or startAuthentication).',
  },
);

const CredentialBase = {
  id: B64u(1400),
  rawId: B64u(1400),
  type: Type.Literal('public-key'),
  authenticatorAttachment: Type.Optional(Type.String({ maxLength: 32 })),
  clientExtensionResults: Type.Object({}, open),
};

export const RegistrationCredential = Type.Object(
  {
    ...CredentialBase,
    response: Type.Object(
      {
        clientDataJSON: B64u(4096),
        attestationObject: B64u(16384),
        authenticatorData: Type.Optional(B64u(16384)),
        transports: Type.Optional(Transports),
        publicKeyAlgorithm: Type.Optional(Type.Integer()),
        publicKey: Type.Optional(B64u(4096)),
      },
      open,
    ),
  },
  {
    ...open,
    description: 'WebAuthn RegistrationResponseJSON (navigator.credentials.create().toJSON(), or startRegistration).',
  },
);

export const AuthenticationCredential = Type.Object(
  {
    ...CredentialBase,
    response: Type.Object(
      {
        clientDataJSON: B64u(4096),
        authenticatorData: B64u(16384),
        signature: B64u(4096),
        userHandle: Type.Optional(Type.String({ maxLength: 128, pattern: '^[A-Za-z0-9_-]*$' })),
      },
      open,
    ),
  },
  {
    ...open,
    description: 'WebAuthn AuthenticationResponseJSON (navigator.credentials.get().toJSON(), or startAuthentication).',
  },
);

const Name = Type.String({
  minLength: 1,
  maxLength: PASSKEY_LIMITS.nameMaxLength,
  description: 'The user\'s label for it, e.g. "Laptop".',
});

export const PasskeyRegistration = Type.Object({ name: Name, response: RegistrationCredential }, closed);
export const PasskeyRename = Type.Object({ name: Name }, closed);
export const PasskeySignIn = Type.Object(
  { response: AuthenticationCredential, refresh_delivery: Type.Optional(RefreshDelivery) },
  closed,
);
const LoginToken = Type.String({ minLength: 1, maxLength: 256 });
export const PasskeySecondStepOptions = Type.Object({ mfa_token: LoginToken }, closed);
export const PasskeySecondStep = Type.Object(
  { mfa_token: LoginToken, response: AuthenticationCredential, refresh_delivery: Type.Optional(RefreshDelivery) },
  closed,
);
export const PasskeyIdParams = Type.Object({ id: B64u(1400) });
/** An admin's path to one user's passkey: /api/users/{id}/passkeys/{passkey_id}. */
export const UserPasskeyParams = Type.Object({ id: Id, passkey_id: B64u(1400) });

export const Passkey = Type.Object({
  id: Type.String({ description: 'The credential id (base64url).' }),
  name: Type.String(),
  device_type: Type.Union([Type.Literal('single_device'), Type.Literal('multi_device')], {
    description: '`multi_device`: a synced passkey (amr swk); `single_device`: bound to one authenticator (amr hwk).',
  }),
  backed_up: Type.Boolean(),
  transports: Type.Array(Type.String()),
  aaguid: Type.String({ description: 'The authenticator model (all zeros when it does not say).' }),
  created_at: DateTime,
  last_used_at: Type.Union([DateTime, Type.Null()]),
});

export const PasskeyList = Type.Object({ items: Type.Array(Passkey) });

export type PasskeyView = Static<typeof Passkey>;
export type RegistrationCredentialJSON = Static<typeof RegistrationCredential>;
export type AuthenticationCredentialJSON = Static<typeof AuthenticationCredential>;
