export { BulwarkError } from './base.js';
export * from './http.js';
