/** Request size limits: anything larger is refused with a 4xx before a handler runs. */
export const HTTP_LIMITS = {
  bodyBytes: 64 * 1024,
  paramLength: 128,
  /** Pagination: the largest page a client may ask for. */
  maxPageSize: 100,
  defaultPageSize: 20,
} as const;
