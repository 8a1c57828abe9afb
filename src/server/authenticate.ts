import type { IncomingMessage } from 'node:http';
import { PandalchemyError } from '../errors/pandalchemy-error';

/** Who is at the other end of a connection: the user, and which of their devices. */
export interface SyncIdentity {
  readonly user: string;
  /** The device's id, recorded with each of its commits. */
  readonly device: string;
}

/**
 * How a sync server authenticates a connection: a map from bearer token to identity, or a
 * function (the app's own auth) given the token and the HTTP upgrade request (its cookies and
 * headers), returning the identity, or null to refuse.
 */
export type Authenticate =
  | Readonly<Record<string, SyncIdentity>>
  | ((
      token: string,
      request: IncomingMessage,
    ) => SyncIdentity | null | undefined | Promise<SyncIdentity | null | undefined>);

/** What a table access is for: receive and load rows, push data steps, push schema steps. */
export type TableAccessKind = 'read' | 'write' | 'schema';

/**
 * Whether `identity` may `access` `table` (one of the tables the server syncs). Asked at `hello`,
 * on every push for every table it names, and on every pull and load.
 */
export type Authorize = (
  identity: SyncIdentity,
  table: string,
  access: TableAccessKind,
) => boolean | Promise<boolean>;

/** The default: read and write every synced table; schema steps only when the app says so. */
export const defaultAuthorize: Authorize = (_identity, _table, access) => access !== 'schema';

const isIdentity = (v: unknown): v is SyncIdentity =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as SyncIdentity).user === 'string' &&
  typeof (v as SyncIdentity).device === 'string' &&
  (v as SyncIdentity).device !== '';

/**
 * The identity `token` stands for, or null. A token map is looked up by own keys only, so that a
 * token such as `constructor` or `__proto__` never finds something inherited; an empty token
 * never authenticates.
 */
export async function identify(
  authenticate: Authenticate,
  token: string,
  request: IncomingMessage,
): Promise<SyncIdentity | null> {
  if (!token) return null;
  let found: unknown;
  try {
    found =
      typeof authenticate === 'function'
        ? await authenticate(token, request)
        : Object.hasOwn(authenticate, token)
          ? authenticate[token]
          : null;
  } catch (e) {
    // The app's check failed (its auth service down, say): no session, and no word of why, which
    // is the app's to log (the cause goes to `onError`).
    throw new PandalchemyError(
      'internal',
      'The server could not check the token (its authentication failed): try again later.',
      {},
      e,
    );
  }
  return isIdentity(found) ? found : null;
}
