import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BulwarkUser } from '@bulwark/client';
import { CurrentUser, Problem, RoleSchema, User } from '@bulwark/contract';
import { PROBLEMS, ROLES } from '@bulwark/contract/registry';
import type { CurrentUser as CurrentUserType } from '@bulwark/contract/types';

/** True only when A and B are the same type (not merely assignable). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

// Held by `npm run typecheck`: the SDK's user is the server's CurrentUser schema's type (GET
// /api/users/me), field for field.
const sdkUserIsTheServers: Same<BulwarkUser, CurrentUserType> = true;

describe('@bulwark/contract', () => {
  it("gives the SDK the server schema's own user type", () => {
    assert.equal(sdkUserIsTheServers, true);
    assert.deepEqual(Object.keys(User.properties).sort(), [
      'attributes',
      'created_at',
      'disabled',
      'email',
      'email_verified',
      'employee_id',
      'id',
      'role',
      'roles',
      'updated_at',
      'username',
    ]);
    assert.deepEqual(
      Object.keys(CurrentUser.properties).sort(),
      [...Object.keys(User.properties), 'permissions'].sort(),
    );
  });

  it('derives the role schema and the Problem code enum from the registries', () => {
    assert.deepEqual(RoleSchema.enum, [...ROLES]);
    assert.deepEqual(Problem.properties.code.enum, Object.keys(PROBLEMS));
  });
});
