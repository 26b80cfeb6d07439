/** What the browser says about a ceremony (WebAuthn §5.8.1 CollectedClientData), read before verifying. */
export interface ClientData {
  type: string;
  challenge: string;
  origin: string;
}

/** The clientDataJSON of a response, or undefined when it is not the JSON object it must be. */
export function readClientData(clientDataJSON: string): ClientData | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { type, challenge, origin } = parsed as Record<string, unknown>;
  if (typeof type !== 'string' || typeof challenge !== 'string' || typeof origin !== 'string') return undefined;
  return { type, challenge, origin };
}

/** The signature counter of authenticator data (WebAuthn §6.1: bytes 33-36, big-endian); undefined if too short. */
export function signCountOf(authenticatorData: string): number | undefined {
  const bytes = Buffer.from(authenticatorData, 'base64url');
  return bytes.length < 37 ? undefined : bytes.readUInt32BE(33);
}
