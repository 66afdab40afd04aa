'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { services } from '@weather/core/services';
import { type FormEvent, useId, useState } from 'react';
import { apiKeyExample, fieldProblems, ROLE_OPTIONS, refusalText } from '@/lib/access';
import { useTRPC } from '@/trpc/react';
import { ConfirmButton } from '../admin/confirm-button';
import { FormField, SelectField } from '../admin/form-field';
import { Moment } from '../admin/moment';
import { type Notice, NoticeLine } from '../admin/notice-line';
import { SecretOnce } from '../admin/secret-once';

const COLUMNS = ['Name', 'Prefix', 'Role', 'Created by', 'Created', 'Last used', 'Revoked', ''];

/** API keys: create one (the key shown this once), list them, revoke. */
export function ApiKeysAdmin() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const keys = useQuery(trpc.apiKeys.list.queryOptions());
  const [notice, setNotice] = useState<Notice>(null);
  const [created, setCreated] = useState<{ name: string; key: string }>();
  const [round, setRound] = useState(0);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() });
  const create = useMutation(
    trpc.apiKeys.create.mutationOptions({
      onSuccess: ({ key, api_key }) => {
        setCreated({ name: api_key.name, key });
        setNotice(null);
        setRound((n) => n + 1);
      },
      onSettled: refresh,
    }),
  );
  const revoke = useMutation(trpc.apiKeys.revoke.mutationOptions({ onSettled: refresh }));
  const problems = fieldProblems(create.error);
  const now = keys.dataUpdatedAt || Date.now();

  const onCreate = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    create.mutate({
      name: String(form.get('name') ?? '').trim(),
      role: form.get('role') === 'admin' ? 'admin' : 'viewer',
    });
  };

  return (
    <div className="registry">
      <section className="panel" aria-labelledby="create-key-title">
        <div className="panel-head">
          <h2 id="create-key-title">Create an API key</h2>
        </div>
        <form
          key={round}
          className="form-grid"
          onSubmit={onCreate}
          aria-labelledby="create-key-title"
        >
          <FormField
            id={`${id}-name`}
            name="name"
            label="Name"
            required
            maxLength={200}
            autoComplete="off"
            hint="What uses it: “nightly export”"
            problem={problems.name}
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
              Create key
            </button>
          </div>
        </form>
        {create.error && Object.keys(problems).length === 0 && (
          <p className="error-text" role="alert">
            {refusalText(create.error)}
          </p>
        )}
      </section>
      {created && (
        <SecretOnce
          title={`API key “${created.name}”`}
          what="key"
          secret={created.key}
          example={apiKeyExample(created.key, window.location.hostname, services.query.port)}
          testId="created-api-key"
          onDismiss={() => setCreated(undefined)}
        />
      )}
      <section className="panel" aria-labelledby="keys-title">
        <div className="panel-head">
          <h2 id="keys-title">API keys</h2>
          <span className="muted">Only a key’s prefix is kept visible.</span>
        </div>
        <NoticeLine notice={notice} />
        {keys.data ? (
          keys.data.length === 0 ? (
            <p className="muted">No API key has been created yet.</p>
          ) : (
            <div className="table-scroll">
              <table
                className="stations-table registry-table"
                aria-labelledby="keys-title"
                data-testid="api-keys"
              >
                <thead>
                  <tr>
                    {COLUMNS.map((column) => (
                      <th key={column} scope="col">
                        {column || <span className="visually-hidden">Actions</span>}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {keys.data.map((k) => (
                    <tr
                      key={k.id}
                      data-testid="api-key-row"
                      className={k.revoked_at ? 'row-revoked' : undefined}
                    >
                      <th scope="row">{k.name}</th>
                      <td>
                        <code>{k.prefix}…</code>
                      </td>
                      <td>
                        <span className={`badge badge-role badge-role-${k.role}`}>{k.role}</span>
                      </td>
                      <td>{k.created_by ?? <span className="muted">a script or the CLI</span>}</td>
                      <td>
                        <Moment iso={k.created_at} never="–" />
                      </td>
                      <td>
                        <Moment iso={k.last_used_at} never="never" now={now} />
                      </td>
                      <td className={k.revoked_at ? 'registry-revoked' : undefined}>
                        <Moment iso={k.revoked_at} never="no" />
                      </td>
                      <td className="row-actions">
                        {k.revoked_at === null && (
                          <ConfirmButton
                            label="Revoke"
                            confirmLabel="Yes, revoke"
                            subject={`${k.name} (${k.prefix}…)`}
                            pending={revoke.isPending}
                            onConfirm={() =>
                              revoke.mutate(
                                { id: k.id },
                                {
                                  onSuccess: () =>
                                    setNotice({
                                      kind: 'done',
                                      text: `Revoked ${k.name}; the next request with it is refused.`,
                                    }),
                                  onError: (error) =>
                                    setNotice({
                                      kind: 'refused',
                                      text: `Could not revoke ${k.name}: ${refusalText(error)}`,
                                    }),
                                },
                              )
                            }
                          />
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        ) : keys.error ? (
          <p className="error-text" role="alert">
            Could not load the API keys: {keys.error.message}
          </p>
        ) : (
          <div className="skeleton table-skeleton" aria-busy="true" />
        )}
      </section>
    </div>
  );
}
