// Times for people, in the machine's local time zone: origin-time prefixes of `get-messages -t / -tt / -ttt`,
// and clock times of `gossip trace`.

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

export function formatOriginTime(originNs: bigint, detail: number): string {
  const date = new Date(Number(originNs / 1_000_000n));
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  if (detail <= 1) return `[${time}]`;
  const day = `${pad(date.getDate())}/${pad(date.getMonth() + 1)}/${date.getFullYear()}`;
  if (detail === 2) return `[${time} - ${day}]`;
  const weekday = date.toLocaleDateString('en-GB', { weekday: 'long' });
  const month = date.toLocaleDateString('en-GB', { month: 'long' });
  const micros = pad(Number((originNs / 1_000n) % 1_000_000n), 6);
  return `[${weekday}, ${date.getDate()} ${month} ${date.getFullYear()}, ${time}.${micros} ${utcOffset(date)}]`;
}

function utcOffset(date: Date): string {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes >= 0 ? '+' : '-';
  return `UTC${sign}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
}

/** Local wall-clock time with milliseconds: 15:09:21.021. */
export function formatClockTime(ms: number): string {
  const date = new Date(ms);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}
