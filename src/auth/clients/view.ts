import type { ClientRecord } from '../../store/types.js';

/** What the API and the CLI show of a client: never its secret hash nor its keys. */
export interface ClientView {
  client_id: string;
  name: string;
  auth_method: ClientRecord['authMethod'];
  scope: string;
  audiences: string[];
  introspection: boolean;
  jwks_uri: string | null;
  disabled: boolean;
  created_at: string;
  updated_at: string;
  secret_issued_at: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function toClientView(client: ClientRecord): ClientView {
  return {
    client_id: client.id,
    name: client.name,
    auth_method: client.authMethod,
    scope: client.scopes.join(' '),
    audiences: client.audiences,
    introspection: client.introspection,
    jwks_uri: client.jwksUri,
    disabled: client.disabled,
    created_at: iso(client.createdAt),
    updated_at: iso(client.updatedAt),
    secret_issued_at: iso(client.secretIssuedAt),
  };
}
