import { PandalchemyError, type SerializedError } from '../errors/pandalchemy-error';

/*
 * The messages of the sync protocol (docs/sync-protocol.md), version 1: their types, and the
 * check of what a device sends. Values inside server messages are tagged JSON (encodeTagged).
 */

/** The protocol version this server speaks. */
export const SYNC_PROTOCOL = 1;

/** `→ hello`: the first message of a connection. */
export interface HelloMessage {
  readonly type: 'hello';
  readonly protocol: number;
  readonly token: string;
  /** The last commit number the device has taken in; null for none. */
  readonly since: number | null;
}

/** `→ push`: one plan of the device's outbox. */
export interface PushMessage {
  readonly type: 'push';
  /** A UUID, chosen once per push: retries send the same. */
  readonly id: string;
  /** The last commit number the device had taken in when it built the plan. */
  readonly basis: number | null;
  /** The plan as `encodePlan` writes it. */
  readonly plan: string;
}

/** `→ pull`: send again every commit after `since`. */
export interface PullMessage {
  readonly type: 'pull';
  readonly since: number;
}

/**
 * `→ head`: say which commit is the log's last now (`← head`). `db.sync()` asks, so that a round
 * ends only once the device has what the server had when the round began.
 */
export interface HeadMessage {
  readonly type: 'head';
}

/** `→ load`: stream a table's current rows. */
export interface LoadMessage {
  readonly type: 'load';
  readonly id: string;
  readonly table: string;
}

export type DeviceMessage = HelloMessage | PushMessage | PullMessage | HeadMessage | LoadMessage;

/** What a table is to one identity, as `welcome` lists it. */
export interface TableAccess {
  readonly table: string;
  readonly read: boolean;
  readonly write: boolean;
  readonly schema: boolean;
}

/** The answer to a push. */
export type PushAnswer =
  | { readonly type: 'accepted'; readonly id: string; readonly seq: number }
  | { readonly type: 'refused'; readonly id: string; readonly error: SerializedError }
  | { readonly type: 'failed'; readonly id: string; readonly error: SerializedError };

const FIELDS: Record<DeviceMessage['type'], readonly string[]> = {
  hello: ['type', 'protocol', 'token', 'since'],
  push: ['type', 'id', 'basis', 'plan'],
  pull: ['type', 'since'],
  head: ['type'],
  load: ['type', 'id', 'table'],
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function invalid(field: string, why: string): PandalchemyError {
  return new PandalchemyError(
    'invalid_message',
    `This message is not of the sync protocol: ${field} ${why} (docs/sync-protocol.md).`,
    { field },
  );
}

const isSeq = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/**
 * A device's message, checked in full: a known `type`, exactly its fields, each of its shape.
 * Anything else throws `invalid_message` naming the field.
 */
export function parseDeviceMessage(text: string): DeviceMessage {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    throw invalid('message', 'is not JSON');
  }
  if (typeof m !== 'object' || m === null || Array.isArray(m))
    throw invalid('message', 'is not an object');
  const o = m as Record<string, unknown>;
  const type = o['type'];
  if (typeof type !== 'string' || !Object.hasOwn(FIELDS, type))
    throw invalid('type', `is ${JSON.stringify(type)}, not hello, push, pull, head or load`);
  const fields = FIELDS[type as DeviceMessage['type']];
  for (const f of Object.keys(o)) if (!fields.includes(f)) throw invalid(f, 'is not a field');
  for (const f of fields) if (!(f in o)) throw invalid(f, 'is missing');
  switch (type) {
    case 'hello':
      if (o['protocol'] !== SYNC_PROTOCOL)
        throw invalid('protocol', `is ${JSON.stringify(o['protocol'])}: this server speaks 1`);
      if (typeof o['token'] !== 'string') throw invalid('token', 'is not text');
      if (o['since'] !== null && !isSeq(o['since']))
        throw invalid('since', 'is not a commit number or null');
      break;
    case 'push':
      if (typeof o['id'] !== 'string' || !UUID.test(o['id'])) throw invalid('id', 'is not a UUID');
      if (o['basis'] !== null && !isSeq(o['basis']))
        throw invalid('basis', 'is not a commit number or null');
      if (typeof o['plan'] !== 'string') throw invalid('plan', 'is not text');
      break;
    case 'pull':
      if (!isSeq(o['since'])) throw invalid('since', 'is not a commit number');
      break;
    case 'load':
      if (typeof o['id'] !== 'string' || o['id'].length > 100)
        throw invalid('id', 'is not text of at most 100 characters');
      if (typeof o['table'] !== 'string') throw invalid('table', 'is not text');
      break;
  }
  return o as unknown as DeviceMessage;
}
