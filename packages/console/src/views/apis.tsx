import { useState } from 'preact/hooks';
import type { Api as RegisteredApi, ApiPatchRequest, NewApiRequest } from '@bulwark/contract/types';
import { holds } from '../access';
import { useApi } from '../api';
import { useConfirm } from '../components/confirm';
import { Notice, ProblemAlert } from '../components/problem';
import { Empty, ListTable } from '../components/table';
import { useList } from '../use-list';
import { useAction } from '../use-action';

type Permission = NonNullable<NewApiRequest['permissions']>[number];

/** "name - description" per line (the description optional) → the API's permissions. */
export function parsePermissions(text: string): Permission[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const cut = line.indexOf(' - ');
      if (cut < 0) return { name: line };
      return { name: line.slice(0, cut).trim(), description: line.slice(cut + 3).trim() };
    });
}

/** The API's permissions as the form edits them, one per line. */
export function permissionLines(api: Pick<RegisteredApi, 'permissions'>): string {
  return api.permissions.map((p) => (p.description === '' ? p.name : `${p.name} - ${p.description}`)).join('\n');
}

/** Claim names separated by spaces or commas. */
function parseClaims(text: string): string[] {
  return text.split(/[\s,]+/).filter((name) => name !== '');
}

/** Seconds, or null (the global lifetime) when left empty. */
function parseTtl(text: string): number | null {
  return text.trim() === '' ? null : Number(text.trim());
}

interface Fields {
  name: string;
  permissions: string;
  ttl: string;
  claims: string;
}

/** The fields an API's form edits: name, permissions, token lifetime, claims (the identifier only when new). */
function ApiFields({ fields, onChange }: { fields: Fields; onChange(next: Fields): void }) {
  return (
    <>
      <label>
        Name{' '}
        <input
          required
          maxLength={100}
          value={fields.name}
          onInput={(event) => onChange({ ...fields, name: event.currentTarget.value })}
        />
      </label>
      <label>
        Permissions (one per line: name - description){' '}
        <textarea
          rows={4}
          spellcheck={false}
          value={fields.permissions}
          onInput={(event) => onChange({ ...fields, permissions: event.currentTarget.value })}
        />
      </label>
      <label>
        Token lifetime in seconds (empty: the global lifetime){' '}
        <input
          type="number"
          min={60}
          value={fields.ttl}
          onInput={(event) => onChange({ ...fields, ttl: event.currentTarget.value })}
        />
      </label>
      <label>
        Claims (user attributes the tokens carry, separated by spaces){' '}
        <input
          spellcheck={false}
          value={fields.claims}
          onInput={(event) => onChange({ ...fields, claims: event.currentTarget.value })}
        />
      </label>
    </>
  );
}

const EMPTY: Fields = { name: '', permissions: '', ttl: '', claims: '' };

/**
 * The registered APIs (resource servers; contract §15.1): register one, change its name,
 * permissions, token lifetime and claims, delete one no role or client still holds permissions of.
 * Built-in APIs cannot be deleted.
 */
