/**
 * The legacy roles' ids (admin, clerk, employee as rows of `roles`): fixed, so that migration
 * 0012 and a user created by an older process (users.role) name the same row.
 */
export const legacyRoleId = (name: string): string => `role_${name}`;
