import type { SerializedError } from '../errors/pandalchemy-error';

/** The server's answer to one push of the outbox. */
export type PushAnswer =
  { readonly kind: 'accepted' } | { readonly kind: 'refused'; readonly error: SerializedError };
