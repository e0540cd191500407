import { DrumbeatError } from '../../domain/errors.js';
import type { WordChange } from './alternatives.js';
import { clip } from './echo.js';

export const ZONE_EXAMPLES = ['tz Europe/Berlin', 'tz America/New_York', 'tz UTC'];

/** Another zone that an abbreviation may mean. */
export interface OtherZone {
  /** The zone in a few words, such as "Irish time". */
  meaning: string;
  zone: string;
}

interface Abbreviation {
  zone: string;
  /** How the abbreviation was read, when it has other meanings or does not follow DST. */
  note: string | null;
  /** The zones it may mean instead. */
  others?: OtherZone[];
}

function standardTimeNote(abbreviation: string, region: string, zone: string): string {
  return `Read ${abbreviation} as ${region} time (${zone}), which changes with daylight saving time.`;
}

// Abbreviations name regions, and people who type "9am EST" in July mean New York's clock, so
// each one maps to a zone that follows DST. The ambiguous ones say how they were read.
const ABBREVIATIONS: Record<string, Abbreviation> = {
  utc: { zone: 'UTC', note: null },
  z: { zone: 'UTC', note: null },
  gmt: {
    zone: 'UTC',
    note: 'Read GMT as UTC, which has no summer time.',
    others: [{ meaning: 'UK time, which has summer time', zone: 'Europe/London' }],
  },
  pt: { zone: 'America/Los_Angeles', note: null },
  pst: {
    zone: 'America/Los_Angeles',
    note: standardTimeNote('PST', 'Pacific', 'America/Los_Angeles'),
  },
  pdt: {
    zone: 'America/Los_Angeles',
    note: standardTimeNote('PDT', 'Pacific', 'America/Los_Angeles'),
  },
  mt: { zone: 'America/Denver', note: null },
  mst: {
    zone: 'America/Denver',
    note: 'Read MST as Mountain time (America/Denver), which changes with daylight saving time.',
    others: [
      { meaning: 'Arizona time, which has no daylight saving time', zone: 'America/Phoenix' },
    ],
  },
  mdt: { zone: 'America/Denver', note: standardTimeNote('MDT', 'Mountain', 'America/Denver') },
  ct: { zone: 'America/Chicago', note: null },
  cst: {
    zone: 'America/Chicago',
    note: 'Read CST as US Central time (America/Chicago).',
    others: [{ meaning: 'China Standard Time', zone: 'Asia/Shanghai' }],
  },
  cdt: { zone: 'America/Chicago', note: standardTimeNote('CDT', 'US Central', 'America/Chicago') },
  et: { zone: 'America/New_York', note: null },
  est: {
    zone: 'America/New_York',
    note: standardTimeNote('EST', 'US Eastern', 'America/New_York'),
    others: [{ meaning: 'a fixed UTC-5 all year', zone: 'Etc/GMT+5' }],
  },
  edt: {
    zone: 'America/New_York',
    note: standardTimeNote('EDT', 'US Eastern', 'America/New_York'),
  },
  akst: { zone: 'America/Anchorage', note: null },
  hst: { zone: 'Pacific/Honolulu', note: null },
  bst: {
    zone: 'Europe/London',
    note: 'Read BST as British time (Europe/London).',
    others: [{ meaning: 'Bangladesh time', zone: 'Asia/Dhaka' }],
  },
  ist: {
    zone: 'Asia/Kolkata',
    note: 'Read IST as India Standard Time (Asia/Kolkata).',
    others: [
      { meaning: 'Irish time', zone: 'Europe/Dublin' },
      { meaning: 'Israel time', zone: 'Asia/Jerusalem' },
    ],
  },
  wet: { zone: 'Europe/Lisbon', note: null },
  cet: { zone: 'Europe/Berlin', note: null },
  cest: { zone: 'Europe/Berlin', note: null },
  eet: { zone: 'Europe/Helsinki', note: null },
  eest: { zone: 'Europe/Helsinki', note: null },
  msk: { zone: 'Europe/Moscow', note: null },
  sgt: { zone: 'Asia/Singapore', note: null },
  hkt: { zone: 'Asia/Hong_Kong', note: null },
  jst: { zone: 'Asia/Tokyo', note: null },
  kst: { zone: 'Asia/Seoul', note: null },
  awst: { zone: 'Australia/Perth', note: null },
  acst: { zone: 'Australia/Adelaide', note: null },
  aest: { zone: 'Australia/Sydney', note: null },
  aedt: { zone: 'Australia/Sydney', note: null },
  nzst: { zone: 'Pacific/Auckland', note: null },
  nzdt: { zone: 'Pacific/Auckland', note: null },
};

