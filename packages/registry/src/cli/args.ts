/**
 * The command line of `npm run stations`, turned into one validated `Command` before anything
 * connects: usage mistakes are EX_USAGE (64), values the registry's rules refuse are 2.
 */
import { parseArgs } from 'node:util';
import type { StationFields } from '@weather/db';
import type { z } from 'zod';
import { gatewayFields, stationFields, stationIdSchema } from '../schemas';
import { inputError, usageError } from './errors';

export type Command =
  /** `asked`: --help; else no command was given, which is a usage error. */
  | { verb: 'help'; asked: boolean }
  | { verb: 'add'; id: string; fields: StationFields; token: boolean }
  | { verb: 'list' }
  | { verb: 'show'; id: string }
  | { verb: 'update'; id: string; fields: StationFields }
  | { verb: 'disable' | 'enable'; id: string }
  | { verb: 'token'; id: string }
  | { verb: 'gateway create'; id: string; name: string | null | undefined; autoRegister: boolean }
  | { verb: 'gateway token'; id: string }
  | { verb: 'gateway list' }
  | { verb: 'revoke'; prefix: string };

export interface Invocation {
  command: Command;
  json: boolean;
}

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  name: { type: 'string' },
  description: { type: 'string' },
  lat: { type: 'string' },
  lon: { type: 'string' },
  elevation: { type: 'string' },
  timezone: { type: 'string' },
  tags: { type: 'string' },
  interval: { type: 'string' },
  gateway: { type: 'string' },
  'no-gateway': { type: 'boolean' },
  token: { type: 'boolean' },
  'auto-register': { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parse>['values'];
type Flag = keyof typeof OPTIONS;

const FIELD_FLAGS: Flag[] = [
  'name',
  'description',
  'lat',
  'lon',
  'elevation',
  'timezone',
  'tags',
  'interval',
  'gateway',
  'no-gateway',
];

/** What each verb takes: its one argument (if any) and the flags besides --json / --help. */
const VERBS: Record<string, { arg?: string; flags: Flag[] }> = {
  add: { arg: 'station id', flags: [...FIELD_FLAGS, 'token'] },
  list: { flags: [] },
  show: { arg: 'station id', flags: [] },
  update: { arg: 'station id', flags: FIELD_FLAGS },
  disable: { arg: 'station id', flags: [] },
  enable: { arg: 'station id', flags: [] },
  token: { arg: 'station id', flags: [] },
  'gateway create': { arg: 'gateway id', flags: ['name', 'auto-register'] },
  'gateway token': { arg: 'gateway id', flags: [] },
  'gateway list': { flags: [] },
  revoke: { arg: 'prefix', flags: [] },
};

const VALUE_FLAGS = new Set(
  Object.entries(OPTIONS)
    .filter(([, option]) => option.type === 'string')
    .map(([name]) => `--${name}`),
);

/**
 * `--lat -33.9` as `--lat=-33.9`: parseArgs would take the negative number for an option of its
 * own and refuse it, and coordinates west or south are negative.
 */
function joinNegativeValues(argv: string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const next = argv[i + 1];
    if (VALUE_FLAGS.has(arg) && next !== undefined && /^-\d|^-\.\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: joinNegativeValues(argv),
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw usageError(firstLine(error instanceof Error ? error.message : String(error)));
  }
}

const firstLine = (text: string) => text.split('\n', 1)[0] ?? text;

/** The command `argv` asks for (without the leading `node cli.ts`). */
export function parseInvocation(argv: string[]): Invocation {
  const { values, positionals } = parse(argv);
  const json = values.json === true;
  if (values.help || positionals.length === 0) {
    return { command: { verb: 'help', asked: values.help === true }, json };
  }
  const [first, ...rest] = positionals as [string, ...string[]];
  const verb = first === 'gateway' ? `gateway ${rest.shift() ?? ''}`.trim() : first;
  if (verb === 'gateway') throw usageError('gateway needs create, token or list (see --help)');
  const spec = VERBS[verb];
  if (!spec) throw usageError(`unknown command "${verb}" (see --help)`);
  checkFlags(verb, spec.flags, values);
  const arg = takeArgument(verb, spec.arg, rest);
  return { command: commandOf(verb, arg, values), json };
}

function checkFlags(verb: string, allowed: Flag[], values: Values) {
  for (const flag of Object.keys(values) as Flag[]) {
    if (flag !== 'json' && flag !== 'help' && !allowed.includes(flag)) {
      throw usageError(`${verb} does not take --${flag}`);
    }
  }
}

function takeArgument(verb: string, name: string | undefined, rest: string[]): string {
  if (name && rest.length === 0) throw usageError(`${verb} needs a ${name}: ${verb} <${name}>`);
  const extra = name ? rest.slice(1) : rest;
  if (extra.length > 0) throw usageError(`${verb}: unexpected argument "${extra[0]}"`);
  return rest[0] ?? '';
}

function commandOf(verb: string, arg: string, values: Values): Command {
  switch (verb) {
    case 'add':
      return { verb, id: id('station id', arg), fields: fieldsOf(values), token: !!values.token };
    case 'update': {
      const fields = fieldsOf(values);
      if (Object.keys(fields).length === 0) throw usageError('update needs a field to change');
      return { verb, id: id('station id', arg), fields };
    }
    case 'show':
    case 'disable':
    case 'enable':
    case 'token':
      return { verb, id: id('station id', arg) };
    case 'gateway create':
      return { verb, id: id('gateway id', arg), ...gatewayOf(values) };
    case 'gateway token':
      return { verb, id: id('gateway id', arg) };
    case 'revoke':
      return { verb, prefix: arg };
    default:
      return { verb: verb as 'list' | 'gateway list' };
  }
}

function id(what: string, value: string): string {
  const result = stationIdSchema.safeParse(value);
  if (!result.success)
    throw inputError(`invalid ${what} "${value}": ${result.error.issues[0]?.message}`);
  return result.data;
}

/** The flag a station field is set by, to name it in an error. */
const FLAG_OF: Record<string, string> = {
  name: '--name',
  description: '--description',
  latitude: '--lat',
  longitude: '--lon',
  elevation: '--elevation',
  timezone: '--timezone',
  tags: '--tags',
  expectedIntervalS: '--interval',
  gatewayId: '--gateway',
};

function checked<S extends z.ZodType>(schema: S, raw: Record<string, unknown>): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = String(issue?.path[0] ?? '');
  throw inputError(`invalid ${FLAG_OF[field] ?? field}: ${issue?.message}`);
}

