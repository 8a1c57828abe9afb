import { useEffect, useRef, type ReactNode } from 'react';

interface ModalDialogProps {
  readonly title: string;
  readonly onClose: () => void;
  readonly children: ReactNode;
}

/** A native modal dialog: focus stays inside, Escape closes it. */
export function ModalDialog({ title, onClose, children }: ModalDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    // No cleanup that closes it: StrictMode runs this effect, its cleanup and the effect again
    // on mount, and close() would fire `close`, whose handler unmounts the dialog. Unmounting
    // removes the element, which takes it out of the top layer without a `close` event.
  }, []);
  return (
    <dialog ref={ref} aria-label={title} onClose={onClose} className="modal">
      <h2>{title}</h2>
      {children}
    </dialog>
  );
}
