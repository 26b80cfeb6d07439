/** Bad command-line usage: exit code 2 (CONTRACT §1). */
export class UsageError extends Error {}

export const USAGE = `Usage: bulwark <command>

  serve [--only auth|payroll] [--jwks-url URL]
                                          run the API (what npm start runs); --only splits it
  users add --username U --role admin|clerk|employee [--employee-id ID] --password-stdin
  users invite EMAIL --role admin|clerk|employee [--employee-id ID] [--json]   mails an invitation link (a running server delivers it)
  users list [--json]
  users disable U
  users enable U
  users set-role U admin|clerk|employee   ends the user's sessions
  users reset-password U                  prints a one-time password once; the user must change it at next login
  users reset-mfa U                       removes the user's authenticator, recovery codes and passkeys
  users unlock U                          forgets the user's failed logins and lifts their blocks
  users grant U ROLE                      adds a role; ends the user's sessions
  users ungrant U ROLE                    removes a role; ends the user's sessions
  clients add --name N --scope "S" [--audience A]... [--introspection] [--jwks FILE | --jwks-uri URL] [--json]
                                          an OAuth 2 client; prints its client_id and secret once
  clients list [--json]
  clients disable CLIENT_ID               no new tokens; its live tokens are revoked
  clients rotate-secret CLIENT_ID [--json]
                                          a new secret, printed once; the old one and its tokens stop working
  apis add IDENTIFIER [--name N] [--permission NAME[=DESCRIPTION]]... [--ttl SECONDS|global] [--claim ATTRIBUTE]... [--json]
                                          registers an API: its identifier is its tokens' aud
  apis list [--json]
  apis show IDENTIFIER [--json]
  apis update IDENTIFIER [--name N] [--permission P]... [--ttl S|global] [--claim C]... [--no-claims] [--json]
                                          --permission and --claim replace the whole list
  apis remove IDENTIFIER                  only when no role or client holds its permissions
  roles add NAME [--description D] [--permission "API PERMISSION"]... [--api API --permission P...] [--json]
  roles list [--json]
  roles show NAME [--json]
  roles update NAME [--description D] [--permission "API PERMISSION"]... [--json]
                                          --permission replaces the list; holders' sessions end
  roles remove NAME                       its holders lose it; their sessions end
  keys list [--json]
  keys rotate [--now [--revoke-current]] [--switch-alg]
                                          a new key of the configured setup; --switch-alg to change algorithm
  token decode <jwt>                      show header and claims (nothing is verified)
  token verify <jwt> [--jwks URL|FILE] [--issuer I] [--audience A]
                                          verify with local keys, a JWKS URL or file
  revoke --user U | --session SID | --jti JTI
  backup FILE                             an online snapshot of the SQLite data dir (the server may run); Postgres: pg_dump
  restore FILE                            a backup into an empty data dir (BULWARK_DATA_DIR), ready to serve

Configuration comes from the environment (see README): BULWARK_DATA_DIR, BULWARK_DATABASE_URL, ...`;
