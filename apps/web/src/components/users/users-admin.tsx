'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@weather/api';
import { type FormEvent, useId, useState } from 'react';
import {
  fieldProblems,
  MIN_PASSWORD_LENGTH,
  type ProcedureError,
  ROLE_OPTIONS,
  refusalText,
} from '@/lib/access';
import { useTRPC } from '@/trpc/react';
import { ConfirmButton } from '../admin/confirm-button';
import { FormField, SelectField } from '../admin/form-field';
import { Moment } from '../admin/moment';
import { type Notice, NoticeLine } from '../admin/notice-line';
import { useViewer } from '../auth/use-viewer';

type User = inferRouterOutputs<AppRouter>['users']['list'][number];
type Role = User['role'];

/** Users: create one, change a role, set a new password, remove; refusals said plainly. */
export function UsersAdmin() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { user: me } = useViewer();
  const users = useQuery(trpc.users.list.queryOptions());
  const [notice, setNotice] = useState<Notice>(null);
  const [resetting, setResetting] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
  const refused = (what: string) => (error: ProcedureError) =>
    setNotice({ kind: 'refused', text: `Could not ${what}: ${refusalText(error)}` });
  const setRole = useMutation(trpc.users.setRole.mutationOptions({ onSettled: refresh }));
  const remove = useMutation(trpc.users.remove.mutationOptions({ onSettled: refresh }));
  const busy = setRole.isPending || remove.isPending;

  const changeRole = (user: User, role: Role) =>
    setRole.mutate(
      { id: user.id, role },
      {
        onSuccess: () => setNotice({ kind: 'done', text: `${user.email} is now ${role}.` }),
        onError: refused(`make ${user.email} ${role}`),
      },
    );
  const removeUser = (user: User) =>
    remove.mutate(
      { id: user.id },
      {
        onSuccess: () =>
          setNotice({ kind: 'done', text: `Removed ${user.email}; their sessions have ended.` }),
        onError: refused(`remove ${user.email}`),
      },
    );

  return (
    <div className="registry">
      <CreateUserPanel
        onCreated={(user) => {
          setNotice({
            kind: 'done',
            text: `Created ${user.email} (${user.role}). Give them their password: no email is sent.`,
          });
          void refresh();
        }}
      />
      <section className="panel" aria-labelledby="users-title">
        <div className="panel-head">
          <h2 id="users-title">Users</h2>
          {users.data && (
            <span className="muted">
              {users.data.length} user{users.data.length === 1 ? '' : 's'}
            </span>
          )}
        </div>
        <NoticeLine notice={notice} />
        {users.data ? (
          <div className="table-scroll">
            <table className="stations-table registry-table" aria-labelledby="users-title">
              <thead>
                <tr>
                  {['Name', 'Email', 'Role', 'Created', 'Actions'].map((column) => (
                    <th key={column} scope="col">
                      {column}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {users.data.map((user) => (
                  <UserRow
                    key={user.id}
                    user={user}
                    isMe={me?.kind === 'session' && me.email === user.email}
                    busy={busy}
                    resetting={resetting === user.id}
                    onRole={(role) => changeRole(user, role)}
                    onReset={(open) => setResetting(open ? user.id : null)}
                    onPasswordSet={() => {
                      setResetting(null);
                      setNotice({
                        kind: 'done',
                        text: `New password set for ${user.email}; they were signed out everywhere.`,
                      });
                    }}
                    onRemove={() => removeUser(user)}
                  />
                ))}
              </tbody>
            </table>
          </div>
        ) : users.error ? (
          <p className="error-text" role="alert">
            Could not load the users: {users.error.message}
          </p>
        ) : (
          <div className="skeleton table-skeleton" aria-busy="true" />
        )}
      </section>
    </div>
  );
}

function UserRow({
  user,
  isMe,
  busy,
  resetting,
  onRole,
  onReset,
  onPasswordSet,
  onRemove,
}: {
  user: User;
  isMe: boolean;
  busy: boolean;
  resetting: boolean;
  onRole: (role: Role) => void;
  onReset: (open: boolean) => void;
  onPasswordSet: () => void;
  onRemove: () => void;
}) {
  const other: Role = user.role === 'admin' ? 'viewer' : 'admin';
  return (
    <>
      <tr data-testid="user-row">
        <th scope="row">
          {user.name}
          {isMe && <span className="muted"> (you)</span>}
        </th>
        <td>{user.email}</td>
        <td>
          <span className={`badge badge-role badge-role-${user.role}`}>{user.role}</span>
        </td>
        <td>
          <Moment iso={user.created_at} never="–" />
        </td>
        <td className="row-actions">
          <button
            type="button"
            className="button button-small"
            aria-label={`Make ${user.email} ${other}`}
            disabled={busy}
            onClick={() => onRole(other)}
          >
            Make {other}
          </button>
          <button
            type="button"
            className="button button-small"
            aria-label={`Reset the password of ${user.email}`}
            aria-expanded={resetting}
            onClick={() => onReset(!resetting)}
          >
            Reset password
          </button>
          <ConfirmButton
            label="Remove"
            confirmLabel="Yes, remove"
            subject={user.email}
            pending={busy}
            onConfirm={onRemove}
          />
        </td>
      </tr>
      {resetting && (
        <tr className="registry-edit-row">
          <td colSpan={5}>
            <PasswordForm user={user} onDone={onPasswordSet} onCancel={() => onReset(false)} />
          </td>
        </tr>
      )}
    </>
  );
}

function PasswordForm({
  user,
  onDone,
  onCancel,
}: {
  user: User;
  onDone: () => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const id = useId();
  const setPassword = useMutation(trpc.users.setPassword.mutationOptions({ onSuccess: onDone }));
  const problems = fieldProblems(setPassword.error);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget).get('password') ?? '');
    setPassword.mutate({ id: user.id, password });
  };
  return (
    <form className="inline-form" onSubmit={onSubmit} aria-label={`New password for ${user.email}`}>
      <FormField
        id={`${id}-password`}
        name="password"
        label={`New password for ${user.email}`}
        type="password"
        autoComplete="new-password"
        required
        minLength={MIN_PASSWORD_LENGTH}
        problem={problems.password}
        hint={`At least ${MIN_PASSWORD_LENGTH} characters; signs them out everywhere`}
      />
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={setPassword.isPending}>
          Set password
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {setPassword.error && !problems.password && (
        <p className="error-text" role="alert">
          {refusalText(setPassword.error)}
        </p>
      )}
    </form>
  );
}

