/** The registries: plain constants with no dependency, importable by browsers (`@bulwark/contract/registry`). */
export * from './problems.js';
export * from './roles.js';
export * from './oauth-errors.js';
export * from './api-registry.js';
