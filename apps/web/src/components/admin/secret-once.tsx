'use client';

import { type ReactNode, useEffect, useId, useRef, useState } from 'react';

/**
 * A token or key in the one answer that carries it: a warning that it is not shown again, the
 * value to copy, and how to use it. Dismissing it removes it from the page.
 */
export function SecretOnce({
  title,
  secret,
  what,
  example,
  testId,
  onDismiss,
  children,
}: {
  title: string;
  secret: string;
  /** "token", "API key": how the text names it. */
  what: string;
  example?: string;
  testId: string;
  onDismiss: () => void;
  /** More on how to use it, after the example. */
  children?: ReactNode;
}) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'copied' | 'select' | null>(null);
  // Where the eye and the screen reader go next: the new secret.
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('copied');
    } catch {
      // No clipboard over plain HTTP from another host: leave it selected for Ctrl+C.
      input.current?.select();
      setCopied('select');
    }
  };

  return (
    <section className="panel secret-once" aria-labelledby={`${id}-title`} data-testid={testId}>
      <div className="panel-head">
        <h2 id={`${id}-title`}>{title}</h2>
      </div>
      <p className="secret-warning" id={`${id}-warning`}>
        <strong>Copy the {what} now.</strong> It is shown this once: only its prefix is kept, and it
        cannot be shown again.
      </p>
      <div className="secret-row">
        <label htmlFor={`${id}-value`} className="visually-hidden">
          {title}
        </label>
        <input
          id={`${id}-value`}
          ref={input}
          className="secret-value"
          readOnly
          value={secret}
          spellCheck={false}
          aria-describedby={`${id}-warning`}
          onFocus={(e) => e.currentTarget.select()}
          data-testid={`${testId}-value`}
        />
        <button type="button" className="button primary" onClick={copy}>
          Copy
        </button>
        <span className="muted" aria-live="polite">
          {copied === 'copied' ? 'Copied.' : copied === 'select' ? 'Selected: press Ctrl+C.' : ''}
        </span>
      </div>
      {example && (
        <>
          <p className="muted secret-example-label">Try it:</p>
          <pre className="secret-example">{example}</pre>
        </>
      )}
      {children}
      <button type="button" className="button" onClick={onDismiss}>
        I have stored it
      </button>
    </section>
  );
}