export function ApisView() {
  const { request, user } = useApi();
  const canWrite = holds(user, 'apis:write');
  const list = useList<RegisteredApi>('/api/apis', { limit: 50 });
  const [identifier, setIdentifier] = useState('');
  const [fields, setFields] = useState<Fields>(EMPTY);
  const [editing, setEditing] = useState<{ api: RegisteredApi; fields: Fields } | undefined>(undefined);
  const { busy, error, notice, act } = useAction(list.reload);
  const [dialog, confirm] = useConfirm();

  const register = (event: Event) => {
    event.preventDefault();
    void act(async () => {
      const body: NewApiRequest = {
        identifier: identifier.trim(),
        name: fields.name.trim(),
        permissions: parsePermissions(fields.permissions),
        access_token_ttl: parseTtl(fields.ttl),
        claims: parseClaims(fields.claims),
      };
      const api = await request<RegisteredApi>('POST', '/api/apis', { body });
      setIdentifier('');
      setFields(EMPTY);
      return `Registered ${api.name} (${api.identifier}).`;
    });
  };

  const save = (event: Event) => {
    event.preventDefault();
    if (editing === undefined) return;
    const { api, fields: edited } = editing;
    void act(async () => {
      const patch: ApiPatchRequest = {
        name: edited.name.trim(),
        access_token_ttl: parseTtl(edited.ttl),
        claims: parseClaims(edited.claims),
      };
      // Bulwark's own permissions never change: send them only when they did.
      const permissions = parsePermissions(edited.permissions);
      if (JSON.stringify(permissions) !== JSON.stringify(parsePermissions(permissionLines(api))))
        patch.permissions = permissions;
      const saved = await request<RegisteredApi>('PATCH', `/api/apis/${encodeURIComponent(api.id)}`, { body: patch });
      setEditing(undefined);
      return `Saved ${saved.name}.`;
    });
  };

  const remove = async (api: RegisteredApi) => {
    const answer = await confirm({
      title: `Delete the API ${api.name}?`,
      body: (
        <p>
          No more tokens are issued for <span class="mono">{api.identifier}</span>. An API whose permissions a role or a
          client still holds cannot be deleted: remove those first.
        </p>
      ),
      action: 'Delete',
    });
    if (!answer.confirmed) return;
    await act(async () => {
      await request('DELETE', `/api/apis/${encodeURIComponent(api.id)}`);
      if (editing?.api.id === api.id) setEditing(undefined);
      return `Deleted ${api.name}.`;
    });
  };

  return (
    <section aria-labelledby="apis-heading">
      <h1 id="apis-heading">APIs</h1>
      <p class="hint">
        An API's identifier is its tokens' audience (<span class="mono">aud</span>) and the{' '}
        <span class="mono">resource</span> a login asks for; its permissions are the scopes its tokens carry.
      </p>
      {canWrite && (
        <form class="add-user" aria-label="Register an API" onSubmit={register}>
          <h2>Register an API</h2>
          <label>
            Identifier (an absolute URI; it never changes){' '}
            <input
              required
              spellcheck={false}
              autocomplete="off"
              placeholder="https://inventory.example.com"
              value={identifier}
              onInput={(event) => setIdentifier(event.currentTarget.value)}
            />
          </label>
          <ApiFields fields={fields} onChange={setFields} />
          <button type="submit" disabled={busy}>
            Register
          </button>
        </form>
      )}
      <Notice text={notice} />
      <ProblemAlert error={list.error ?? error} />
      {editing !== undefined && (
        <form class="add-user" aria-label={`Edit ${editing.api.name}`} onSubmit={save}>
          <h2>
            Edit {editing.api.name} <span class="mono">{editing.api.identifier}</span>
          </h2>
          <ApiFields fields={editing.fields} onChange={(next) => setEditing({ ...editing, fields: next })} />
          <div class="actions">
            <button type="submit" class="primary" disabled={busy}>
              Save
            </button>
            <button type="button" onClick={() => setEditing(undefined)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {!list.loading && list.items.length === 0 && list.error === undefined && <Empty>No API is registered.</Empty>}
      <ListTable
        label="APIs"
        head={['Identifier', 'Name', 'Permissions', 'Token lifetime', 'Claims', 'Built-in', 'Actions']}
      >
        {list.items.map((api) => (
          <tr key={api.id}>
            <td data-label="Identifier" class="mono">
              {api.identifier}
            </td>
            <td data-label="Name">{api.name}</td>
            <td data-label="Permissions">
              <ul class="plain">
                {api.permissions.map((p) => (
                  <li key={p.name}>
                    <span class="mono">{p.name}</span>
                    {p.description !== '' && ` – ${p.description}`}
                  </li>
                ))}
              </ul>
            </td>
            <td data-label="Token lifetime">
              {api.access_token_ttl === null ? 'global' : `${api.access_token_ttl} s`}
            </td>
            <td data-label="Claims">{api.claims.join(', ')}</td>
            <td data-label="Built-in">{api.built_in ? 'yes' : 'no'}</td>
            <td data-label="Actions">
              {canWrite && (
                <div class="row-actions">
                  <button
                    type="button"
                    aria-label={`Edit ${api.name}`}
                    onClick={() =>
                      setEditing({
                        api,
                        fields: {
                          name: api.name,
                          permissions: permissionLines(api),
                          ttl: api.access_token_ttl === null ? '' : String(api.access_token_ttl),
                          claims: api.claims.join(' '),
                        },
                      })
                    }
                  >
                    Edit
                  </button>
                  {!api.built_in && (
                    <button type="button" aria-label={`Delete ${api.name}`} onClick={() => void remove(api)}>
                      Delete
                    </button>
                  )}
                </div>
              )}
            </td>
          </tr>
        ))}
      </ListTable>
      {list.hasMore && (
        <button type="button" onClick={list.more} disabled={list.loading}>
          More
        </button>
      )}
      {dialog}
    </section>
  );
}
