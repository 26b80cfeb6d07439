import { KeepAliveConnection } from './keep-alive-client.js';

/** What one chain did: rotations answered 200, its newest refresh token, and the answer that ended it early. */
export interface ChainResult {
  done: number;
  last: string;
  /** The status of a refusal (the chain stops at it: its token is then used or unknown). */
  refused?: number;
}

/**
 * One refresh chain until `end` (a `performance.now()` time): presents `first`, then each token it
 * is given, on a keep-alive connection of its own (bench/keep-alive-client.ts, not `fetch`), at
 * most as fast as `pace` lets it. Every benchmark's refresh load goes through here.
 */
export async function refreshChain(
  url: string,
  first: string,
  end: number,
  pace: () => Promise<void> = () => Promise.resolve(),
): Promise<ChainResult> {
  const connection = await KeepAliveConnection.open(url);
  let last = first;
  let done = 0;
  try {
    while (performance.now() < end) {
      await pace();
      if (performance.now() >= end) break;
      const answer = await connection.request(
        'POST',
        '/api/users-sessions/refresh',
        { 'content-type': 'application/json' },
        JSON.stringify({ refresh_token: last }),
      );
      if (answer.status !== 200) return { done, last, refused: answer.status };
      last = (JSON.parse(answer.body) as { refresh_token: string }).refresh_token;
      done++;
    }
    return { done, last };
  } finally {
    connection.close();
  }
}
