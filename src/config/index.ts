export { loadConfig, type Config, type LogLevel, type Mode } from './config.js';
export { ConfigError } from './errors.js';
