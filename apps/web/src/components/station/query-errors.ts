/** The part of a tRPC client error the page looks at. */
export interface QueryError {
  message: string;
  data?: { code?: string; httpStatus?: number } | null;
}

/** The procedure answered 404: the station does not exist. */
export const isNotFound = (error: QueryError | null | undefined) =>
  error?.data?.code === 'NOT_FOUND';

/**
 * Retries once, except for the server's own 4xx answers (bad range, unknown station), which
 * would only fail again. An error without data (e.g. a server prefetch whose error was
 * redacted in transit) is retried, which brings back the real answer.
 */
export function retryUnlessClientError(failureCount: number, error: QueryError): boolean {
  const status = error.data?.httpStatus;
  if (status !== undefined && status >= 400 && status < 500) return false;
  return failureCount < 1;
}

export const errorMessage = (error: QueryError) => error.message || 'unknown error';
