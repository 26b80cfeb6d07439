/** The roles a user has, lowest privilege last: the one list the server, the SDK and the console read. */
export const ROLES = ['admin', 'clerk', 'employee'] as const;
export type Role = (typeof ROLES)[number];
