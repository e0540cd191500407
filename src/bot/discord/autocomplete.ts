// Suggestions while a user types an option: the server's monitor names, or IANA zones.
// Discord cannot defer an autocomplete response, so a slow lookup suggests nothing.

import { type APIApplicationCommandOptionChoice, InteractionResponseType } from 'discord.js';
import type { Logger } from 'pino';
import { settleWithin, TIMED_OUT } from '../timing.js';
import { NAME_OPTION, ZONE_OPTION } from './commands.js';
import { type Interaction, readSubcommand } from './interaction.js';
import type { InteractionAnswer } from './interaction-answer.js';
import { DISCORD_LIMITS, truncate } from './markdown.js';

export interface AutocompleteDeps {
  /** The names of a team's monitors, such as `MonitorStore.listTeam` provides. */
  listMonitorNames: (teamId: string) => Promise<string[]>;
  logger: Logger;
  /** How long a lookup may take before the response suggests nothing, in ms. */
  replyWithinMs: number;
}

const ZONES: readonly string[] = [
  'UTC',
  ...Intl.supportedValuesOf('timeZone').filter((zone) => zone !== 'UTC'),
];

export async function answerAutocomplete(
  interaction: Interaction,
  deps: AutocompleteDeps,
): Promise<InteractionAnswer> {
  const choices = await settleWithin(suggest(interaction, deps), deps.replyWithinMs);
  return {
    body: {
      type: InteractionResponseType.ApplicationCommandAutocompleteResult,
      data: { choices: choices === TIMED_OUT ? [] : choices },
    },
  };
}

async function suggest(
  interaction: Interaction,
  deps: AutocompleteDeps,
): Promise<APIApplicationCommandOptionChoice[]> {
  const focused = readSubcommand(interaction)?.focused ?? null;
  if (focused === null) return [];
  if (focused.name === ZONE_OPTION) return toChoices(matching(ZONES, focused.value));
  if (focused.name !== NAME_OPTION || interaction.guild_id === undefined) return [];
  try {
    const names = await deps.listMonitorNames(`discord:${interaction.guild_id}`);
    return toChoices(matching(names, focused.value));
  } catch (error) {
    deps.logger.error(
      { err: error, teamId: `discord:${interaction.guild_id}` },
      'Could not list monitors to autocomplete',
    );
    return [];
  }
}

/** Values that contain the typed text, ignoring case, those that start with it first. */
export function matching(values: readonly string[], typed: string): string[] {
  const needle = typed.trim().toLowerCase();
  const starts: string[] = [];
  const contains: string[] = [];
  for (const value of values) {
    const index = value.toLowerCase().indexOf(needle);
    if (index === 0) starts.push(value);
    else if (index > 0) contains.push(value);
  }
  return [...starts, ...contains].slice(0, DISCORD_LIMITS.autocompleteChoices);
}

function toChoices(values: string[]): APIApplicationCommandOptionChoice[] {
  return values.map((value) => ({ name: truncate(value, DISCORD_LIMITS.choiceName), value }));
}
