import { PandalchemyError } from '../errors/pandalchemy-error';

/** The limits a server's `welcome` states (docs/sync-protocol.md, "Limits"). */
export interface ServerLimits {
  readonly maxMessageBytes: number;
}

/** The limits of a `welcome`, or null when it states none the device can use. */
export function serverLimitsOf(welcome: Record<string, unknown>): ServerLimits | null {
  const limits = welcome['limits'] as Record<string, unknown> | undefined;
  const max = Number(limits?.['maxMessageBytes']);
  return Number.isFinite(max) && max > 0 ? { maxMessageBytes: max } : null;
}

/**
 * The refusal of a push message the server would not read, or null. The server closes the
 * connection (1009) on a message over `maxMessageBytes` before reading it, so it can record no
 * answer: sent, such a push would close every connection and hold the outbox behind it for ever.
 * Too many rows (`maxPlanRows`) is left to the server: it refuses those and records the refusal.
 */
export function oversizedPush(text: string, limits: ServerLimits | null): PandalchemyError | null {
  if (!limits) return null;
  // UTF-8 bytes, as the WebSocket frame carries them (at most 3 per UTF-16 unit: skip the
  // encoding for the many pushes that are small anyway).
  if (text.length * 3 <= limits.maxMessageBytes) return null;
  const bytes = new TextEncoder().encode(text).length;
  if (bytes <= limits.maxMessageBytes) return null;
  return tooLarge(
    `This push is ${bytes} bytes, more than the sync server reads in one message (${limits.maxMessageBytes}).`,
  );
}

/** The refusal of a push whose message the server closed the connection on (1009). */
export function closedAsTooLarge(): PandalchemyError {
  return tooLarge('The sync server closed the connection on this push as too big (1009).');
}

function tooLarge(why: string): PandalchemyError {
  return new PandalchemyError(
    'too_large',
    `${why} Nothing was written: its edits are pending again; push them in smaller parts.`,
  );
}
