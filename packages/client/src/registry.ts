import type { BulwarkRegistry, HttpMethod, RequestOptions } from './types.js';

type Request = <T>(method: HttpMethod, path: string, options?: RequestOptions) => Promise<T>;

/** A path segment from an id: never lets an id change the path it goes to. */
const at = (collection: string, id: string): string => `${collection}/${encodeURIComponent(id)}`;

/** The API registry's admin calls (contract §15) over the client's JSON requests. */
export function registryCalls(request: Request): BulwarkRegistry {
  return {
    listApis: (query = {}) => request('GET', '/api/apis', { query: { cursor: query.cursor, limit: query.limit } }),
    getApi: (id) => request('GET', at('/api/apis', id)),
    createApi: (body) => request('POST', '/api/apis', { body }),
    updateApi: (id, patch) => request('PATCH', at('/api/apis', id), { body: patch }),
    deleteApi: (id) => request('DELETE', at('/api/apis', id)),
    listRoles: (query = {}) => request('GET', '/api/roles', { query: { cursor: query.cursor, limit: query.limit } }),
    getRole: (id) => request('GET', at('/api/roles', id)),
    createRole: (body) => request('POST', '/api/roles', { body }),
    updateRole: (id, patch) => request('PATCH', at('/api/roles', id), { body: patch }),
    deleteRole: (id) => request('DELETE', at('/api/roles', id)),
    setUserRoles: (userId, roleNames) =>
      request('PUT', `${at('/api/users', userId)}/roles`, { body: { roles: [...roleNames] } }),
  };
}
