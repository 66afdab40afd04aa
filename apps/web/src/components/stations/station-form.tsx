'use client';

import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { fieldProblems, refusalText } from '@/lib/access';
import type { RegistryStation } from '@/lib/registry';
import {
  readStationForm,
  type StationFormValues,
  stationFieldsOf,
  stationFormValues,
} from '@/lib/station-form';
import { useTRPC } from '@/trpc/react';
import { FormField } from '../admin/form-field';

type Mode = 'register' | 'edit';

/** Registers a station, or edits one (`station`): the fields the CLI's `add` and `update` take. */
export function StationForm({
  station,
  gateways,
  onDone,
  onCancel,
}: {
  station?: RegistryStation;
  /** Gateway ids a station may be registered under. */
  gateways: readonly string[];
  onDone: (station: RegistryStation) => void;
  onCancel?: () => void;
}) {
  const trpc = useTRPC();
  const id = useId();
  const mode: Mode = station ? 'edit' : 'register';
  const [problems, setProblems] = useState<Record<string, string>>({});
  const register = useMutation(
    trpc.stations.register.mutationOptions({ onSuccess: (saved) => onDone(saved) }),
  );
  const update = useMutation(
    trpc.stations.update.mutationOptions({ onSuccess: (saved) => onDone(saved) }),
  );
  const mutation = station ? update : register;
  const shown = { ...fieldProblems(mutation.error), ...problems };
  // Input checks name their field; anything else (a taken id, an unknown gateway) is said once.
  const refusal =
    mutation.error && Object.keys(fieldProblems(mutation.error)).length === 0
      ? refusalText(mutation.error)
      : null;
  const initial = stationFormValues(station);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const { fields, problems: found } = stationFieldsOf(readStationForm(form), mode);
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    if (station) update.mutate({ station_id: station.station_id, fields });
    else register.mutate({ station_id: String(form.get('station_id') ?? '').trim(), fields });
  };

  const field = (name: keyof StationFormValues | 'station_id') => ({
    id: `${id}-${name}`,
    name,
    problem: shown[name],
  });
  return (
    <form
      className="station-form"
      onSubmit={onSubmit}
      aria-label={station ? `Edit ${station.name ?? station.station_id}` : 'Register a station'}
    >
      <div className="form-grid">
        {!station && (
          <FormField
            {...field('station_id')}
            label="Station id"
            required
            maxLength={64}
            pattern="[A-Za-z0-9._:\-]{1,64}"
            autoComplete="off"
            spellCheck={false}
            hint="As the station sends it: A-Z a-z 0-9 . _ : -"
          />
        )}
        <FormField {...field('name')} label="Name" defaultValue={initial.name} maxLength={200} />
        <FormField
          {...field('description')}
          label="Description"
          defaultValue={initial.description}
          maxLength={2000}
          className="form-field-wide"
        />
        <FormField
          {...field('latitude')}
          label="Latitude (°)"
          type="number"
          step="any"
          min={-90}
          max={90}
          defaultValue={initial.latitude}
        />
        <FormField
          {...field('longitude')}
          label="Longitude (°)"
          type="number"
          step="any"
          min={-180}
          max={180}
          defaultValue={initial.longitude}
        />
        <FormField
          {...field('elevation')}
          label="Elevation (m)"
          type="number"
          step="any"
          min={-500}
          max={9000}
          defaultValue={initial.elevation}
        />
        <FormField
          {...field('timezone')}
          label="Time zone"
          defaultValue={initial.timezone}
          required
          spellCheck={false}
          hint="IANA name: UTC, Europe/Berlin"
        />
        <FormField
          {...field('tags')}
          label="Tags"
          defaultValue={initial.tags}
          spellCheck={false}
          hint="Separated by commas"
        />
        <FormField
          {...field('expectedIntervalS')}
          label="Expected interval (s)"
          type="number"
          step={1}
          min={1}
          max={86400}
          defaultValue={initial.expectedIntervalS}
          hint="Empty: learned from its readings"
        />
        {(gateways.length > 0 || initial.gatewayId) && (
          <div className="form-field">
            <label htmlFor={`${id}-gatewayId`}>Gateway</label>
            <select id={`${id}-gatewayId`} name="gatewayId" defaultValue={initial.gatewayId}>
              <option value="">none</option>
              {gateways.map((gateway) => (
                <option key={gateway} value={gateway}>
                  {gateway}
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      {refusal && (
        <p className="error-text" role="alert">
          {refusal}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={mutation.isPending}>
          {station ? 'Save changes' : 'Register station'}
        </button>
        {onCancel && (
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
