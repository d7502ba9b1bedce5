/** A running static file server. */
export interface StaticServer {
  /** `http://<host>:<port>`, without a trailing slash. */
  url: string;
  port: number;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

export interface StaticServerOptions {
  /** Folders to serve from, first match wins. */
  roots: string[];
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
}

export const CONTENT_TYPES: Record<string, string>;
export function safeSegments(url: string): string[] | null;
export function startStaticServer(options: StaticServerOptions): Promise<StaticServer>;
