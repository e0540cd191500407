// Turns the options of a `/drumbeat` subcommand into the text the command core reads, the same
// text a Slack user types after `/drumbeat`.

import { DrumbeatError } from '../../domain/errors.js';
import { NAME_OPTION, ZONE_OPTION } from './commands.js';
import type { Subcommand } from './interaction.js';

const SIMPLE_SUBCOMMANDS = new Set(['status', 'unsilence', 'pause', 'resume', 'delete']);
// Subcommands without options, whose text is the subcommand's name alone.
const WORD_ALONE_SUBCOMMANDS = new Set(['list', 'pingkey', 'help']);

/** Builds the command text. Throws DrumbeatError for option values the text cannot carry. */
export function commandText(sub: Subcommand): string {
  const name = sub.options.get(NAME_OPTION)?.trim() ?? '';
  // The core reads the first word as the monitor name, so the rest of a name with a space
  // would be read as the schedule or the silence's end.
  if (/\s/.test(name)) {
    const joined = name.split(/\s+/).join('-');
    throw new DrumbeatError(
      'name_invalid',
      `"${name}" is not a valid monitor name: names have no spaces.`,
      `/drumbeat ${textWithName(sub, joined)}`,
    );
  }
  return textWithName(sub, name);
}

function textWithName(sub: Subcommand, name: string): string {
  const option = (optionName: string) => sub.options.get(optionName)?.trim() ?? '';
  if (sub.name === 'new') return newText(sub, name);
  if (sub.name === 'silence') return `silence ${name} ${silenceEnd(option('how_long'))}`;
  if (SIMPLE_SUBCOMMANDS.has(sub.name)) return `${sub.name} ${name}`;
  if (sub.name === 'timezone') return `timezone ${option(ZONE_OPTION)}`.trim();
  if (WORD_ALONE_SUBCOMMANDS.has(sub.name)) return sub.name;
  if (sub.name === 'digest') return `digest ${option('schedule')}`.trim();
  throw new DrumbeatError(
    'command_invalid',
    `"${sub.name}" is not a Drumbeat command.`,
    '/drumbeat help',
  );
}

function newText(sub: Subcommand, name: string): string {
  const option = (optionName: string) => sub.options.get(optionName)?.trim() ?? '';
  const parts = ['new', name, option('schedule')];
  if (option('grace') !== '') parts.push('grace', option('grace'));
  if (option('max_runtime') !== '') parts.push('max runtime', option('max_runtime'));
  // A channel option carries the channel's id; the core reads `<#id>` as that channel.
  if (option('channel') !== '') parts.push('in', `<#${option('channel')}>`);
  return parts.join(' ');
}

/** `2 hours` means "for 2 hours"; text that starts with `for` or `until` is kept as it is. */
function silenceEnd(text: string): string {
  return /^(for|until)\s/i.test(text) ? text : `for ${text}`;
}
