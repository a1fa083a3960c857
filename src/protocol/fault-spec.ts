// A link fault as the wire and the CLI spell it: `delay=100,jitter=20,loss=10,rate=50,down` (every part
// optional; `clear` for none), as `/FAULT` carries it and `gossip link` makes it. Parsed by hand like every
// other line a node takes.

export interface LinkFault {
  /** Every line waits this long (ms) ... */
  delayMs: number;
  /** ... give or take up to this much, uniformly (ms). */
  jitterMs: number;
  /** Whole lines dropped at random, in percent. */
  lossPercent: number;
  /** A bandwidth cap in kB/s (1000 bytes), or none. */
  rateKBps?: number | undefined;
  /** A blackhole: nothing passes, while the TCP connection stays open. */
  down: boolean;
}

export const NO_FAULT: LinkFault = { delayMs: 0, jitterMs: 0, lossPercent: 0, down: false };

/** Longest delay or jitter a fault may ask for. */
export const MAX_FAULT_DELAY_MS = 60_000;

export function isNoFault(fault: LinkFault): boolean {
  return (
    fault.delayMs === 0 &&
    fault.jitterMs === 0 &&
    fault.lossPercent === 0 &&
    fault.rateKBps === undefined &&
    !fault.down
  );
}

export type FaultSpecResult = { ok: true; fault: LinkFault; seed?: number } | { ok: false; problem: string };

/** `delay=<ms>,jitter=<ms>,loss=<percent>,rate=<kB/s>,down,seed=<n>` or `clear`. */
export function parseFaultSpec(text: string): FaultSpecResult {
  if (text === 'clear') return { ok: true, fault: NO_FAULT };
  const fault: LinkFault = { ...NO_FAULT };
  let seed: number | undefined;
  for (const part of text.split(',')) {
    const [key = '', value] = part.split('=');
    const number = value === undefined || !/^\d{1,9}(\.\d{1,6})?$/.test(value) ? undefined : Number(value);
    if (key === 'down' && value === undefined) fault.down = true;
    else if (number === undefined)
      return { ok: false, problem: `"${part.slice(0, 40)}" is not <name>=<number>` };
    else if (key === 'delay' && number <= MAX_FAULT_DELAY_MS) fault.delayMs = number;
    else if (key === 'jitter' && number <= MAX_FAULT_DELAY_MS) fault.jitterMs = number;
    else if (key === 'loss' && number <= 100) fault.lossPercent = number;
    else if (key === 'rate' && number > 0) fault.rateKBps = number;
    else if (key === 'seed' && Number.isInteger(number)) seed = number;
    else return { ok: false, problem: `"${part.slice(0, 40)}": ${FAULT_RULES[key] ?? 'unknown fault'}` };
  }
  return seed === undefined ? { ok: true, fault } : { ok: true, fault, seed };
}

const FAULT_RULES: Record<string, string> = {
  delay: `delay is 0 to ${MAX_FAULT_DELAY_MS} ms`,
  jitter: `jitter is 0 to ${MAX_FAULT_DELAY_MS} ms`,
  loss: 'loss is 0 to 100 percent',
  rate: 'rate is a positive number of kB/s',
  seed: 'seed is a whole number',
};

/** The wire spelling; `clear` for no fault. */
export function formatFaultSpec(fault: LinkFault, seed?: number): string {
  const parts = [
    ...(fault.delayMs > 0 ? [`delay=${fault.delayMs}`] : []),
    ...(fault.jitterMs > 0 ? [`jitter=${fault.jitterMs}`] : []),
    ...(fault.lossPercent > 0 ? [`loss=${fault.lossPercent}`] : []),
    ...(fault.rateKBps === undefined ? [] : [`rate=${fault.rateKBps}`]),
    ...(fault.down ? ['down'] : []),
    ...(seed === undefined ? [] : [`seed=${seed}`]),
  ];
  return parts.length === 0 ? 'clear' : parts.join(',');
}

/** For people: `delay 100±20 ms, loss 10%, 50 kB/s` or `down`. */
export function describeFault(fault: LinkFault): string {
  if (fault.down) return 'down';
  const parts = [
    ...(fault.delayMs > 0 || fault.jitterMs > 0
      ? [`delay ${fault.delayMs}${fault.jitterMs > 0 ? `±${fault.jitterMs}` : ''} ms`]
      : []),
    ...(fault.lossPercent > 0 ? [`loss ${fault.lossPercent}%`] : []),
    ...(fault.rateKBps === undefined ? [] : [`${fault.rateKBps} kB/s`]),
  ];
  return parts.length === 0 ? 'none' : parts.join(', ');
}
