'use client';

import { useEffect, useRef, useState } from 'react';

/**
 * A button that asks once more before an action that cannot be undone (remove, revoke): the
 * first press shows "Yes, …" and "Cancel" in its place, with focus on the confirmation.
 */
export function ConfirmButton({
  label,
  confirmLabel,
  subject,
  pending = false,
  onConfirm,
}: {
  label: string;
  confirmLabel: string;
  /** What it acts on, for the accessible names ("Remove ada@example.org"). */
  subject: string;
  pending?: boolean;
  onConfirm: () => void;
}) {
  const [asking, setAsking] = useState(false);
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirm.current?.focus();
  }, [asking]);

  if (!asking) {
    return (
      <button
        type="button"
        className="button button-small"
        aria-label={`${label} ${subject}`}
        onClick={() => setAsking(true)}
        disabled={pending}
      >
        {label}
      </button>
    );
  }
  return (
    <span className="confirm-group">
      <button
        ref={confirm}
        type="button"
        className="button button-small button-danger"
        aria-label={`${confirmLabel} ${subject}`}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button
        type="button"
        className="button button-small"
        aria-label={`Cancel: keep ${subject}`}
        onClick={() => setAsking(false)}
      >
        Cancel
      </button>
    </span>
  );
}
