import type { ProblemCode } from '@bulwark/contract/registry';

/**
 * The server's problem codes the SDK acts on. The SDK has no runtime dependency, so it cannot
 * import the registry's constants: it names the few it needs here, once, checked against the
 * registry's type (a code the server renames or retires fails the SDK's build). The hardening
 * test allows this one file outside the registry.
 */
export const CODE = {
  invalid_token: 'invalid_token',
  token_expired: 'token_expired',
  mfa_required: 'mfa_required',
  password_change_required: 'password_change_required',
  insufficient_user_authentication: 'insufficient_user_authentication',
} as const satisfies { readonly [C in ProblemCode]?: C };
