// Times and durations as people read them. Zones are applied here and nowhere deeper.

/** Formats an instant in a zone: `Fri 4 Dec, 14:00 CET`. Omits the date when it is `now`'s. */
export function formatTime(ms: number, timezone: string, now?: number): string {
  const date = new Date(ms);
  const time = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    hour: '2-digit',
    minute: '2-digit',
    second: ms % 60_000 === 0 ? undefined : '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).format(date);
  const day = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: sameYear(ms, now ?? ms, timezone) ? undefined : 'numeric',
  }).format(date);
  if (now !== undefined && day === formatDay(now, timezone)) return `today, ${time}`;
  return `${day}, ${time}`;
}

function formatDay(ms: number, timezone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: sameYear(ms, ms, timezone) ? undefined : 'numeric',
  }).format(new Date(ms));
}

function sameYear(a: number, b: number, timezone: string): boolean {
  const year = (ms: number) =>
    new Intl.DateTimeFormat('en-GB', { timeZone: timezone, year: 'numeric' }).format(new Date(ms));
  return year(a) === year(b);
}

/** A user mention that both Slack and Discord render: `<@U123>`. */
export function mention(userId: string): string {
  return userId.startsWith('cli:') ? userId.slice(4) : `<@${userId}>`;
}
