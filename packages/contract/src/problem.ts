import { Type, type Static } from 'typebox';
import { PROBLEMS, type ProblemCode } from './registry/problems.js';

/** RFC 9457 problem details, as every error of the API outside /oauth/* is answered (CONTRACT §4). */
export const Problem = Type.Object(
  {
    type: Type.String({ examples: ['urn:bulwark:problem:invalid_request'] }),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.Enum(Object.keys(PROBLEMS) as ProblemCode[], {
      description: Object.entries(PROBLEMS)
        .map(([code, { status, meaning }]) => `- \`${code}\` (${status}): ${meaning}`)
        .join('\n'),
    }),
    detail: Type.Optional(Type.String()),
  },
  { description: 'RFC 9457 problem details. `code` is the stable, machine-readable reason.' },
);
export type Problem = Static<typeof Problem>;
