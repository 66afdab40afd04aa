import { spawn } from 'node:child_process';
import path from 'node:path';
import { redisKeys } from '@weather/contracts/redis-keys';
import { hashToken, issueToken, TOKEN_PATTERN } from '@weather/core/tokens';
import {
  addCredential,
  createGateway,
  getStation,
  listCredentials,
  registerStation,
  rowsOf,
} from '@weather/db';
import { createTestDatabase } from '@weather/db/testing';
import { baseDatabaseUrl, redisUrl } from '@weather/test-kit';
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `npm run stations` as an operator runs it: the real entry point as a child process, against a
// real PostgreSQL database of its own and the real Redis. Each test uses station and gateway
// ids of its own, so the tests of the first group run concurrently; fixtures are written
// directly (every CLI start costs about a second).
const packageDir = path.resolve(import.meta.dirname, '..');
const STACK_LINE = /^\s+at /m;

let database: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  database = await createTestDatabase(baseDatabaseUrl, 'registry_cli');
});

afterAll(async () => {
  await database?.drop();
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function stations(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      cwd: packageDir,
      env: { ...process.env, DATABASE_URL: database.url, REDIS_URL: redisUrl, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs a command that must succeed, with --json, and parses its answer. */
async function json(args: string[]): Promise<Record<string, unknown>> {
  const run = await stations([...args, '--json']);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
}

/** Runs a command that must succeed, in text form. */
async function text(args: string[]): Promise<string> {
  const run = await stations(args);
  expect(run.code, run.stderr).toBe(0);
  return run.stdout;
}

type Station = Record<string, unknown>;
type Credential = { prefix: string; kind: string; revokedAt: string | null } & Record<
  string,
  unknown
>;

const lastLine = (output: string) => output.trimEnd().split('\n').at(-1) ?? '';

/** A failing run: its exit code and its one-line message, never a stack trace. */
async function failure(args: string[], env: Record<string, string> = {}) {
  const run = await stations(args, env);
  expect(run.stdout).toBe('');
  expect(run.stderr).not.toMatch(STACK_LINE);
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  return { code: run.code, message: run.stderr.trim() };
}

describe.concurrent('stations CLI', () => {
  it('prints its usage with --help (exit 0); with no command, on stderr as a usage error', async () => {
    const [help, none] = await Promise.all([stations(['--help']), stations([])]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('gateway create <id>');
    expect(help.stdout).toMatch(/^ {2}64 {2}usage error/m);
    expect(help.stdout).toMatch(/^ {2}5 {3}the database cannot be reached/m);
    expect(none.code).toBe(64);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('Usage: npm run stations');
  });

  it('adds a station with every field and prints a new token once, as the last line', async () => {
    const out = await text([
      'add',
      'ST-TEXT',
      ...['--name', 'Roof', '--description', 'on the roof', '--lat', '52.52', '--lon', '-13.4'],
      ...['--elevation', '34', '--timezone', 'Europe/Berlin', '--tags', 'roof,test,roof'],
      ...['--interval', '60', '--token'],
    ]);
    const lines = out.trimEnd().split('\n');
    const token = lines.at(-1) ?? '';
    expect(token).toMatch(TOKEN_PATTERN);
    expect(token.startsWith('wxs_')).toBe(true);
    expect(lines.at(-2)).toMatch(/will not be shown again/);
    expect(lines[0]).toBe('registered station ST-TEXT');
    expect(out).toMatch(/^place\s+52\.52, -13\.4, 34 m$/m);
    expect(out).toMatch(/^tags\s+roof,test$/m);
    expect(out.split(token)).toHaveLength(2);

    const [shown, shownJson] = await Promise.all([
      text(['show', 'ST-TEXT']),
      json(['show', 'ST-TEXT']),
    ]);
    const stored = rowsOf<{ prefix: string; hash: string }>(
      await database.db.execute(
        sql`select prefix, hash from ingest_credentials where station_id = 'ST-TEXT'`,
      ),
    );
    expect(stored).toEqual([{ prefix: token.slice(0, 12), hash: hashToken(token) }]);
    for (const output of [shown, JSON.stringify(shownJson)]) {
      expect(output).not.toContain(token);
      expect(output).not.toContain(hashToken(token));
      expect(output).toContain(token.slice(0, 12));
    }
    expect(shown).toMatch(/^interval\s+60 s$/m);
    expect(shown).toMatch(/^last seen\s+never$/m);
    const credentials = shownJson.credentials as Credential[];
    expect(credentials).toHaveLength(1);
    expect(Object.keys(credentials[0] as Credential)).not.toContain('hash');
    expect(credentials[0]).toMatchObject({ kind: 'station', revokedAt: null, lastUsedAt: null });
  });

  it('answers add --json with the station, the credential and the token as the last field', async () => {
    const answer = await json(['add', 'ST-JSON', '--lat', '-33.9', '--lon=18.4', '--token']);
    expect(Object.keys(answer)).toEqual(['station', 'credential', 'token']);
    const token = answer.token as string;
    expect(token).toMatch(TOKEN_PATTERN);
    expect(answer.station).toMatchObject({
      id: 'ST-JSON',
      latitude: -33.9,
      longitude: 18.4,
      timezone: 'UTC',
      tags: [],
      enabled: true,
      gatewayId: null,
      lastSeen: null,
    });
    expect(answer.credential).toMatchObject({
      kind: 'station',
      stationId: 'ST-JSON',
      prefix: token.slice(0, 12),
    });
  });

  it('adds without --token issuing none, and lists every station in text and JSON', async () => {
    const answer = await json(['add', 'ST-LIST', '--name', 'Field', '--tags', 'a,b']);
    expect(Object.keys(answer)).toEqual(['station']);
    const [listed, listedJson] = await Promise.all([text(['list']), json(['list'])]);
    expect(listed.split('\n')[0]).toMatch(
      /^ID\s+NAME\s+PLACE\s+TIMEZONE\s+TAGS\s+ENABLED\s+GATEWAY\s+LAST SEEN$/,
    );
    expect(listed).toMatch(/^ST-LIST\s+Field\s+—\s+UTC\s+a,b\s+yes\s+—\s+never$/m);
    const all = listedJson.stations as Station[];
    expect(all.find((s) => s.id === 'ST-LIST')).toMatchObject({ name: 'Field', tags: ['a', 'b'] });
    expect(all.map((s) => s.id)).toEqual([...all.map((s) => s.id)].sort());
  });

  it('updates only the fields given; empty values and --no-gateway clear them', async () => {
    await createGateway(database.db, 'GW-UPD');
    await registerStation(database.db, 'ST-UPD', {
      ...{ gatewayId: 'GW-UPD', name: 'A', latitude: 1, longitude: 2, tags: ['x', 'y'] },
      ...{ expectedIntervalS: 60, timezone: 'Asia/Tokyo' },
    });
    const renamed = (await json(['update', 'ST-UPD', '--name', 'B'])).station;
    expect(renamed).toMatchObject({
      name: 'B',
      latitude: 1,
      longitude: 2,
      tags: ['x', 'y'],
      expectedIntervalS: 60,
      timezone: 'Asia/Tokyo',
      gatewayId: 'GW-UPD',
    });
    const cleared = await text([
      'update',
      'ST-UPD',
      ...['--lat', '', '--lon', '', '--tags', '', '--interval', '', '--timezone', ''],
      '--no-gateway',
    ]);
    expect(cleared.split('\n')[0]).toBe('updated station ST-UPD');
    expect(cleared).toMatch(/^place\s+—$/m);
    expect(await getStation(database.db, 'ST-UPD')).toMatchObject({
      name: 'B',
      latitude: null,
      longitude: null,
      tags: [],
      expectedIntervalS: null,
      timezone: 'UTC',
      gatewayId: null,
    });
  });

  it('disables and enables a station', async () => {
    await registerStation(database.db, 'ST-DIS');
    expect((await json(['disable', 'ST-DIS'])).station).toMatchObject({ enabled: false });
    expect((await getStation(database.db, 'ST-DIS')).enabled).toBe(false);
    const enabled = await text(['enable', 'ST-DIS']);
    expect(enabled.split('\n')[0]).toBe('enabled station ST-DIS');
    expect(enabled).toMatch(/^enabled\s+yes$/m);
    expect((await getStation(database.db, 'ST-DIS')).enabled).toBe(true);
  });

  it('rotates station tokens: a new one leaves the old valid until revoked by prefix', async () => {
    await registerStation(database.db, 'ST-ROT');
    const first = issueToken('station');
    const { prefix, hash } = first;
    await addCredential(database.db, { kind: 'station', ownerId: 'ST-ROT', prefix, hash });
    const [second, third] = await Promise.all([
      json(['token', 'ST-ROT']),
      text(['token', 'ST-ROT']),
    ]);
    expect(Object.keys(second)).toEqual(['credential', 'token']);
    expect(second.token).toMatch(TOKEN_PATTERN);
    expect(lastLine(third)).toMatch(TOKEN_PATTERN);
    expect(third).toMatch(/will not be shown again/);
    const issued = [second.token as string, lastLine(third)];
    expect(new Set([first.token, ...issued]).size).toBe(3);

    const revoked = await text(['revoke', first.prefix]);
    expect(revoked).toContain(`revoked station token ${first.prefix}… for station ST-ROT`);
    const shown = await text(['show', 'ST-ROT']);
    expect(shown).toMatch(
      new RegExp(`^${first.prefix}\\s+station\\s+\\S+\\s+never\\s+revoked \\d{4}-`, 'm'),
    );
    const credentials = await listCredentials(database.db, { stationId: 'ST-ROT' });
    const live = credentials.filter((c) => c.revokedAt === null).map((c) => c.prefix);
    expect(live.sort()).toEqual(issued.map((t) => t.slice(0, 12)).sort());
    expect(credentials.find((c) => c.prefix === first.prefix)?.revokedAt).toBeInstanceOf(Date);
  });

  it('creates a gateway with its first token, issues another and lists gateways', async () => {
    const created = await json(['gateway', 'create', 'GW-A', '--name', 'Hub', '--auto-register']);
    expect(Object.keys(created)).toEqual(['gateway', 'credential', 'token']);
    expect(created.token).toMatch(/^wxg_[A-Za-z0-9_-]{32}$/);
    expect(created.gateway).toMatchObject({ id: 'GW-A', name: 'Hub', autoRegister: true });
    expect(created.credential).toMatchObject({ kind: 'gateway', gatewayId: 'GW-A' });
    await registerStation(database.db, 'ST-GW', { gatewayId: 'GW-A' });

    const another = await text(['gateway', 'token', 'GW-A']);
    expect(lastLine(another)).toMatch(/^wxg_[A-Za-z0-9_-]{32}$/);
    expect(another).toMatch(/will not be shown again/);
    const [listed, listedJson] = await Promise.all([
      text(['gateway', 'list']),
      json(['gateway', 'list']),
    ]);
    expect(listed).toMatch(/^GW-A\s+Hub\s+yes\s+1\s+2\s+\d{4}-/m);
    expect(listed).not.toContain(created.token as string);
    const gateway = (listedJson.gateways as Station[]).find((g) => g.id === 'GW-A');
    expect(gateway).toMatchObject({ autoRegister: true, stations: 1, activeTokens: 2 });
  });

  it('refuses invalid input naming the field (exit 2)', async () => {
    const [lat, zone, id, interval, tag] = await Promise.all([
      failure(['add', 'ST-BAD', '--lat', '91']),
      failure(['add', 'ST-BAD', '--timezone', 'Mars/Olympus']),
      failure(['add', 'bad id!']),
      failure(['add', 'ST-BAD', '--interval', 'soon']),
      failure(['update', 'ST-BAD', '--tags', 'ok,not ok']),
    ]);
    expect(lat).toEqual({ code: 2, message: 'error: invalid --lat: must be between -90 and 90' });
    expect(zone.code).toBe(2);
    expect(zone.message).toMatch(/--timezone: must be an IANA time zone/);
    expect(id.code).toBe(2);
    expect(id.message).toMatch(/invalid station id "bad id!": must be 1–64 characters/);
    expect(interval).toEqual({
      code: 2,
      message: 'error: invalid --interval: "soon" is not a number',
    });
    expect(tag.code).toBe(2);
    expect(tag.message).toMatch(/--tags/);
  });

  it('answers 3 for an unknown station, gateway or prefix and 4 for a taken id', async () => {
    await registerStation(database.db, 'ST-DUP');
    const results = await Promise.all([
      failure(['show', 'NOPE']),
      failure(['token', 'NOPE', '--json']),
      failure(['gateway', 'token', 'NOPE']),
      failure(['add', 'ST-NEW', '--gateway', 'NOPE']),
      failure(['revoke', 'wxs_NOPENOPE']),
      failure(['add', 'ST-DUP']),
    ]);
    expect(results.map((r) => r.code)).toEqual([3, 3, 3, 3, 3, 4]);
    expect(results.map((r) => r.message)).toEqual([
      'error: no station "NOPE"',
      'error: no station "NOPE"',
      'error: no gateway "NOPE"',
      'error: no gateway "NOPE"',
      'error: no credential with prefix "wxs_NOPENOPE"',
      'error: station "ST-DUP" is already registered',
    ]);
    await expect(getStation(database.db, 'ST-NEW')).rejects.toThrow('no station "ST-NEW"');
  });

  it('answers usage errors with 64', async () => {
    const results = await Promise.all([
      failure(['frobnicate']),
      failure(['add']),
      failure(['list', '--lat', '1']),
      failure(['add', 'ST-X', '--bogus']),
      failure(['show', 'A', 'B']),
      failure(['update', 'ST-X']),
    ]);
    expect(results.map((r) => r.code)).toEqual([64, 64, 64, 64, 64, 64]);
    expect(results[0]?.message).toBe('error: unknown command "frobnicate" (see --help)');
    expect(results[1]?.message).toBe('error: add needs a station id: add <station id>');
    expect(results[2]?.message).toBe('error: list does not take --lat');
    expect(results[3]?.message).toMatch(/--bogus/);
  });

  it('says so, without a stack trace, when the database cannot be reached (exit 5)', async () => {
    const result = await failure(['list'], {
      DATABASE_URL: 'postgres://someone:secret@127.0.0.1:1/weather',
    });
    expect(result.code).toBe(5);
    expect(result.message).toMatch(
      /^error: cannot reach the database at 127\.0\.0\.1:1\/weather: /,
    );
    expect(result.message).not.toContain('secret');
  });
});

describe('telling collectors', () => {
  let subscriber: Redis;

  beforeAll(async () => {
    subscriber = new Redis(redisUrl);
    await subscriber.subscribe(redisKeys.registryChannel);
    await registerStation(database.db, 'ST-PUB');
  });

  afterAll(async () => {
    await subscriber?.quit();
  });

  it('publishes the change on the registry channel', async () => {
    const started = Date.now();
    // The channel is shared with other test runs: only a change published from now on counts.
    const heard = new Promise<number>((resolve) => {
      subscriber.on('message', (_channel, message: string) => {
        const at = Date.parse((JSON.parse(message) as { at: string }).at);
        if (at >= started) resolve(at);
      });
    });
    await json(['disable', 'ST-PUB']);
    expect(await heard).toBeLessThanOrEqual(Date.now());
  });

  it('still makes the change when Redis is unreachable, with a warning', async () => {
    const run = await stations(['enable', 'ST-PUB', '--json'], {
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).station).toMatchObject({ id: 'ST-PUB', enabled: true });
    expect(run.stderr).toMatch(/^warning: the change is saved, .*within 30 s\n$/);
    expect((await getStation(database.db, 'ST-PUB')).enabled).toBe(true);
  });
});
