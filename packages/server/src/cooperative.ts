const waiting: (() => void)[] = [];
let scheduled = false;

function release() {
  scheduled = false;
  waiting.shift()?.();
  if (waiting.length > 0) schedule();
}

function schedule() {
  if (scheduled) return;
  scheduled = true;
  setImmediate(release);
}

/**
 * Resolves in an event-loop turn of its own, after pending I/O. CPU-heavy steps of a request
 * (parsing a large body, validating a slice of a batch) await it first, so that however many
 * arrive together, one step runs per turn and a health probe or a small request waits for at
 * most one step, not for all of them.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    schedule();
  });
}
