import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
};

/** A server fault: the worker or the wasm answered with 404, or the worker with the index page. */
export type ServerFault = 'worker-404' | 'worker-as-html' | 'wasm-404' | null;

const isWorker = (path: string): boolean => /\/pandalchemy-worker[^/]*\.js$/.test(path);

/** A static file server for a built app, on a port chosen at run time, with switchable faults. */
export class StaticServer {
  fault: ServerFault = null;
  readonly #server: Server;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(dir: string): Promise<StaticServer> {
    let self: StaticServer | null = null;
    const server = createServer((req, res) => {
      const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
      const fault = self?.fault ?? null;
      const notFound =
        (fault === 'worker-404' && isWorker(path)) ||
        (fault === 'wasm-404' && path.endsWith('.wasm'));
      const file = join(
        dir,
        path.endsWith('/') || (fault === 'worker-as-html' && isWorker(path)) ? 'index.html' : path,
      );
      readFile(file)
        .then((body) => {
          if (notFound) throw new Error('not found');
          res.setHeader('content-type', TYPES[extname(file)] ?? 'application/octet-stream');
          res.end(body);
        })
        .catch(() => {
          res.statusCode = 404;
          res.end('not found');
        });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self = new StaticServer(server);
    return self;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
