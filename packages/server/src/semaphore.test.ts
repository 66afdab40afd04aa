import { describe, expect, it } from 'vitest';
import { Semaphore } from './semaphore';

describe('Semaphore', () => {
  it('admits at most max holders and the waiting ones in arrival order', async () => {
    const semaphore = new Semaphore(2);
    const order: number[] = [];
    const releases = await Promise.all([semaphore.acquire(), semaphore.acquire()]);
    const waiting = [3, 4].map(async (n) => {
      const release = await semaphore.acquire();
      order.push(n);
      return release;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual([]);
    releases[0]?.();
    releases[0]?.(); // a second call frees nothing more
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual([3]);
    releases[1]?.();
    const [third, fourth] = await Promise.all(waiting);
    expect(order).toEqual([3, 4]);
    third?.();
    fourth?.();
    const again = await Promise.race([
      Promise.all([semaphore.acquire(), semaphore.acquire()]).then(() => 'admitted'),
      new Promise((resolve) => setTimeout(() => resolve('blocked'), 50)),
    ]);
    expect(again).toBe('admitted');
  });
});
