export { BulwarkError } from '@bulwark/guard';
export * from './http.js';
export * from './login-steps.js';
export * from './passkeys.js';
export * from './accounts.js';
export * from './registry.js';
export * from './tokens.js';