function CreateUserPanel({ onCreated }: { onCreated: (user: User) => void }) {
  const trpc = useTRPC();
  const id = useId();
  // A new key after each user made: the form starts empty again.
  const [round, setRound] = useState(0);
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: (user) => {
        setRound((n) => n + 1);
        onCreated(user);
      },
    }),
  );
  const problems = fieldProblems(create.error);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get('name') ?? '').trim();
    create.mutate({
      email: String(form.get('email') ?? '').trim(),
      name: name || undefined,
      password: String(form.get('password') ?? ''),
      role: form.get('role') === 'admin' ? 'admin' : 'viewer',
    });
  };
  return (
    <section className="panel" aria-labelledby="create-user-title">
      <div className="panel-head">
        <h2 id="create-user-title">Create a user</h2>
      </div>
      <form
        key={round}
        className="form-grid"
        onSubmit={onSubmit}
        aria-labelledby="create-user-title"
      >
        <FormField
          id={`${id}-email`}
          name="email"
          label="Email"
          type="email"
          autoComplete="off"
          required
          problem={problems.email}
        />
        <FormField
          id={`${id}-name`}
          name="name"
          label="Name"
          autoComplete="off"
          maxLength={200}
          hint="Empty: the part of the email before @"
          problem={problems.name}
        />
        <FormField
          id={`${id}-password`}
          name="password"
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD_LENGTH}
          hint={`At least ${MIN_PASSWORD_LENGTH} characters`}
          problem={problems.password}
        />
        <SelectField
          id={`${id}-role`}
          name="role"
          label="Role"
          options={ROLE_OPTIONS}
          defaultValue="viewer"
        />
        <div className="form-actions form-actions-end">
          <button type="submit" className="button primary" disabled={create.isPending}>
            Create user
          </button>
        </div>
      </form>
      {create.error && Object.keys(problems).length === 0 && (
        <p className="error-text" role="alert">
          {refusalText(create.error)}
        </p>
      )}
    </section>
  );
}
