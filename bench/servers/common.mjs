// Shared by the benchmark servers: the key and claims come from the parent through the
// environment, the answer is the same small JSON everywhere.
export const port = Number(process.env.BENCH_PORT);
export const issuer = process.env.BENCH_ISSUER;
export const audience = process.env.BENCH_AUDIENCE;
export const jwk = JSON.parse(process.env.BENCH_JWK);
export const publicPem = process.env.BENCH_PUBLIC_PEM;

export function ready(server) {
  process.send?.({ ready: true, port: server.address().port });
}
