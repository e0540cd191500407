import { formatDuration } from '../../domain/durations.js';
import { DrumbeatError } from '../../domain/errors.js';
import type { MonitorEvent } from '../../domain/machine.js';
import { buildMonitor, MAX_GRACE_MS, MIN_GRACE_MS } from '../../domain/monitor.js';
import { nextRuns } from '../../domain/schedule.js';
import type { Monitor } from '../../domain/types.js';
import { newMonitorId, newPingToken } from '../../store/ids.js';
import { formatTime } from '../format.js';
import {
  describeSchedule,
  isMonitorSpec,
  parseMonitorSpec,
  parseUntil,
} from '../language/index.js';
import { distance } from '../language/suggest.js';
import { assertTimezone, readZoneName } from '../language/timezone.js';
import type { Alternative, LanguageContext, MonitorSpec, ParsedUntil } from '../language/types.js';
import type { ReplyLine, ReplyView } from '../views.js';
import type { CommandContext } from './context.js';
import type { CommandCoreOptions } from './core.js';
import { withSilenceCommand, withWholeCommand } from './examples.js';
import { curlLine, describeState, reply, section, statusReply } from './replies.js';

const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const NAME_EXAMPLE = 'nightly-invoices';

/** A command that starts with a monitor name, and what its examples show. */
interface NamedCommand {
  verb: string;
  /**
   * The name in an example for a user who gave none that can be made valid. Null points to the
   * list instead: for commands that change a monitor, because a copied example could pause,
   * silence or delete a real monitor of that name, and for status, where a made-up name would
   * name no monitor.
   */
  exampleName: string | null;
  /** The text after the name in an example for a user who typed nothing after it. */
  exampleRest: string;
}

/**
 * Returns `name` with each run of characters that a monitor name cannot contain replaced by a
 * dash, cut to the length limit, or null when no valid name is left.
 */
function validNameLike(name: string): string | null {
  // Accents are dropped first, so that `bäckup` becomes `backup`, not `b-ckup`.
  const plain = name.normalize('NFKD').replace(/\p{M}+/gu, '');
  const dashed = plain.replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '');
  const cut = dashed.slice(0, 64).replace(/[-._]+$/, '');
  return NAME_PATTERN.test(cut) ? cut : null;
}

/**
 * Returns the name of `names` closest to `name`, when it is close enough to be a typo: one edit
 * for names of up to five characters, two for longer ones. Null when none is, or two are.
 */
function closestName(name: string, names: readonly string[]): string | null {
  const allowed = name.length > 5 ? 2 : 1;
  const scored = names
    .map((candidate) => ({ candidate, edits: distance(name, candidate) }))
    .filter(({ edits }) => edits <= allowed)
    .sort((a, b) => a.edits - b.edits);
  const [best, next] = scored;
  if (best === undefined || (next !== undefined && next.edits === best.edits)) return null;
  return best.candidate;
}

/**
 * Splits `<name> <rest>` and checks the name's form. The example of an error is a whole
 * command, with the name made valid when it can be.
 */
