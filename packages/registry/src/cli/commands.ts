/** What each verb does to the registry, and what it answers in JSON and in text. */

import { issueToken, type TokenKind } from '@weather/core/tokens';
import {
  addCredential,
  type CredentialInfo,
  createGateway,
  type Database,
  getStation,
  listAllCredentials,
  listCredentials,
  listGateways,
  listRegisteredStations,
  type RegisteredStation,
  registerStation,
  revokeCredential,
  type StationFields,
  updateStation,
} from '@weather/db';
import type { Command } from './args';
import {
  credentialTable,
  describeCredential,
  type GatewaySummary,
  gatewayTable,
  stationDetails,
  stationTable,
  when,
} from './format';

export interface Outcome {
  /** The `--json` answer; an issued token is appended after these fields. */
  json: Record<string, unknown>;
  text: string[];
  /** Shown once: the last field of the JSON, the last line of the text. */
  token?: string;
  /** Whether collectors must be told (the registry changed). */
  changed: boolean;
}

/** Every command but `help`, which needs no database. */
export type RegistryCommand = Exclude<Command, { verb: 'help' }>;

type Handlers = {
  [V in RegistryCommand['verb']]: (
    db: Database,
    command: Extract<Command, { verb: V }>,
  ) => Promise<Outcome>;
};

const handlers: Handlers = {
  add: (db, { id, fields, token }) =>
    db.transaction(async (tx) => {
      const station = await registerStation(tx, id, fields);
      const text = [`registered station ${id}`, ...stationDetails(station)];
      if (!token) return { json: { station }, text, changed: true };
      return withToken(await issue(tx, 'station', id), { station }, text);
    }),
  list: async (db) => {
    const stations = await listRegisteredStations(db);
    return { json: { stations }, text: stationTable(stations), changed: false };
  },
  show: async (db, { id }) => {
    const station = await getStation(db, id);
    const credentials = await listCredentials(db, { stationId: id });
    const text = [...stationDetails(station), '', 'credentials', ...credentialTable(credentials)];
    return { json: { station, credentials }, text, changed: false };
  },
  update: async (db, { id, fields }) => changeStation(db, id, fields, 'updated'),
  disable: async (db, { id }) => changeStation(db, id, { enabled: false }, 'disabled'),
  enable: async (db, { id }) => changeStation(db, id, { enabled: true }, 'enabled'),
  token: async (db, { id }) => withToken(await issue(db, 'station', id)),
  'gateway create': (db, { id, name, autoRegister }) =>
    db.transaction(async (tx) => {
      const gateway = await createGateway(tx, id, { name, autoRegister });
      const text = [
        `created gateway ${id}${autoRegister ? ' (registers unknown stations it sends)' : ''}`,
      ];
      return withToken(await issue(tx, 'gateway', id), { gateway }, text);
    }),
  'gateway token': async (db, { id }) => withToken(await issue(db, 'gateway', id)),
  'gateway list': async (db) => {
    const gateways = await gatewaySummaries(db);
    return { json: { gateways }, text: gatewayTable(gateways), changed: false };
  },
  revoke: async (db, { prefix }) => {
    const credential = await revokeCredential(db, prefix);
    const text = [`revoked ${describeCredential(credential)} (at ${when(credential.revokedAt)})`];
    return { json: { credential }, text, changed: true };
  },
};

export function runCommand(db: Database, command: RegistryCommand): Promise<Outcome> {
  const handler = handlers[command.verb] as (db: Database, c: RegistryCommand) => Promise<Outcome>;
  return handler(db, command);
}

async function changeStation(
  db: Database,
  id: string,
  fields: StationFields,
  verb: string,
): Promise<Outcome> {
  const station: RegisteredStation = await updateStation(db, id, fields);
  return {
    json: { station },
    text: [`${verb} station ${id}`, ...stationDetails(station)],
    changed: true,
  };
}

interface Issued {
  credential: CredentialInfo;
  token: string;
}

/** A new token for a station or gateway; only its hash and prefix are stored. */
async function issue(db: Database, kind: TokenKind, ownerId: string): Promise<Issued> {
  const { token, prefix, hash } = issueToken(kind);
  const credential = await addCredential(db, { kind, ownerId, prefix, hash });
  return { credential, token };
}

function withToken(
  { credential, token }: Issued,
  json: Record<string, unknown> = {},
  text: string[] = [],
): Outcome {
  return {
    json: { ...json, credential },
    text: [...text, `new ${describeCredential(credential)}`],
    token,
    changed: true,
  };
}

async function gatewaySummaries(db: Database): Promise<GatewaySummary[]> {
  const [gateways, stations, credentials] = await Promise.all([
    listGateways(db),
    listRegisteredStations(db),
    listAllCredentials(db),
  ]);
  return gateways.map((gateway) => ({
    ...gateway,
    stations: stations.filter((s) => s.gatewayId === gateway.id).length,
    activeTokens: credentials.filter((c) => c.gatewayId === gateway.id && !c.revokedAt).length,
  }));
}
