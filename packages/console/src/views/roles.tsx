import { useState } from 'preact/hooks';
import type { Api as RegisteredApi, NewRoleRequest, RoleDefinition } from '@bulwark/contract/types';
import { holds } from '../access';
import { useApi } from '../api';
import { useConfirm } from '../components/confirm';
import { Notice, ProblemAlert } from '../components/problem';
import { Empty, ListTable } from '../components/table';
import { useAll, useList } from '../use-list';
import { useAction } from '../use-action';

type Grant = RoleDefinition['permissions'][number];

/** One grant as a set key: an API identifier is a URI and a permission a scope-token, neither has a space. */
const keyOf = (grant: Grant) => `${grant.api} ${grant.permission}`;

interface Fields {
  description: string;
  /** keyOf of every checked permission. */
  granted: ReadonlySet<string>;
}

/**
 * The role's permissions as checkboxes, one group per registered API. A grant of an API that is
 * not (or no longer) listed stays in the set untouched.
 */
function PermissionPicker({
  apis,
  granted,
  onChange,
}: {
  apis: RegisteredApi[];
  granted: ReadonlySet<string>;
  onChange(next: ReadonlySet<string>): void;
}) {
  const toggle = (key: string, on: boolean) => {
    const next = new Set(granted);
    if (on) next.add(key);
    else next.delete(key);
    onChange(next);
  };
  return (
    <>
      {apis
        .filter((api) => api.permissions.length > 0)
        .map((api) => (
          <fieldset key={api.id} class="permissions">
            <legend>
              {api.name} ({api.identifier})
            </legend>
            {api.permissions.map((p) => {
              const key = keyOf({ api: api.identifier, permission: p.name });
              return (
                <label key={key} class="check" title={p.description === '' ? undefined : p.description}>
                  <input
                    type="checkbox"
                    checked={granted.has(key)}
                    onChange={(event) => toggle(key, event.currentTarget.checked)}
                  />{' '}
                  {p.name}
                </label>
              );
            })}
          </fieldset>
        ))}
    </>
  );
}

/** The checked grants in the order the APIs and their permissions are listed, then any others kept. */
function grantsOf(apis: RegisteredApi[], granted: ReadonlySet<string>): Grant[] {
  const listed: Grant[] = apis.flatMap((api) =>
    api.permissions.map((p) => ({ api: api.identifier, permission: p.name })),
  );
  const known = new Set(listed.map(keyOf));
  const others = [...granted]
    .filter((key) => !known.has(key))
    .map((key) => {
      const cut = key.lastIndexOf(' ');
      return { api: key.slice(0, cut), permission: key.slice(cut + 1) };
    });
  return [...listed.filter((grant) => granted.has(keyOf(grant))), ...others];
}

/** A role's permissions grouped by API, for the table. */
function GrantList({ role, apis }: { role: RoleDefinition; apis: RegisteredApi[] }) {
  const names = new Map(apis.map((api) => [api.identifier, api.name]));
  const byApi = new Map<string, string[]>();
  for (const grant of role.permissions) byApi.set(grant.api, [...(byApi.get(grant.api) ?? []), grant.permission]);
  if (byApi.size === 0) return <span class="hint">none</span>;
  return (
    <ul class="plain">
      {[...byApi].map(([api, permissions]) => (
        <li key={api}>
          {names.get(api) ?? api}: <span class="mono">{permissions.join(' ')}</span>
        </li>
      ))}
    </ul>
  );
}

const EMPTY: Fields = { description: '', granted: new Set() };

/**
 * Roles as data (contract §15.3): named sets of permissions on the registered APIs. Create one,
 * change its description and permissions (its holders' live tokens end), delete one (its holders
 * lose it). The built-in roles cannot be deleted.
 */
