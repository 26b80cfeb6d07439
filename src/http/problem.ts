/** RFC 9457 problem details, as every error of the API is answered (CONTRACT §4). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  /** RFC 9457 extension members (a login step's token). */
  [member: string]: string | number | undefined;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problem(status: number, code: string, detail?: string): Problem {
  const body: Problem = { type: `urn:bulwark:problem:${code}`, title: TITLES[status] ?? 'Error', status, code };
  if (detail !== undefined) body.detail = detail;
  return body;
}
