import { ConflictError, NotFoundError } from '../../errors/index.js';
import type { ClientRecord, ClientsStore, Page, PageRequest } from '../../store/types.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { RevocationService } from '../revocation/revocation-service.js';
import { clientSpec, type NewClient } from './client-input.js';
import { clientGrantSid } from './grant-sid.js';
import type { RegistryService } from '../registry/registry-service.js';
import { hashClientSecret, newClientId, newClientSecret } from './secrets.js';

/** The registry's part in registering a client (RegistryService). */
export type ClientGrants = Pick<RegistryService, 'planClientGrants' | 'grantClient'>;

/** A new client and, for a secret client, its secret: shown once, never stored or logged. */
export interface CreatedClient {
  client: ClientRecord;
  secret: string | null;
}

/**
 * The OAuth 2 clients (machines). Disabling a client or rotating its secret also cuts off every
 * access token it holds: a leaked secret stops working together with what it already obtained.
 */
export class ClientRegistry {
  constructor(
    private readonly clients: ClientsStore,
    private readonly revocations: RevocationService,
    private readonly audit: AuditLog,
    private readonly defaultAudience: string,
    private readonly now: () => number = Date.now,
    /** The API registry: what the client's scope grants at each audience (client_grants). */
    private readonly grants?: ClientGrants,
  ) {}

  async create(input: NewClient, actorId: string | null): Promise<CreatedClient> {
    const spec = clientSpec(input, this.defaultAudience);
    const plan = await this.grants?.planClientGrants(spec.scopes, spec.audiences);
    const keyed = spec.jwks !== null || spec.jwksUri !== null;
    const secret = keyed ? null : newClientSecret();
    const now = this.now();
    const client: ClientRecord = {
      id: newClientId(),
      ...spec,
      authMethod: keyed ? 'private_key_jwt' : 'client_secret',
      secretHash: secret === null ? null : hashClientSecret(secret),
      disabled: false,
      createdAt: now,
      updatedAt: now,
      secretIssuedAt: now,
    };
    await this.clients.create(client);
    if (plan !== undefined) await this.grants?.grantClient(client.id, plan, actorId);
    await this.audit.record('client.created', {
      actorId,
      targetId: client.id,
      details: {
        auth_method: client.authMethod,
        scopes: client.scopes,
        audiences: client.audiences,
        introspection: client.introspection,
        jwks_uri: client.jwksUri !== null,
      },
    });
    return { client, secret };
  }

  async get(id: string): Promise<ClientRecord> {
    const client = await this.clients.findById(id);
    if (client === undefined) throw new NotFoundError('client');
    return client;
  }

  /** For the token endpoint: undefined for an unknown id, never an error. */
  find(id: string): Promise<ClientRecord | undefined> {
    return this.clients.findById(id);
  }

  list(page: PageRequest): Promise<Page<ClientRecord>> {
    return this.clients.list(page);
  }

  async setDisabled(id: string, disabled: boolean, actorId: string | null): Promise<ClientRecord> {
    const before = await this.get(id);
    const after = await this.clients.update(id, { disabled, updatedAt: this.now() });
    if (after === undefined) throw new NotFoundError('client');
    // A disabled client gets no new token, so the cut-off may run the skew ahead of now.
    if (disabled && !before.disabled) await this.revocations.revokeSubject(id, 'client_disabled');
    await this.audit.record('client.updated', {
      actorId,
      targetId: id,
      details: {
        changes: before.disabled === disabled ? {} : { disabled: { from: before.disabled, to: disabled } },
        tokens_revoked: disabled && !before.disabled,
      },
    });
    return after;
  }

  /** A new secret; the old one stops working at once, and so do the tokens it obtained. */
  async rotateSecret(id: string, actorId: string | null): Promise<CreatedClient> {
    const before = await this.get(id);
    if (before.authMethod !== 'client_secret')
      throw new ConflictError('secret rotation of a key client', {
        detail: 'This client authenticates with its keys (private_key_jwt): it has no secret.',
      });
    const secret = newClientSecret();
    // Strictly later than the old secret's: it names the credential in the tokens' sid (clientGrantSid).
    const now = Math.max(this.now(), before.secretIssuedAt + 1);
    const client = await this.clients.update(id, {
      secretHash: hashClientSecret(secret),
      secretIssuedAt: now,
      updatedAt: now,
    });
    if (client === undefined) throw new NotFoundError('client');
    // By the old credential's sid: tokens of the new secret, from any instance, stay valid.
    await this.revocations.revokeSession(clientGrantSid(before));
    await this.revocations.revokeUser(id);
    await this.audit.record('client.secret_rotated', { actorId, targetId: id, details: { tokens_revoked: true } });
    return { client, secret };
  }
}
