/** The outcome of the last action on an admin page: a confirmation, or a refusal to act on. */
export type Notice = { kind: 'done' | 'refused'; text: string } | null;

export function NoticeLine({ notice }: { notice: Notice }) {
  // Both live regions stay mounted, so a screen reader hears each new message.
  return (
    <>
      <p className="notice notice-done" role="status" data-testid="notice-done">
        {notice?.kind === 'done' ? notice.text : null}
      </p>
      <p className="notice notice-refused" role="alert" data-testid="notice-refused">
        {notice?.kind === 'refused' ? notice.text : null}
      </p>
    </>
  );
}