function splitName(text: string, command: NamedCommand): [string, string] {
  const { verb, exampleName, exampleRest } = command;
  // A quoted name is read whole, so that `"my backup"` gets the example `my-backup`.
  const quoted = /^(["'“‘])([^"'”’]*)["'”’](?=\s|$)/.exec(text);
  const space = text.indexOf(' ');
  let nameEnd = space < 0 ? text.length : space;
  if (quoted !== null) nameEnd = quoted[0].length;
  const name = (quoted !== null ? quoted[2]! : text.slice(0, nameEnd)).trim().toLowerCase();
  const rest = text.slice(nameEnd).trim();
  const exampleWith = (shownName: string) =>
    `/drumbeat ${verb} ${shownName} ${rest === '' ? exampleRest : rest}`.trim();
  if (name === '') {
    if (exampleName === null) {
      const message = `The name of the monitor to ${verb} is missing. The list shows the names.`;
      throw new DrumbeatError('name_invalid', message, '/drumbeat list');
    }
    throw new DrumbeatError(
      'name_invalid',
      'The monitor name is missing.',
      exampleWith(exampleName),
    );
  }
  if (!NAME_PATTERN.test(name)) {
    const valid = validNameLike(name);
    // No monitor has a name that cannot be made valid, so other commands point to the list.
    let example = '/drumbeat list';
    if (valid !== null) example = exampleWith(valid);
    else if (verb === 'new' && exampleName !== null) example = exampleWith(exampleName);
    throw new DrumbeatError(
      'name_invalid',
      `"${name}" is not a valid monitor name: use up to 64 letters, digits, dots, dashes or underscores.`,
      example,
    );
  }
  return [name, rest];
}

/** Returns the error of a `new` command whose text is a schedule with no name before it. */
function missingNameError(schedule: string): DrumbeatError {
  return new DrumbeatError(
    'name_invalid',
    `The monitor name is missing: "${schedule}" is a schedule. Put a name before it.`,
    `${NAME_EXAMPLE} ${schedule}`,
  );
}

/**
 * Parses the text after a monitor's name. When that fails but the whole text parses, the name
 * is missing. When the text without its first word parses, the name most likely had a space in
 * it. The error reports that instead.
 */
function parseAfterName(name: string, rest: string, context: LanguageContext): MonitorSpec {
  try {
    return parseMonitorSpec(rest, context);
  } catch (error) {
    if (!(error instanceof DrumbeatError)) throw error;
    const whole = `${name} ${rest}`;
    if (isMonitorSpec(whole, context)) throw missingNameError(whole);
    const space = rest.indexOf(' ');
    const firstWord = space < 0 ? '' : rest.slice(0, space).toLowerCase();
    // A word without a letter, such as the first field of a six-field cron, is not part of a name.
    if (!/[a-z]/.test(firstWord)) throw error;
    const joined = `${name}-${firstWord}`;
    const withoutWord = rest.slice(space + 1).trim();
    try {
      parseMonitorSpec(withoutWord, context);
    } catch {
      throw error;
    }
    const oneWord = `A monitor name is one word, so the name here is "${name}" and "${rest}" is not a schedule.`;
    if (NAME_PATTERN.test(joined)) {
      const message = `${oneWord} Join the words of the name with a dash.`;
      throw new DrumbeatError('name_invalid', message, `${joined} ${withoutWord}`);
    }
    // Joined with a dash, the words still break the name rule, so the example uses another name.
    const rule = 'Use up to 64 letters, digits, dots, dashes or underscores, with no spaces.';
    throw new DrumbeatError('name_invalid', `${oneWord} ${rule}`, `${NAME_EXAMPLE} ${withoutWord}`);
  }
}

/**
 * Rejects text after the name of a command that takes only a name, before anything changes, so
 * that `delete a b` deletes neither rather than `a` alone.
 */
function rejectTextAfterName(verb: string, name: string, rest: string): void {
  if (rest === '') return;
  throw new DrumbeatError(
    'command_invalid',
    `"${verb}" takes one monitor name, and "${rest}" came after it, so nothing changed. ` +
      'Run it once for each monitor.',
    `/drumbeat ${verb} ${name}`,
  );
}

// Runs looked at for the shortest time between two of them.
const RUNS_FOR_GAP = 25;

/**
 * Returns a note when the grace period is longer than the shortest time between the next runs,
 * because a run that does not come is then reported only after the next one was due. Null
 * otherwise.
 */
function longGraceNote(monitor: Monitor, now: number): string | null {
  const runs = nextRuns(monitor.schedule, now, RUNS_FOR_GAP);
  let gap = Number.POSITIVE_INFINITY;
  for (let i = 1; i < runs.length; i++) gap = Math.min(gap, runs[i]! - runs[i - 1]!);
  if (!Number.isFinite(gap) || monitor.graceMs <= gap) return null;
  const grace = formatDuration(monitor.graceMs);
  const between = formatDuration(gap);
  return (
    `The grace period, ${grace}, is longer than the ${between} between runs, so a missed run ` +
    `is reported only after the next run was due. A grace under ${between} reports it sooner.`
  );
}

/** Returns a zone other than `current` to show in an example: `likely` when it is another. */
function otherZone(current: string, likely: string | null): string {
  if (likely !== null && likely !== current) return likely;
  return current === 'Europe/Berlin' ? 'America/New_York' : 'Europe/Berlin';
}

/**
 * Returns the lines that offer the other readings that a new monitor's warnings name. No
 * command changes the schedule of a monitor, so each reading deletes it and creates it again.
 */
function otherReadingLines(name: string, alternatives: readonly Alternative[]): ReplyLine[] {
  if (alternatives.length === 0) return [];
  return [
    `To read the schedule another way, delete ${name} and create it again, which gives it a new ping URL:`,
    { lead: '', command: `/drumbeat delete ${name}` },
    ...alternatives.map(({ meaning, text }) => ({
      lead: `For ${meaning}: `,
      command: `/drumbeat new ${name} ${text}`,
    })),
  ];
}

function checkDuration(label: string, ms: number | null): void {
  if (ms === null) return;
  if (ms < MIN_GRACE_MS || ms > MAX_GRACE_MS) {
    throw new DrumbeatError(
      'duration_invalid',
      `The ${label} must be between 1 second and 366 days, not ${formatDuration(ms)}.`,
      `${label} 10 minutes`,
    );
  }
}

/** The commands that act on monitors. */
export class MonitorCommands {
  constructor(private readonly options: CommandCoreOptions) {}

  private pingUrl(monitor: Monitor): string {
    return `${this.options.publicUrl}/ping/${monitor.token}`;
  }

  private async timezoneFor(ctx: CommandContext): Promise<string> {
    const settings = await this.options.teams.get(ctx.teamId);
    return settings.timezone ?? ctx.userTimezone ?? 'UTC';
  }

  /**
   * Returns the team's monitor named `name`. When there is none, the error names the team's
   * monitor with the closest name, if one is close enough to be a typo, and `commandFor` gives
   * the example command with that name.
   */
  private async find(
    name: string,
    ctx: CommandContext,
    commandFor: (name: string) => string,
  ): Promise<Monitor> {
    const { store } = this.options;
    const id = await store.idForName(ctx.teamId, name);
    const stored = id === null ? null : await store.get(id);
    if (stored) return stored.monitor;
    const closest = closestName(name, await store.teamNames(ctx.teamId));
    if (closest !== null) {
      throw new DrumbeatError(
        'monitor_not_found',
        `There is no monitor named "${name}" here. Did you mean "${closest}"?`,
        commandFor(closest),
      );
    }
    throw new DrumbeatError(
      'monitor_not_found',
      `There is no monitor named "${name}" here.`,
      '/drumbeat list',
    );
  }

  private async resolveChannel(channel: string | null, ctx: CommandContext): Promise<string> {
    if (channel === null) return ctx.channelId;
    if (ctx.platform === 'cli') {
      throw new DrumbeatError(
        'command_invalid',
        'The command line has no channels: its monitors alert the service\'s log. Leave out "in".',
      );
    }
    const escaped = /^<#([A-Z0-9]+)(?:\|[^>]*)?>$/i.exec(channel);
    if (escaped) return escaped[1]!;
    const resolved = ctx.resolveChannel
      ? await ctx.resolveChannel(channel.replace(/^#/, ''))
      : null;
    if (resolved === null) {
      throw new DrumbeatError(
        'command_invalid',
        `I could not find the channel ${channel}. Invite Drumbeat to it, or type the command there.`,
      );
    }
    return resolved;
  }

  async create(text: string, ctx: CommandContext): Promise<ReplyView> {
    const teamZone = await this.timezoneFor(ctx);
    const context = { timezone: teamZone, now: ctx.now };
    // A schedule where the name goes, as in `new "0 3 * * *"` or the README's form without the
    // name, `new cron "0 3 * * *"`, leaves the monitor without a name.
    if (/^(?:cron\s+)?["'“‘`]/i.test(text.trim()) && isMonitorSpec(text, context)) {
      throw withWholeCommand(missingNameError(text.trim()), '', '', context);
    }
    const [name, rest] = splitName(text, {
      verb: 'new',
      exampleName: NAME_EXAMPLE,
      exampleRest: 'every 1 hour grace 10 minutes',
    });
    let spec: MonitorSpec;
    try {
      spec = parseAfterName(name, rest, context);
      checkDuration('grace', spec.graceMs);
      checkDuration('max runtime', spec.maxRuntimeMs);
    } catch (error) {
      throw withWholeCommand(error, name, rest, context);
    }
    const channelId = await this.resolveChannel(spec.channel, ctx);
    const monitor = buildMonitor(
      {
        id: newMonitorId(),
        token: newPingToken(),
        teamId: ctx.teamId,
        platform: ctx.platform,
        channelId,
        name,
        schedule: spec.schedule.schedule,
        graceMs: spec.graceMs,
        maxRuntimeMs: spec.maxRuntimeMs,
        createdBy: ctx.userId,
      },
      ctx.now,
    );
    await this.options.store.create(monitor);
    await this.options.teams.setDefaultChannel(ctx.teamId, ctx.platform, channelId);
    this.options.logger.info({ monitorId: monitor.id, teamId: ctx.teamId }, 'monitor created');
    const notes: ReplyLine[] = [
      ...spec.schedule.warnings,
      ...otherReadingLines(name, spec.alternatives),
    ];
    const graceNote = spec.graceMs === null ? null : longGraceNote(monitor, ctx.now);
    if (graceNote !== null) notes.push(graceNote);
    const zoneNote = await this.zoneNote(teamZone, monitor, ctx);
    if (zoneNote !== null) notes.push(zoneNote);
    return this.createdReply(monitor, spec.schedule.description, notes, teamZone, ctx);
  }

  /**
   * Makes the creator's zone the team's zone when the team has none yet, so that alerts show
   * times in the zone the creator was shown. Returns a note on the zone that the reply's times
   * are in, or null when the team had set its zone before.
   */
  private async zoneNote(
    zone: string,
    monitor: Monitor,
    ctx: CommandContext,
  ): Promise<ReplyLine | null> {
    const settings = await this.options.teams.get(ctx.teamId);
    if (settings.timezone !== null) return null;
    // The zone the schedule names is the likely zone of the team.
    const scheduleZone = monitor.schedule.kind === 'cron' ? monitor.schedule.timezone : null;
    const command = `/drumbeat timezone ${otherZone(zone, scheduleZone)}`;
    if (ctx.userTimezone === null || zone !== ctx.userTimezone) {
      const lead = `Times are shown in ${zone} until the team sets its zone, for example with `;
      return { lead, command };
    }
    await this.options.teams.setTimezone(ctx.teamId, zone);
    const lead = `This team's zone is now ${zone}, the same as yours. Times are shown in it, and new schedules use it. Change it with a command such as `;
    return { lead, command };
  }

  private createdReply(
    monitor: Monitor,
    description: string,
    notes: ReplyLine[],
    timezone: string,
    ctx: CommandContext,
  ): ReplyView {
    const at = (ms: number) => formatTime(ms, timezone, ctx.now);
    // An interval schedule counts from each ping, so before the first one it has no run times.
    const expected =
      monitor.schedule.kind === 'interval'
        ? `First run expected: ${formatDuration(monitor.schedule.periodSeconds * 1000)} after the first ping`
        : `Next scheduled runs: ${nextRuns(monitor.schedule, ctx.now, 3).map(at).join('; ')}`;
    const runtime =
      monitor.maxRuntimeMs === null ? 'the grace period' : formatDuration(monitor.maxRuntimeMs);
    const lines = [
      `Schedule: ${description}`,
      expected,
      `Grace period: ${formatDuration(monitor.graceMs)}; maximum run time: ${runtime}`,
      monitor.platform === 'cli'
        ? "Alerts go to the service's log."
        : `Alerts go to <#${monitor.channelId}>.`,
      'It waits for its first ping; from then on, a missing ping raises an alert.',
      ...notes,
    ];
    return reply(`Created monitor ${monitor.name}.`, [
      section(lines, monitor.name),
      section(
        ['Add this line to the end of the job:'],
        'Ping URL',
        curlLine(this.pingUrl(monitor)),
      ),
    ]);
  }

  async list(ctx: CommandContext): Promise<ReplyView> {
    const monitors = await this.options.store.listTeam(ctx.teamId);
    if (monitors.length === 0) {
      return reply('There are no monitors yet.', [
        section([{ lead: 'Create one: ', command: '/drumbeat new backup every 1 day' }]),
      ]);
    }
    const timezone = await this.timezoneFor(ctx);
    const lines = monitors.map((monitor) => {
      const last =
        monitor.lastPingAt === null
          ? 'no ping yet'
          : `last ping ${formatTime(monitor.lastPingAt, timezone, ctx.now)}`;
      const silenced =
        monitor.silencedUntil !== null && monitor.silencedUntil > ctx.now
          ? `, silenced until ${formatTime(monitor.silencedUntil, timezone, ctx.now)}`
          : '';
      return `${monitor.name}: ${describeState(monitor)}${silenced}, ${describeSchedule(monitor.schedule)}, ${last}`;
    });
    return reply(`${monitors.length} monitor${monitors.length === 1 ? '' : 's'}.`, [
      section(lines),
    ]);
  }

  async status(text: string, ctx: CommandContext): Promise<ReplyView> {
    const [name, rest] = splitName(text, {
      verb: 'status',
      exampleName: null,
      exampleRest: '',
    });
    const monitor = await this.find(name, ctx, (closest) => `/drumbeat status ${closest}`).catch(
      (error: unknown) => {
        if (!(error instanceof DrumbeatError) || rest === '') throw error;
        // A name of several words, such as "my backup", may mean the dashed one, so suggest it.
        const joined = `${name}-${rest.toLowerCase().split(/\s+/).join('-')}`;
        throw new DrumbeatError(
          'monitor_not_found',
          `There is no monitor named "${name}" here. A monitor name is one word, so "${rest}" was not read as part of it.`,
          NAME_PATTERN.test(joined) ? `/drumbeat status ${joined}` : '/drumbeat list',
        );
      },
    );
    const pings = await this.options.store.pings(monitor.id, 5);
    return statusReply(monitor, pings, await this.timezoneFor(ctx), ctx.now, this.pingUrl(monitor));
  }

  async silence(text: string, ctx: CommandContext): Promise<ReplyView> {
    const exampleRest = 'for 2 hours';
    const [name, rest] = splitName(text, { verb: 'silence', exampleName: null, exampleRest });
    if (rest === '') {
      const example = `/drumbeat silence ${name} ${exampleRest}`;
      throw new DrumbeatError('time_invalid', 'Say how long to silence it.', example);
    }
    const timezone = await this.timezoneFor(ctx);
    let until: ParsedUntil;
    try {
      until = parseUntil(rest, { timezone, now: ctx.now });
    } catch (error) {
      throw withSilenceCommand(error, name);
    }
    const monitor = await this.find(name, ctx, (closest) => `/drumbeat silence ${closest} ${rest}`);
    await this.options.events.apply(monitor.id, {
      type: 'silence',
      until: until.until,
      by: ctx.userId,
    });
    // A silence replaces the one before, so each other reading is a silence command too.
    const otherReadings = until.alternatives.map(({ meaning, text }) => ({
      lead: `For ${meaning}: `,
      command: `/drumbeat silence ${monitor.name} ${text}`,
    }));
    return reply(
      `${monitor.name} is silenced until ${formatTime(until.until, timezone, ctx.now)}.`,
      [
        section([
          'Its state is still tracked; alerts resume when the silence ends.',
          ...until.warnings,
          ...otherReadings,
        ]),
      ],
    );
  }

  async simple(
    text: string,
    ctx: CommandContext,
    event: MonitorEvent,
    outcome: { done: string; unchanged: string },
  ): Promise<ReplyView> {
    const [name, rest] = splitName(text, { verb: event.type, exampleName: null, exampleRest: '' });
    rejectTextAfterName(event.type, name, rest);
    const monitor = await this.find(name, ctx, (closest) => `/drumbeat ${event.type} ${closest}`);
    const result = await this.options.events.apply(monitor.id, event);
    if (result.status === 'not_found')
      throw new DrumbeatError('monitor_not_found', `${name} was just deleted.`);
    if (!result.transition.changed) {
      return reply(`${monitor.name} ${outcome.unchanged}; nothing changed.`);
    }
    return reply(`${monitor.name} ${outcome.done}.`);
  }

  /**
   * Shows the team's ping key, for URLs that name a monitor by its name instead of a UUID. The
   * sample curl line names the team's first monitor in name order, as the list shows them.
   */
  async pingKey(ctx: CommandContext): Promise<ReplyView> {
    const key = await this.options.teams.ensurePingKey(ctx.teamId);
    const [first] = await this.options.store.listTeam(ctx.teamId);
    const base = `${this.options.publicUrl}/ping/${key}`;
    const lines = [
      'Ping a monitor by its name:',
      `  ${base}/<name>   (also /start, /fail, /<exit status>, /log)`,
      'Add ?create=1 to create a daily monitor with that name on its first ping; it alerts the channel of the last new command.',
    ];
    if (first === undefined) {
      lines.push(
        "This team has no monitors yet, so <name> in the line below is a placeholder for a monitor's name. Create one first: /drumbeat new backup every 1 day",
      );
    } else {
      lines.push(`The line below pings ${first.name}. Add it to the end of that job.`);
    }
    return reply(
      "This team's ping key. Keep it secret: it lets anyone ping every monitor of the team.",
      [section(lines, 'Ping key', curlLine(`${base}/${first?.name ?? '<name>'}`))],
    );
  }

  async delete(text: string, ctx: CommandContext): Promise<ReplyView> {
    const [name, rest] = splitName(text, { verb: 'delete', exampleName: null, exampleRest: '' });
    rejectTextAfterName('delete', name, rest);
    const monitor = await this.find(name, ctx, (closest) => `/drumbeat delete ${closest}`);
    await this.options.events.apply(monitor.id, { type: 'delete', by: ctx.userId });
    await this.options.store.delete(monitor);
    this.options.logger.info({ monitorId: monitor.id, teamId: ctx.teamId }, 'monitor deleted');
    return reply(`Deleted ${monitor.name}. Its ping URL now answers 404.`);
  }

  async timezone(text: string, ctx: CommandContext): Promise<ReplyView> {
    if (text.trim() === '') {
      const current = await this.timezoneFor(ctx);
      const command = `/drumbeat timezone ${otherZone(current, null)}`;
      return reply(`This team's zone is ${current}.`, [
        section([{ lead: 'Change it with ', command }]),
      ]);
    }
    let zone: string;
    try {
      zone = assertTimezone(text.trim());
    } catch (error) {
      // The zone's examples are written as the tz option of new, which this command does not take.
      if (!(error instanceof DrumbeatError)) throw error;
      const commands = error.examples.map((example) =>
        example.replace(/^tz /, '/drumbeat timezone '),
      );
      throw new DrumbeatError(error.code, error.message, commands);
    }
    await this.options.teams.setTimezone(ctx.teamId, zone);
    const summary = `This team's zone is now ${zone}. Times are shown in it, and new schedules use it.`;
    // An abbreviation such as EST gets the note it gets after tz, on how it was read.
    const note = readZoneName(text.trim())?.note ?? null;
    return reply(summary, note === null ? [] : [section([note])]);
  }
}
