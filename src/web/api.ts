import type { FieldError } from './types';

/** A refused request: the problem document's detail and, for invalid input, its field errors. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly errors: FieldError[] = [],
    readonly body: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

/** The session's CSRF token, sent as `X-CSRF-Token` on every POST, PATCH and DELETE. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the server answers 401 (the session ended): the UI shows the sign-in page. */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

export interface RequestOptions {
  body?: unknown;
  /** A BPMN diagram sent as `application/xml` instead of a JSON body. */
  xml?: string;
  headers?: Record<string, string>;
  /** Response type: JSON (default) or text (diagrams). */
  as?: 'json' | 'text';
  signal?: AbortSignal;
}

/** One call of the public REST API, same origin, with the session cookie. */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {
    Accept: options.as === 'text' ? 'application/xml, text/plain' : 'application/json',
    ...options.headers,
  };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.xml !== undefined) headers['Content-Type'] = 'application/xml';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.xml ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
      signal: options.signal,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, '');
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  if (!response.ok) {
    let problem: Record<string, unknown> = {};
    try {
      problem = JSON.parse(text) as Record<string, unknown>;
    } catch {
      problem = {};
    }
    if (response.status === 401 && path !== '/api/session') onUnauthorized?.();
    const errors = Array.isArray(problem.errors) ? (problem.errors as FieldError[]) : [];
    const detail = typeof problem.detail === 'string' ? problem.detail : response.statusText;
    throw new ApiError(response.status, detail, errors, problem);
  }
  if (options.as === 'text') return text as T;
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    request<T>('POST', path, { ...options, body }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  delete: <T>(path: string) => request<T>('DELETE', path),
  /** POST a diagram as application/xml. */
  postXml: <T>(path: string, xml: string) => request<T>('POST', path, { xml }),
};

/**
 * Hands the browser a file made here (an export, a diagram) to save: a Blob behind a
 * temporary link with `download`, nothing sent anywhere.
 */
export function saveFile(name: string, content: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
