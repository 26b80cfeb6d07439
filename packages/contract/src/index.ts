/**
 * @bulwark/contract: the public HTTP shapes of Bulwark, each declared once as a TypeBox schema.
 * The server validates requests and responses with them and generates its OpenAPI document from
 * them; the SDK and the console import their static types from `@bulwark/contract/types`.
 */
export * from './account-admin.js';
export * from './accounts.js';
export * from './apis.js';
export * from './auth.js';
export * from './clients.js';
export * from './limits.js';
export * from './mfa.js';
export * from './own-sessions.js';
export * from './passkeys.js';
export * from './payroll.js';
export * from './problem.js';
export * from './roles.js';
export * from './registry/index.js';
export * from './shared.js';