/** An empty value clears a field: null, no tags, UTC, no gateway. */
function fieldsOf(values: Values): StationFields {
  if (values.gateway !== undefined && values['no-gateway']) {
    throw usageError('give either --gateway or --no-gateway');
  }
  const raw: Record<string, unknown> = {};
  if (values.name !== undefined) raw.name = text(values.name);
  if (values.description !== undefined) raw.description = text(values.description);
  if (values.lat !== undefined) raw.latitude = number('--lat', values.lat);
  if (values.lon !== undefined) raw.longitude = number('--lon', values.lon);
  if (values.elevation !== undefined) raw.elevation = number('--elevation', values.elevation);
  if (values.timezone !== undefined) raw.timezone = values.timezone.trim() || 'UTC';
  if (values.tags !== undefined) raw.tags = list(values.tags);
  if (values.interval !== undefined) raw.expectedIntervalS = seconds(values.interval);
  if (values.gateway !== undefined) raw.gatewayId = text(values.gateway);
  if (values['no-gateway']) raw.gatewayId = null;
  return checked(stationFields, raw);
}

function gatewayOf(values: Values) {
  const raw = { name: values.name === undefined ? undefined : text(values.name) };
  const { name } = checked(gatewayFields, raw);
  return { name, autoRegister: !!values['auto-register'] };
}

const text = (value: string) => (value.trim() === '' ? null : value);

function number(flag: string, value: string): number | null {
  if (value.trim() === '') return null;
  const n = Number(value);
  if (!Number.isFinite(n)) throw inputError(`invalid ${flag}: "${value}" is not a number`);
  return n;
}

function seconds(value: string): number | null {
  const n = number('--interval', value);
  if (n !== null && !Number.isInteger(n)) {
    throw inputError(`invalid --interval: "${value}" is not a whole number of seconds`);
  }
  return n;
}

const list = (value: string) => [
  ...new Set(
    value
      .split(',')
      .map((tag) => tag.trim())
      .filter(Boolean),
  ),
];
