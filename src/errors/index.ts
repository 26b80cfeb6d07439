export { BulwarkError } from '@bulwark/guard';
export * from './http.js';
