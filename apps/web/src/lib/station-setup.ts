/**
 * What to type into a station's setup screen for each way it can upload (SPEC §4 and §13), with
 * a request to try: shown beside a new station token. The README's "Pointing a real station
 * here" says the same in prose.
 */
import { tokenExample } from './access';

export interface SetupGuide {
  protocol: 'json' | 'wunderground' | 'ecowitt' | 'ambient';
  label: string;
  /** Setting name → value, in the order the firmware's screen asks. */
  settings: [string, string][];
  example: string;
}

export function stationSetup(
  token: string,
  stationId: string,
  at: { host: string; port: number; timestamp: string },
): SetupGuide[] {
  const { host, port } = at;
  const base = `http://${host}:${port}`;
  const server: [string, string][] = [
    ['Server / host', host],
    ['Port', String(port)],
  ];
  return [
    {
      protocol: 'json',
      label: 'JSON API (scripts, loggers, our simulator)',
      settings: [
        ['URL', `${base}/weather-data`],
        ['Header', `Authorization: Bearer ${token}`],
      ],
      example: tokenExample(token, stationId, at),
    },
    {
      protocol: 'wunderground',
      label: 'Weather Underground (custom server)',
      settings: [
        ...server,
        ['Path', '/weatherstation/updateweatherstation.php'],
        ['Station ID', stationId],
        ['Station key / password', token],
      ],
      example: `curl "${base}/weatherstation/updateweatherstation.php?ID=${encodeURIComponent(stationId)}&PASSWORD=${token}&action=updateraw&dateutc=now&tempf=54.5&humidity=81"`,
    },
    {
      protocol: 'ecowitt',
      label: 'Ecowitt (Weather Services → Customized, protocol Ecowitt)',
      settings: [...server, ['Path', `/data/report/${token}`], ['Upload interval', '60 s']],
      example: `curl "${base}/data/report/${token}" --data 'stationtype=GW2000A_V3.1.0&dateutc=now&tempf=54.5&humidity=81&dailyrainin=0.01'`,
    },
    {
      protocol: 'ambient',
      label: 'Ambient Weather (Customized server)',
      settings: [...server, ['Path', `/ambient/${token}`]],
      example: `curl "${base}/ambient/${token}?&stationtype=AMBWeatherV4.3.4&dateutc=now&tempf=54.5&humidity=81"`,
    },
  ];
}
