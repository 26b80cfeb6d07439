import type { Kysely, Migration } from 'kysely';

/**
 * The link from a user to a payroll employee record becomes payroll's user attribute
 * `employee_id` (issue #18 item 5): the identity store keeps no payroll column that it reads, and
 * the payroll API's tokens carry the link as any API carries an attribute, because the payroll API
 * lists it among its `claims`.
 * - each linked user's `employee_id` is copied into their attributes (a former attribute of that
 *   name gives way: the column is what tokens carried);
 * - invitations get `attributes` the same way, so an accepted one still links the account;
 * - the default API (the payroll API of 0012) lists `employee_id` among its claims, and the
 *   registry's version moves so that every running instance reloads it.
 * The columns stay, written as a mirror of the attribute, for a release before this one that
 * still runs beside it during a rolling upgrade (it reads them); nothing of this release reads them.
 * Values are written out here, not imported: a migration describes one moment.
 */

const ATTRIBUTE = 'employee_id';

type Tables = {
  users: { id: string; employee_id: string | null; attributes: string };
  invitations: { id: string; employee_id: string | null; attributes: string };
  apis: { id: string; claims: string; built_in: string | null; updated_at: number };
  registry_state: { id: string; version: number };
};

function withLink(attributes: string, employeeId: string): string {
  const parsed: unknown = attributes === '' ? {} : JSON.parse(attributes);
  const object = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed : {};
  return JSON.stringify({ ...object, [ATTRIBUTE]: employeeId });
}

async function copyLinks(db: Kysely<Tables>, table: 'users' | 'invitations'): Promise<void> {
  const rows = await db
    .selectFrom(table)
    .select(['id', 'employee_id', 'attributes'])
    .where('employee_id', 'is not', null)
    .execute();
  for (const row of rows) {
    if (row.employee_id === null) continue;
    await db
      .updateTable(table)
      .set({ attributes: withLink(row.attributes, row.employee_id) })
      .where('id', '=', row.id)
      .execute();
  }
}

export const employeeLink: Migration = {
  async up(untyped: Kysely<unknown>): Promise<void> {
    const db = untyped as Kysely<Tables>;
    await untyped.schema
      .alterTable('invitations')
      .addColumn('attributes', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
    await copyLinks(db, 'users');
    await copyLinks(db, 'invitations');

    const payroll = await db
      .selectFrom('apis')
      .select(['id', 'claims'])
      .where('built_in', '=', 'default')
      .executeTakeFirst();
    if (payroll !== undefined) {
      const claims = JSON.parse(payroll.claims) as string[];
      if (!claims.includes(ATTRIBUTE)) {
        await db
          .updateTable('apis')
          .set({ claims: JSON.stringify([...claims, ATTRIBUTE]), updated_at: Date.now() })
          .where('id', '=', payroll.id)
          .execute();
      }
    }
    const state = await db.selectFrom('registry_state').select(['id', 'version']).executeTakeFirst();
    if (state !== undefined)
      await db
        .updateTable('registry_state')
        .set({ version: Number(state.version) + 1 })
        .where('id', '=', state.id)
        .execute();
  },

  async down(untyped: Kysely<unknown>): Promise<void> {
    await untyped.schema.alterTable('invitations').dropColumn('attributes').execute();
  },
};
