/** Plain node:http calls for bench clients: a keep-alive agent, the status, the body, the cookie. */
import http from 'node:http';

export interface Reply {
  status: number;
  text: string;
  cookie?: string;
}

export function call(
  agent: http.Agent,
  base: URL,
  method: string,
  pathname: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: base.hostname,
        port: base.port,
        method,
        path: pathname,
        agent,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            text: Buffer.concat(chunks).toString(),
            cookie: response.headers['set-cookie']?.[0]?.split(';')[0],
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** Signs in with `POST /api/session`; the headers a signed-in client sends (cookie and CSRF token). */
export async function signIn(
  agent: http.Agent,
  base: URL,
  username: string,
  password: string,
): Promise<Record<string, string>> {
  const reply = await call(agent, base, 'POST', '/api/session', {}, JSON.stringify({ username, password }));
  if (reply.status !== 200 || !reply.cookie) throw new Error(`sign-in of ${username}: ${reply.text}`);
  const { csrfToken } = JSON.parse(reply.text) as { csrfToken: string };
  return { cookie: reply.cookie, 'x-csrf-token': csrfToken };
}
