import { useId, type ReactElement } from 'react';

interface FieldProps {
  readonly label: string;
  /** Shown after the label, not part of the control's name. */
  readonly note?: string;
  /** The control; it receives the id that the label points at. */
  readonly children: (id: string) => ReactElement;
}

/**
 * A labelled form control. The label points at the control by id rather than wrapping it, so
 * that a select's name is its label alone, not the label plus every option's text.
 */
export function Field({ label, note, children }: FieldProps) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {note ? <span className="note"> {note}</span> : null}
      </label>
      {children(id)}
    </div>
  );
}
