import { PROBLEMS, type ProblemCode, type ProblemEntry } from '@bulwark/contract/registry';

/** RFC 9457 problem details, as every error of the API is answered (CONTRACT §4). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  /** RFC 9457 extension members (a login step's token). */
  [member: string]: string | number | readonly string[] | undefined;
}

const registered = PROBLEMS as Readonly<Record<string, ProblemEntry | undefined>>;

/**
 * The problem+json body of a code: its status and title are the registry's
 * (@bulwark/contract/registry). `status` is given only by an error that carries its own (an error
 * class, a framework error's 4xx); a test holds every class's status equal to its code's.
 */
export function problem(code: ProblemCode | (string & {}), detail?: string, status?: number): Problem {
  const entry = registered[code];
  const answered = status ?? entry?.status ?? 500;
  // A framework's odd 4xx (invalid_request at 405): the title of the status, where the registry has one.
  const title =
    entry?.status === answered
      ? entry.title
      : Object.values(registered).find((other) => other?.status === answered)?.title;
  const body: Problem = { type: `urn:bulwark:problem:${code}`, title: title ?? 'Error', status: answered, code };
  if (detail !== undefined) body.detail = detail;
  return body;
}
