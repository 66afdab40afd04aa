import { describe, expect, it } from 'vitest';
import { KeyLedger } from './ledger';

describe('KeyLedger', () => {
  it('tells a first acknowledgement from a repeat, per station', () => {
    const ledger = new KeyLedger();
    expect(ledger.accept('SIM-001', 1000)).toBe(true);
    expect(ledger.accept('SIM-001', 1000)).toBe(false);
    expect(ledger.accept('SIM-002', 1000)).toBe(true);
    expect(ledger.size).toBe(2);
  });

  it('forgets keys older than a station can still send, and whole stations', () => {
    const ledger = new KeyLedger();
    for (const t of [1000, 2000, 3000]) ledger.accept('SIM-001', t);
    ledger.accept('SIM-002', 1000);
    ledger.forgetBefore('SIM-001', 2500);
    expect(ledger.size).toBe(2);
    expect(ledger.accept('SIM-001', 3000)).toBe(false);
    ledger.forgetStation('SIM-002');
    expect(ledger.size).toBe(1);
  });
});
