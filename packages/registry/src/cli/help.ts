export const USAGE = `Manage stations, gateways and their ingest tokens (SPEC §12).

Usage: npm run stations -- <command> [options]
       npm run -s stations -- <command> --json   (-s: no npm banner before the JSON)

Commands:
  add <id> [fields] [--token]   register a station; --token also issues a station token
  list                          every registered station
  show <id>                     a station and its credentials (prefixes, never tokens)
  update <id> [fields]          change only the fields given
  disable <id>                  refuse the station's readings (403) until enabled
  enable <id>                   accept its readings again
  token <id>                    a new station token (older ones stay valid until revoked)
  gateway create <id> [--name N] [--auto-register]
                                a gateway and its first gateway token; with
                                --auto-register it registers unknown stations it sends
  gateway token <id>            another token for the gateway
  gateway list                  every gateway
  revoke <prefix>               revoke the credential with that visible prefix

Fields (add, update):
  --name N            --description D
  --lat X             latitude, -90 … 90 (negative values: --lat -33.9 or --lat=-33.9)
  --lon Y             longitude, -180 … 180
  --elevation M       metres
  --timezone Z        IANA zone such as Europe/Berlin (default UTC)
  --tags a,b          replaces the station's tags
  --interval SECONDS  expected seconds between readings (else learned)
  --gateway G         the gateway it belongs to;  --no-gateway: none
  An empty value clears a field: --name "" (none), --tags "" (no tags),
  --interval "" (learned), --timezone "" (UTC), --gateway "" (none).

Options:
  --json              print JSON on stdout; an issued token is the last field
  -h, --help          this text

A new token is printed once, as the last line (or the last JSON field); it cannot be
shown again. After each change collectors are told through Redis; when Redis is
unreachable the change is still saved and they pick it up within 30 s.

Environment: DATABASE_URL, REDIS_URL (and the TIMESCALE_* settings applied when
migrating); the database is migrated first if needed.

Exit codes:
  0   done
  1   unexpected failure
  2   invalid input (station id, coordinates, time zone, tags, interval, environment)
  3   no such station, gateway or credential prefix
  4   the id is already registered
  5   the database cannot be reached
  64  usage error (no or unknown command, unknown option, missing argument)
`;
