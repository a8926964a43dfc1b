/**
 * Starting and stopping the emulator's HTTP servers the same way everywhere.
 */
import * as http from 'node:http';
import { AddressInfo } from 'node:net';

/** Listens and returns the bound port; a taken port is reported with the fix. */
export async function listen(server: http.Server, port: number, host: string, what: string): Promise<number> {
  // Keep connections open between invokes: a reconnect per request costs more than the invoke.
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE'
        ? new Error(`${what}: port ${port} on ${host} is already in use. Stop what holds it (\`ss -ltnp | grep :${port}\`) or choose another port.`)
        : error);
    });
    server.listen(port, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

export async function close(server: http.Server): Promise<void> {
  if (!server.listening) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Writes a complete response in one go (status, headers as pairs so set-cookie can repeat, body). */
export function send(res: http.ServerResponse, status: number, headers: ReadonlyArray<readonly [string, string]>, body: Buffer | string): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const flat: string[] = [];
  for (const [name, value] of headers) {
    // The body's length is ours to state: a function's own content-length would duplicate it.
    const lower = name.toLowerCase();
    if (lower !== 'content-length' && lower !== 'transfer-encoding') flat.push(name, value);
  }
  flat.push('content-length', String(bytes.length));
  res.writeHead(status, flat);
  res.end(bytes);
}
