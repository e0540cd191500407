// Times and durations as people read them. Zones are applied here and nowhere deeper.

// Alerts of many deadlines that passed together show the same few instants again and again.
// A result is kept per minute of `now`, because "today" depends on `now`. A day starts on a
// whole minute in every zone.
const MAX_CACHED_TIMES = 500;
const formattedTimes = new Map<string, string>();

/** Formats an instant in a zone: `Fri 4 Dec, 14:00 CET`. Omits the date when it is `now`'s. */
export function formatTime(ms: number, timezone: string, now?: number): string {
  const key = `${timezone} ${ms} ${now === undefined ? '' : Math.floor(now / 60_000)}`;
  let text = formattedTimes.get(key);
  if (text === undefined) {
    text = formatTimeUncached(ms, timezone, now);
    if (formattedTimes.size >= MAX_CACHED_TIMES) formattedTimes.clear();
    formattedTimes.set(key, text);
  }
  return text;
}

function formatTimeUncached(ms: number, timezone: string, now: number | undefined): string {
  const date = new Date(ms);
  const withSeconds = ms % 60_000 !== 0;
  const time = formatter(timezone, withSeconds ? 'time-seconds' : 'time').format(date);
  const sameYearAsNow = now === undefined || sameYear(ms, now, timezone);
  const day = formatter(timezone, sameYearAsNow ? 'day' : 'day-year').format(date);
  if (now !== undefined && sameYearAsNow && day === formatter(timezone, 'day').format(now)) {
    return `today, ${time}`;
  }
  return `${day}, ${time}`;
}

function sameYear(a: number, b: number, timezone: string): boolean {
  const year = formatter(timezone, 'year');
  return year.format(a) === year.format(b);
}

const FORMATS = {
  time: { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' },
  'time-seconds': {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  },
  day: { weekday: 'short', day: 'numeric', month: 'short' },
  'day-year': { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' },
  year: { year: 'numeric' },
} as const satisfies Record<string, Intl.DateTimeFormatOptions>;

// Creating an Intl.DateTimeFormat takes tens of microseconds, far longer than formatting with
// one, and an alert formats several times; so each zone and format is created once.
const MAX_CACHED_FORMATTERS = 1000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string, format: keyof typeof FORMATS): Intl.DateTimeFormat {
  const key = `${format} ${timezone}`;
  let cached = formatters.get(key);
  if (cached === undefined) {
    cached = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, ...FORMATS[format] });
    if (formatters.size >= MAX_CACHED_FORMATTERS) formatters.clear();
    formatters.set(key, cached);
  }
  return cached;
}

/** A user mention that both Slack and Discord render: `<@U123>`. */
export function mention(userId: string): string {
  return userId.startsWith('cli:') ? userId.slice(4) : `<@${userId}>`;
}