export function RolesView() {
  const { request, user } = useApi();
  const canWrite = holds(user, 'roles:write');
  const list = useList<RoleDefinition>('/api/roles', { limit: 50 });
  const apis = useAll<RegisteredApi>(holds(user, 'apis:read') ? '/api/apis' : null);
  const [name, setName] = useState('');
  const [fields, setFields] = useState<Fields>(EMPTY);
  const [editing, setEditing] = useState<{ role: RoleDefinition; fields: Fields } | undefined>(undefined);
  const { busy, error, notice, act } = useAction(list.reload);
  const [dialog, confirm] = useConfirm();

  const create = (event: Event) => {
    event.preventDefault();
    void act(async () => {
      const body: NewRoleRequest = {
        name: name.trim(),
        description: fields.description.trim(),
        permissions: grantsOf(apis.items, fields.granted),
      };
      const role = await request<RoleDefinition>('POST', '/api/roles', { body });
      setName('');
      setFields(EMPTY);
      return `Created the role ${role.name}.`;
    });
  };

  const save = (event: Event) => {
    event.preventDefault();
    if (editing === undefined) return;
    const { role, fields: edited } = editing;
    void act(async () => {
      const saved = await request<RoleDefinition>('PATCH', `/api/roles/${encodeURIComponent(role.id)}`, {
        body: { description: edited.description.trim(), permissions: grantsOf(apis.items, edited.granted) },
      });
      setEditing(undefined);
      return `Saved the role ${saved.name}.`;
    });
  };

  const remove = async (role: RoleDefinition) => {
    const answer = await confirm({
      title: `Delete the role ${role.name}?`,
      body: (
        <p>
          Every user who holds {role.name} loses it and the permissions it grants; their current sessions are signed out
          and their live tokens end.
        </p>
      ),
      action: 'Delete',
    });
    if (!answer.confirmed) return;
    await act(async () => {
      await request('DELETE', `/api/roles/${encodeURIComponent(role.id)}`);
      if (editing?.role.id === role.id) setEditing(undefined);
      return `Deleted the role ${role.name}.`;
    });
  };

  return (
    <section aria-labelledby="roles-heading">
      <h1 id="roles-heading">Roles</h1>
      <p class="hint">A role grants permissions of registered APIs; a user holds any number of roles.</p>
      {canWrite && (
        <form class="add-user" aria-label="Create a role" onSubmit={create}>
          <h2>Create a role</h2>
          <label>
            Name{' '}
            <input
              required
              maxLength={64}
              spellcheck={false}
              autocomplete="off"
              aria-describedby="role-name-hint"
              value={name}
              onInput={(event) => setName(event.currentTarget.value)}
            />
          </label>
          <span id="role-name-hint" class="hint">
            The name: lower case letters, digits, - and _; it never changes.
          </span>
          <label>
            Description{' '}
            <input
              maxLength={200}
              value={fields.description}
              onInput={(event) => setFields({ ...fields, description: event.currentTarget.value })}
            />
          </label>
          <PermissionPicker
            apis={apis.items}
            granted={fields.granted}
            onChange={(granted) => setFields({ ...fields, granted })}
          />
          <button type="submit" disabled={busy}>
            Create role
          </button>
        </form>
      )}
      <Notice text={notice} />
      <ProblemAlert error={list.error ?? apis.error ?? error} />
      {editing !== undefined && (
        <form class="add-user" aria-label={`Edit role ${editing.role.name}`} onSubmit={save}>
          <h2>Edit role {editing.role.name}</h2>
          <label>
            Description{' '}
            <input
              maxLength={200}
              value={editing.fields.description}
              onInput={(event) =>
                setEditing({ ...editing, fields: { ...editing.fields, description: event.currentTarget.value } })
              }
            />
          </label>
          <PermissionPicker
            apis={apis.items}
            granted={editing.fields.granted}
            onChange={(granted) => setEditing({ ...editing, fields: { ...editing.fields, granted } })}
          />
          <p class="hint">A change of permissions signs out the role's holders: their live tokens end.</p>
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
      {!list.loading && list.items.length === 0 && list.error === undefined && <Empty>There is no role.</Empty>}
      <ListTable label="Roles" head={['Name', 'Description', 'Permissions', 'Built-in', 'Actions']}>
        {list.items.map((role) => (
          <tr key={role.id}>
            <td data-label="Name">{role.name}</td>
            <td data-label="Description">{role.description}</td>
            <td data-label="Permissions">
              <GrantList role={role} apis={apis.items} />
            </td>
            <td data-label="Built-in">{role.built_in ? 'yes' : 'no'}</td>
            <td data-label="Actions">
              {canWrite && (
                <div class="row-actions">
                  <button
                    type="button"
                    aria-label={`Edit role ${role.name}`}
                    onClick={() =>
                      setEditing({
                        role,
                        fields: { description: role.description, granted: new Set(role.permissions.map(keyOf)) },
                      })
                    }
                  >
                    Edit
                  </button>
                  {!role.built_in && (
                    <button type="button" aria-label={`Delete role ${role.name}`} onClick={() => void remove(role)}>
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
