import { describe, expect, it } from 'vitest';
import {
  apiKeyExample,
  fieldProblems,
  refusalText,
  retryAfterSeconds,
  safeNextPath,
  signInFailure,
  tokenExample,
} from './access';

describe('safeNextPath', () => {
  it('keeps a path on this site with its query and fragment', () => {
    expect(safeNextPath('/users')).toBe('/users');
    expect(safeNextPath('/stations/ST-1?range=1h#charts')).toBe('/stations/ST-1?range=1h#charts');
  });

  it('sends anything else to the overview', () => {
    for (const next of [
      null,
      undefined,
      '',
      'users',
      'https://evil.example/',
      '//evil.example/path',
      '/\\evil.example',
      '/\t/evil.example',
      '/\n/evil.example',
      'javascript:alert(1)',
    ]) {
      expect(safeNextPath(next), String(next)).toBe('/');
    }
  });

  it('normalises dot segments without leaving the site', () => {
    expect(safeNextPath('/a/../users')).toBe('/users');
    expect(safeNextPath('/..//evil.example')).toBe('/');
  });
});

describe('signInFailure', () => {
  it('gives one answer for a wrong email and a wrong password', () => {
    expect(signInFailure(401, null)).toBe('Wrong email or password.');
  });

  it('says how long to wait after too many attempts', () => {
    expect(signInFailure(429, 42)).toBe('Too many sign-in attempts: wait 42 s and try again.');
    expect(signInFailure(429, null)).toBe(
      'Too many sign-in attempts: wait a minute and try again.',
    );
    // The per-account limit waits a quarter of an hour: said in minutes.
    expect(signInFailure(429, 900)).toBe('Too many sign-in attempts: wait 15 min and try again.');
  });

  it('names the status of any other failure', () => {
    expect(signInFailure(500, null)).toBe('Sign-in failed (500); try again in a moment.');
  });
});

describe('retryAfterSeconds', () => {
  it('reads whole seconds and refuses what is not a number', () => {
    expect(retryAfterSeconds('17')).toBe(17);
    expect(retryAfterSeconds('2.2')).toBe(3);
    expect(retryAfterSeconds(null)).toBeNull();
    expect(retryAfterSeconds('soon')).toBeNull();
    expect(retryAfterSeconds('-1')).toBeNull();
  });
});

describe('fieldProblems', () => {
  it('puts each failing field’s first message under its own name', () => {
    const error = {
      message: 'Invalid input',
      data: {
        error: 'validation_failed',
        issues: [
          { path: ['fields', 'latitude'], message: 'must be between -90 and 90' },
          { path: ['fields', 'latitude'], message: 'second message' },
          { path: ['password'], message: 'must be at least 12 characters' },
          { path: [], message: 'whole input' },
        ],
      },
    };
    expect(fieldProblems(error)).toEqual({
      latitude: 'must be between -90 and 90',
      password: 'must be at least 12 characters',
    });
  });

  it('is empty for a refusal that is not about a field', () => {
    expect(fieldProblems({ message: 'only admin', data: { error: 'last_admin' } })).toEqual({});
    expect(fieldProblems(null)).toEqual({});
  });
});

describe('refusalText', () => {
  it('shows the server’s sentence, else its reason', () => {
    expect(refusalText({ message: 'This is the only admin', data: { error: 'last_admin' } })).toBe(
      'This is the only admin',
    );
    expect(refusalText({ message: '', data: { error: 'last_admin' } })).toBe(
      'Refused (last_admin)',
    );
  });
});

describe('examples', () => {
  it('calls the query service with the API key', () => {
    expect(apiKeyExample('wxk_abc', 'weather.lan', 8003)).toBe(
      'curl -H "Authorization: Bearer wxk_abc" http://weather.lan:8003/stations',
    );
  });

  it('posts one reading of the station with its token', () => {
    const example = tokenExample('wxs_abc', 'ST-1', {
      host: '127.0.0.1',
      port: 8001,
      timestamp: '2026-06-01T10:00:00Z',
    });
    expect(example).toContain('http://127.0.0.1:8001/weather-data');
    expect(example).toContain('Authorization: Bearer wxs_abc');
    expect(example).toContain('"station_id":"ST-1","timestamp":"2026-06-01T10:00:00Z"');
  });
});
