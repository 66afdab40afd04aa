'use client';

import { type FormEvent, useId, useRef, useState } from 'react';
import { retryAfterSeconds, signInFailure } from '@/lib/access';
import { authClient } from '@/lib/auth-client';

/** The sign-in form; on success it loads `next` (already checked to be a path of this site). */
export function SignInForm({ next }: { next: string }) {
  const id = useId();
  const password = useRef<HTMLInputElement>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setFailure(null);
    let retryAfter: number | null = null;
    try {
      const { error } = await authClient.signIn.email(
        { email: String(form.get('email') ?? ''), password: String(form.get('password') ?? '') },
        {
          onError: ({ response }) => {
            retryAfter = retryAfterSeconds(response.headers.get('x-retry-after'));
          },
        },
      );
      if (!error) {
        // A full load: every page and query is rendered again as the signed-in user.
        window.location.assign(next);
        return;
      }
      setFailure(signInFailure(error.status, retryAfter));
    } catch {
      setFailure('The dashboard does not answer; check your connection and try again.');
    }
    setPending(false);
    if (password.current) {
      password.current.value = '';
      password.current.focus();
    }
  };

  const describedBy = failure ? `${id}-failure` : undefined;
  return (
    <form className="sign-in-form" onSubmit={onSubmit} aria-label="Sign in">
      <div className="form-field">
        <label htmlFor={`${id}-email`}>Email</label>
        <input
          id={`${id}-email`}
          name="email"
          type="email"
          autoComplete="username"
          required
          // biome-ignore lint/a11y/noAutofocus: the page exists for this one input
          autoFocus
          aria-invalid={failure ? true : undefined}
          aria-describedby={describedBy}
        />
      </div>
      <div className="form-field">
        <label htmlFor={`${id}-password`}>Password</label>
        <input
          id={`${id}-password`}
          ref={password}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          aria-invalid={failure ? true : undefined}
          aria-describedby={describedBy}
        />
      </div>
      {failure && (
        <p id={`${id}-failure`} className="error-text" role="alert" data-testid="sign-in-error">
          {failure}
        </p>
      )}
      <button type="submit" className="button primary" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
