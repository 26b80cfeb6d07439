/** Invalid configuration: the message is one line that names the variable, never its value
 *  when the value may be secret. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`${variable}: ${reason}`);
    this.name = 'ConfigError';
  }
}
