// Times for people, in the machine's local time zone: the origin times of `get-messages -t / -tt / -ttt`,
// placed and spelled as the reference prints them, and clock times of `gossip trace`.

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** strftime's %b in the C locale. */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A `get-messages` bullet's text with its origin time, as the reference prints it:
 * -t `Hello [13:38:37]`, -tt `Hello [13:38:37 - 07/12/2026]` (after the text),
 * -ttt `Dec 07, 2026 - 13:38:37 (UTC+0000): Hello` (before it), and -tttt the same with microseconds.
 */
export function withOriginTime(text: string, originNs: bigint, detail: number): string {
  if (detail <= 0) return text;
  const date = new Date(Number(originNs / 1_000_000n));
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  if (detail === 1) return `${text} [${time}]`;
  if (detail === 2)
    return `${text} [${time} - ${pad(date.getDate())}/${pad(date.getMonth() + 1)}/${date.getFullYear()}]`;
  const micros = detail >= 4 ? `.${pad(Number((originNs / 1_000n) % 1_000_000n), 6)}` : '';
  const day = `${MONTHS[date.getMonth()]} ${pad(date.getDate())}, ${date.getFullYear()}`;
  return `${day} - ${time}${micros} (UTC${utcOffset(date)}): ${text}`;
}

/** strftime's %z: +hhmm or -hhmm. */
function utcOffset(date: Date): string {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes >= 0 ? '+' : '-';
  return `${sign}${pad(Math.floor(Math.abs(minutes) / 60))}${pad(Math.abs(minutes) % 60)}`;
}

/** Local wall-clock time with milliseconds: 15:09:21.021. */
export function formatClockTime(ms: number): string {
  const date = new Date(ms);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}
