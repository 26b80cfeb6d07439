export { loadConfig, type Config, type LogLevel, type Mode, type ServeOnly } from './config.js';
export type { MetricsListenerConfig } from './metrics.js';
export { ConfigError } from './errors.js';
export { smtpEndpoint, type AccountSettings, type MailConfig, type MailDelivery, type SignupMode } from './mail.js';
export { unknownVariableMessage, unknownVariables, type UnknownVariable } from './known-variables.js';
export { readSettingFile } from './setting-files.js';
export { DATABASE_DEADLINE_DEFAULTS, type DatabaseDeadlines } from './database.js';