// Region and city names people use with "time", beyond the city part of the IANA names.
const PLACE_NAMES: Record<string, string> = {
  pacific: 'America/Los_Angeles',
  mountain: 'America/Denver',
  central: 'America/Chicago',
  eastern: 'America/New_York',
  'san francisco': 'America/Los_Angeles',
  seattle: 'America/Los_Angeles',
  boston: 'America/New_York',
  washington: 'America/New_York',
  india: 'Asia/Kolkata',
  mumbai: 'Asia/Kolkata',
  delhi: 'Asia/Kolkata',
  'new delhi': 'Asia/Kolkata',
  bangalore: 'Asia/Kolkata',
  bengaluru: 'Asia/Kolkata',
  beijing: 'Asia/Shanghai',
  uk: 'Europe/London',
  utc: 'UTC',
};

let cityZones: Map<string, string> | null = null;

function zonesByCity(): Map<string, string> {
  if (cityZones === null) {
    cityZones = new Map();
    for (const zone of [...Intl.supportedValuesOf('timeZone'), 'Asia/Kolkata', 'Europe/Kyiv']) {
      const city = zone.split('/').at(-1)!.replace(/_/g, ' ').toLowerCase();
      if (zone.includes('/') && !cityZones.has(city)) cityZones.set(city, zone);
    }
    // Intl in Node 20 names some zones by their old spelling; prefer the current IANA names.
    cityZones.set('kolkata', 'Asia/Kolkata');
    cityZones.set('calcutta', 'Asia/Kolkata');
    cityZones.set('kyiv', 'Europe/Kyiv');
  }
  return cityZones;
}

/** Spells a zone the IANA way when Intl accepts it in any case: `asia/kolkata` is Asia/Kolkata. */
function spellZone(name: string): string {
  const known = [...Intl.supportedValuesOf('timeZone'), 'UTC', 'Asia/Kolkata', 'Europe/Kyiv'];
  const exact = known.find((zone) => zone.toLowerCase() === name.toLowerCase());
  if (exact !== undefined) return exact;
  if (/[A-Z]/.test(name)) return name;
  return name
    .split('/')
    .map((part) =>
      part.replace(/(^|_|-)([a-z])/g, (_all, sep: string, c: string) => sep + c.toUpperCase()),
    )
    .join('/');
}

function isIanaZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * Returns the IANA name of a zone, spelt as IANA does, or throws `timezone_invalid`. Accepts
 * IANA names in any case and the common abbreviations (see `readZoneName` for their notes).
 */
export function assertTimezone(name: string): string {
  const reading = readZoneName(name);
  if (reading === null) {
    throw new DrumbeatError(
      'timezone_invalid',
      `"${clip(name)}" is not an IANA time zone.`,
      ZONE_EXAMPLES,
    );
  }
  return reading.zone;
}

export interface ZoneReading {
  zone: string;
  note: string | null;
  /** The zones an abbreviation may mean instead, which the note does not name. */
  others: OtherZone[];
}

/** Returns the changes of a zone's words to each other zone it may mean. */
export function otherZoneChanges(reading: ZoneReading, words: string): WordChange[] {
  return reading.others.map(({ meaning, zone }) => ({ meaning, words, replacement: zone }));
}

/**
 * Reads a zone name: an IANA name (`Europe/Berlin`), an abbreviation (`PT`, `IST`), or a city
 * or region (`berlin`, `new york`, `pacific`). Returns null when it is none of these.
 */
export function readZoneName(name: string): ZoneReading | null {
  const lower = name.trim().toLowerCase();
  if (lower === '') return null;
  const abbreviation = ABBREVIATIONS[lower];
  if (abbreviation !== undefined) {
    const { zone, note, others = [] } = abbreviation;
    return { zone, note, others };
  }
  const offset = fixedOffsetZone(name.trim());
  if (offset !== null) return offset;
  if (lower.includes('/') && isIanaZone(name.trim())) {
    return { zone: spellZone(name.trim()), note: null, others: [] };
  }
  const place = PLACE_NAMES[lower] ?? zonesByCity().get(lower);
  return place === undefined ? null : { zone: place, note: null, others: [] };
}

/**
 * Reads a whole-hour offset such as `GMT+2` or `UTC-5` as the IANA zone of that fixed offset.
 * IANA's Etc zones carry the sign the other way round: UTC+2 is Etc/GMT-2. Null for any other
 * text, and for offsets that no Etc zone has, such as UTC+5:30.
 */
function fixedOffsetZone(name: string): ZoneReading | null {
  const match = /^(?:gmt|utc)\s*([+-])\s*(\d{1,2})(?::?00)?$/i.exec(name);
  if (match === null) return null;
  const [, sign, digits] = match;
  const hours = Number(digits);
  if (hours === 0) return { zone: 'UTC', note: null, others: [] };
  const zone = `Etc/GMT${sign === '+' ? '-' : '+'}${hours}`;
  if (!isIanaZone(zone)) return null;
  const note =
    `Read ${name} as the fixed offset UTC${sign}${hours} (${zone}, which IANA names with the ` +
    'sign the other way round). It has no summer time.';
  return { zone, note, others: [] };
}

/** Tells whether a word is a zone abbreviation such as `PT` or `UTC`. */
export function isZoneAbbreviation(word: string): boolean {
  return ABBREVIATIONS[word.toLowerCase()] !== undefined;
}
