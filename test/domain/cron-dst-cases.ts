// DST cases for the cron evaluator: both changes of 2025 in each zone, with the runs Debian cron
// starts. A fixed local time in a gap runs at the first minute after it; a fixed time that a
// fall-back change repeats runs once, at its first occurrence; a job whose minute or hour field
// starts with * ticks in real time through both passes.

export interface DstCase {
  name: string;
  expression: string;
  timezone: string;
  from: string;
  runs: string[];
}

export const DST_CASES: DstCase[] = [
  // Europe/London: 01:00 GMT becomes 02:00 BST on 30 March; 02:00 BST becomes 01:00 GMT on 26 October.
  {
    name: 'London fixed time in the gap',
    expression: '30 1 * * *',
    timezone: 'Europe/London',
    from: '2025-03-29T12:00:00Z',
    runs: ['2025-03-30T01:00:00Z', '2025-03-31T00:30:00Z', '2025-04-01T00:30:00Z'],
  },
  {
    name: 'London two fixed hours, one in the gap',
    expression: '15 1,2 * * *',
    timezone: 'Europe/London',
    from: '2025-03-30T00:00:00Z',
    runs: ['2025-03-30T01:00:00Z', '2025-03-30T01:15:00Z', '2025-03-31T00:15:00Z'],
  },
  {
    name: 'London hourly across the gap',
    expression: '0 * * * *',
    timezone: 'Europe/London',
    from: '2025-03-30T00:00:00Z',
    runs: ['2025-03-30T01:00:00Z', '2025-03-30T02:00:00Z', '2025-03-30T03:00:00Z'],
  },
  {
    name: 'London fixed time in the repeated hour',
    expression: '30 1 * * *',
    timezone: 'Europe/London',
    from: '2025-10-25T12:00:00Z',
    runs: ['2025-10-26T00:30:00Z', '2025-10-27T01:30:00Z'],
  },
  {
    name: 'London half-hourly through the repeated hour',
    expression: '*/30 * * * *',
    timezone: 'Europe/London',
    from: '2025-10-26T00:00:00Z',
    runs: [
      '2025-10-26T00:30:00Z',
      '2025-10-26T01:00:00Z',
      '2025-10-26T01:30:00Z',
      '2025-10-26T02:00:00Z',
    ],
  },
  // Europe/Riga: 03:00 EET becomes 04:00 EEST on 30 March; 04:00 EEST becomes 03:00 EET on 26 October.
  {
    name: 'Riga fixed time in the gap',
    expression: '15 3 * * *',
    timezone: 'Europe/Riga',
    from: '2025-03-29T00:00:00Z',
    runs: ['2025-03-29T01:15:00Z', '2025-03-30T01:00:00Z', '2025-03-31T00:15:00Z'],
  },
  {
    name: 'Riga hour list with one hour in the gap',
    expression: '30 1,2,3,4,5 * * *',
    timezone: 'Europe/Riga',
    from: '2025-03-29T23:30:00Z',
    runs: [
      '2025-03-30T00:30:00Z',
      '2025-03-30T01:00:00Z',
      '2025-03-30T01:30:00Z',
      '2025-03-30T02:30:00Z',
    ],
  },
  {
    name: 'Riga star-step hours in both passes',
    expression: '0 */3 * * *',
    timezone: 'Europe/Riga',
    from: '2025-10-25T22:30:00Z',
    runs: ['2025-10-26T00:00:00Z', '2025-10-26T01:00:00Z', '2025-10-26T04:00:00Z'],
  },
  {
    name: 'Riga fixed time in the repeated hour',
    expression: '30 3 * * *',
    timezone: 'Europe/Riga',
    from: '2025-10-25T12:00:00Z',
    runs: ['2025-10-26T00:30:00Z', '2025-10-27T01:30:00Z'],
  },
  // America/New_York: 02:00 EST becomes 03:00 EDT on 9 March; 02:00 EDT becomes 01:00 EST on 2 November.
  {
    name: 'New York fixed time in the gap',
    expression: '30 2 * * *',
    timezone: 'America/New_York',
    from: '2025-03-08T12:00:00Z',
    runs: ['2025-03-09T07:00:00Z', '2025-03-10T06:30:00Z'],
  },
  {
    name: 'New York half-hourly across the gap',
    expression: '*/30 * * * *',
    timezone: 'America/New_York',
    from: '2025-03-09T06:00:00Z',
    runs: ['2025-03-09T06:30:00Z', '2025-03-09T07:00:00Z', '2025-03-09T07:30:00Z'],
  },
  {
    name: 'New York fixed time in the repeated hour',
    expression: '30 1 * * *',
    timezone: 'America/New_York',
    from: '2025-11-01T12:00:00Z',
    runs: ['2025-11-02T05:30:00Z', '2025-11-03T06:30:00Z'],
  },
  {
    name: 'New York hourly at :30 in both passes',
    expression: '30 * * * *',
    timezone: 'America/New_York',
    from: '2025-11-02T05:00:00Z',
    runs: ['2025-11-02T05:30:00Z', '2025-11-02T06:30:00Z', '2025-11-02T07:30:00Z'],
  },
  // Australia/Sydney: 03:00 AEDT becomes 02:00 AEST on 6 April; 02:00 AEST becomes 03:00 AEDT on 5 October.
  {
    name: 'Sydney fixed time in the repeated hour',
    expression: '30 2 * * *',
    timezone: 'Australia/Sydney',
    from: '2025-04-05T00:00:00Z',
    runs: ['2025-04-05T15:30:00Z', '2025-04-06T16:30:00Z'],
  },
  {
    name: 'Sydney minute list with star hours in both passes',
    expression: '0,30 * * * *',
    timezone: 'Australia/Sydney',
    from: '2025-04-05T15:00:00Z',
    runs: [
      '2025-04-05T15:30:00Z',
      '2025-04-05T16:00:00Z',
      '2025-04-05T16:30:00Z',
      '2025-04-05T17:00:00Z',
    ],
  },
  {
    name: 'Sydney fixed time in the gap',
    expression: '30 2 * * *',
    timezone: 'Australia/Sydney',
    from: '2025-10-04T00:00:00Z',
    runs: ['2025-10-04T16:00:00Z', '2025-10-05T15:30:00Z'],
  },
  {
    name: 'Sydney hourly across the gap',
    expression: '0 * * * *',
    timezone: 'Australia/Sydney',
    from: '2025-10-04T15:30:00Z',
    runs: ['2025-10-04T16:00:00Z', '2025-10-04T17:00:00Z'],
  },
  // Australia/Lord_Howe shifts by 30 minutes: 02:00 LHDT (+11) becomes 01:30 LHST (+10:30) on
  // 6 April, and 02:00 LHST becomes 02:30 LHDT on 5 October.
  {
    name: 'Lord Howe fixed time in the repeated half hour',
    expression: '45 1 * * *',
    timezone: 'Australia/Lord_Howe',
    from: '2025-04-05T00:00:00Z',
    runs: ['2025-04-05T14:45:00Z', '2025-04-06T15:15:00Z'],
  },
  {
    name: 'Lord Howe quarter-hourly in both passes',
    expression: '*/15 * * * *',
    timezone: 'Australia/Lord_Howe',
    from: '2025-04-05T14:20:00Z',
    runs: [
      '2025-04-05T14:30:00Z',
      '2025-04-05T14:45:00Z',
      '2025-04-05T15:00:00Z',
      '2025-04-05T15:15:00Z',
      '2025-04-05T15:30:00Z',
    ],
  },
  {
    name: 'Lord Howe fixed time in the 30-minute gap',
    expression: '15 2 * * *',
    timezone: 'Australia/Lord_Howe',
    from: '2025-10-04T00:00:00Z',
    runs: ['2025-10-04T15:30:00Z', '2025-10-05T15:15:00Z'],
  },
  {
    name: 'Lord Howe hourly across the gap',
    expression: '0 * * * *',
    timezone: 'Australia/Lord_Howe',
    from: '2025-10-04T15:00:00Z',
    runs: ['2025-10-04T16:00:00Z', '2025-10-04T17:00:00Z'],
  },
  // Asia/Kolkata keeps +05:30 all year: the same dates change nothing.
  {
    name: 'Kolkata daily across the European spring change',
    expression: '0 9 * * *',
    timezone: 'Asia/Kolkata',
    from: '2025-03-29T12:00:00Z',
    runs: ['2025-03-30T03:30:00Z', '2025-03-31T03:30:00Z'],
  },
  {
    name: 'Kolkata hourly at :30 across the American autumn change',
    expression: '30 * * * *',
    timezone: 'Asia/Kolkata',
    from: '2025-11-02T05:00:00Z',
    runs: ['2025-11-02T06:00:00Z', '2025-11-02T07:00:00Z'],
  },
];

/** The zones above, each with the two offset changes of 2025 (none for Asia/Kolkata). */
export const DST_ZONE_CHANGES: Record<string, string[]> = {
  'Europe/London': ['2025-03-30T01:00:00Z', '2025-10-26T01:00:00Z'],
  'Europe/Riga': ['2025-03-30T01:00:00Z', '2025-10-26T01:00:00Z'],
  'America/New_York': ['2025-03-09T07:00:00Z', '2025-11-02T06:00:00Z'],
  'Australia/Sydney': ['2025-04-05T16:00:00Z', '2025-10-04T16:00:00Z'],
  'Australia/Lord_Howe': ['2025-04-05T15:00:00Z', '2025-10-04T15:30:00Z'],
  'Asia/Kolkata': [],
};

export const HOST_ZONES = ['UTC', 'America/New_York', 'Asia/Kolkata'] as const;
