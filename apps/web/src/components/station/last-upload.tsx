'use client';

import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@weather/api';
import { flagText, formatDateTime, formatValue, labelOf } from '@/lib/chart-data';
import { PROTOCOL_LABELS, qcSummary } from '@/lib/raw-upload';
import { errorMessage, type QueryError } from './query-errors';

export type LastUploadResult = inferRouterOutputs<AppRouter>['weather']['lastUpload'];
type Upload = NonNullable<LastUploadResult['upload']>;

/**
 * The station's newest raw upload, field by field: what the firmware sent and what became of
 * each field — the view people otherwise get by pointing their station at netcat. Shown only
 * for stations that upload over a station protocol (SPEC §13); nothing while it loads.
 */
export function LastUpload({
  result,
  error,
}: {
  result: LastUploadResult | undefined;
  error: QueryError | null;
}) {
  if (error) {
    return (
      <section className="panel station-upload" aria-labelledby="upload-title">
        <h2 id="upload-title">Last raw upload</h2>
        <p className="station-error-text" role="alert">
          Could not load the last raw upload: {errorMessage(error)}
        </p>
      </section>
    );
  }
  if (!result?.upload) return null;
  return <UploadPanel upload={result.upload} />;
}

function UploadPanel({ upload }: { upload: Upload }) {
  const qc = qcSummary(upload.qc);
  return (
    <section
      className="panel station-upload"
      aria-labelledby="upload-title"
      data-testid="last-upload"
    >
      <div className="panel-head">
        <h2 id="upload-title">Last raw upload</h2>
        <span className="muted station-upload-meta" data-testid="last-upload-meta">
          {PROTOCOL_LABELS[upload.protocol] ?? upload.protocol} · reading{' '}
          <time dateTime={upload.timestamp}>{formatDateTime(upload.timestamp)} UTC</time> · received{' '}
          <time dateTime={upload.received_at}>{formatDateTime(upload.received_at)} UTC</time>
        </span>
      </div>
      <div className="table-scroll">
        <table className="station-table upload-table" data-testid="last-upload-table">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Sent</th>
              <th scope="col">Stored as</th>
              <th scope="col">Note</th>
            </tr>
          </thead>
          <tbody>
            {upload.fields.map((f) => (
              <tr key={f.field} data-testid="upload-field" data-field={f.field}>
                <th scope="row">
                  <code>{f.field}</code>
                </th>
                <td>
                  <code>{f.sent}</code>
                </td>
                <td className={f.stored?.value != null ? undefined : 'muted'}>
                  {storedAs(f.stored)}
                </td>
                <td className="upload-note">{f.note}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {qc.length > 0 ? (
        <p className="upload-qc" data-testid="last-upload-qc">
          <span className="muted">QC flags of the stored reading:</span> {qc.join(' · ')}
        </p>
      ) : null}
    </section>
  );
}

/** "Temperature 19.9 °C"; "Pressure, missing" for a refused value; "not stored" for no measurement. */
function storedAs(stored: Upload['fields'][number]['stored']): string {
  if (!stored) return 'not stored';
  const label = labelOf(stored.measurement);
  if (typeof stored.value === 'boolean') return flagText(stored.measurement, stored.value);
  return stored.value === null
    ? `${label}, missing`
    : `${label} ${formatValue(stored.measurement, stored.value)}`;
}
