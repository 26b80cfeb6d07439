/**
 * What the profile found and what each change bought, measured with bench/routes.ts as server CPU
 * per request (the stable figure on a shared machine; req/s moved ±30 % between runs while other
 * engineers' test suites shared both cores). Kept with the generated tables it explains.
 */
export const WHAT_CHANGED = `## What the profile found, and what each change bought

\`node --import tsx bench/profile.ts /api/users/me\` runs the real server under \`node --cpu-prof\`
with the benchmark's load and prints self time by function and by package. Server CPU per request
(µs, lower is better) and the hand-assembled stack's over Bulwark's, measured side by side, one
run per step on 2026-12-01 (a 2-core machine shared with other work: read ±10 %; the "before" row
ran while the machine was busiest, which inflates CPU per request, so compare its ratios, each
measured side by side, rather than its µs):

| step | /healthz | /api/users/me | /api/employees/{id} | /api/payments?limit=20 |
|---|---:|---:|---:|---:|
| before (issue 14) | 55 µs, 0.69× | 152 µs, 0.60× | 138 µs, 0.63× | 264 µs, 0.84× |
| + statements prepared once, hot reads compiled once | 41 µs, 0.79× | 87 µs, 1.01× | 102 µs, 1.07× | 222 µs, 1.04× |
| + request logging installed, hooks merged (lead's files, measured on a private copy) | 41 µs, 0.80× | 92 µs, 1.03× | 97 µs, 0.96× | 240 µs, 0.96× |
| + @fastify/cookie's hooks off the non-cookie routes (same) | 36 µs, 0.92× | 70 µs, 1.24× | | |

- **better-sqlite3 \`prepare\` on every query: 11 % of the /api/users/me profile.** kysely's
  SqliteDriver prepares each query it runs. \`src/store/sqlite-driver.ts\` now keeps each distinct
  SQL text prepared (at most 500, oldest out), for better-sqlite3 and node:sqlite alike.
- **kysely building and compiling the query per request: 5–7 %.** \`src/store/sql/compiled.ts\`
  (\`CompiledRead\`) builds a query once with the query builder, compiles it once per dialect and
  runs it with new parameters: users by id and by username, employees and payments by id, and the
  payments page (one compiled query per filter combination). Together with the statement cache:
  /api/users/me 152 → 87 µs, employees 138 → 102 µs, payments 264 → 222 µs per request.
- **The payments page scanned the index from its start.** The cursor condition
  \`created_at > ? or (created_at = ? and id > ?)\` is not one the planners can seek to: SQLite
  planned \`SCAN payments USING INDEX\`, Postgres an Index Scan with a Filter, so a page N rows deep
  read N index entries. It is now the row value \`(created_at, id) > (?, ?)\`: \`SEARCH … USING
  INDEX … ((created_at,id)>(?,?))\` and \`Index Cond: (ROW(created_at, id) > ROW(…))\` (tables above).
  \`afterCursor\` in src/store/sql/cursor.ts (users, employees, sessions, audit lists) still has the
  OR form: the same one-line change applies there.
- **Per-request pino children with redaction (2 %) and two lines per request at info.**
  \`installRequestLogging\` (src/http/request-log.ts) writes one line per request at info, none for
  /healthz and /readyz, and makes a request's child logger only when something logs through it.
  At warn it measured within noise of before: the win is at info (one line instead of two, no
  child per request).
- **Per-request hooks** (src/http/app.ts and the hooks it installs, the lead's files): an async
  \`onSend\` for Cache-Control, async \`onRequest\` hooks for the URL limit and the transport
  headers, a global async \`preHandler\` for the write limit that every GET also runs, and
  @fastify/cookie's \`onRequest\` + \`onSend\` on every route. Merged into one synchronous
  \`onRequest\` (static headers set with one call) and the write limit moved onto write routes, no
  gain beyond noise; @fastify/cookie's hooks off the routes that do not use cookies, about 4 µs
  per request (/healthz 40 → 36 µs).
- **Done on the final code** (the lead): the cookie parser and the token endpoints' DPoP hook
  moved into the auth module's own plugin scope; the per-request hooks became callback-style (no
  promise each), the Cache-Control default joined the transport headers, and @fastify/cors is
  registered only when \`BULWARK_CORS_ORIGINS\` allows an origin (its hook ran on every request).
  /healthz went from 0.89× to 1.06× of the hand stack's CPU per request in a /healthz-only run
  (\`bench/routes-only.ts\`); the full routes table of the final code is above.

What did not help: the server timeouts (Bulwark's slowloris deadlines given to the
hand-assembled stack changed its cost by under 1 µs); merging the hooks (above).
`;
