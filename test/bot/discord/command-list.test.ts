// Per the README, Discord's subcommands are those of its Commands list, and the help reply
// lists the same commands. These tests keep both in step with what discord:register sends.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { helpReply } from '../../../src/bot/commands/replies.js';
import { buildCommandDefinition } from '../../../src/bot/discord/commands.js';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

function registeredSubcommands(): string[] {
  return (buildCommandDefinition().options ?? []).map((option) => option.name).sort();
}

/** Returns the command words of the README's Commands list, such as `new` of `/drumbeat new`. */
function readmeCommands(): string[] {
  const start = readme.indexOf('## Commands');
  const block = readme.slice(readme.indexOf('```', start), readme.indexOf('```\n\n', start));
  const words = [...block.matchAll(/^\/drumbeat (\S+)/gm)].map((match) => match[1]!);
  return [...new Set(words)].sort();
}

/**
 * Returns the command words of the help reply. One line may show several, as in
 * `pause <name>  /  resume <name>`.
 */
function helpCommands(): string[] {
  const commands = helpReply().sections.find((section) => section.title === 'Commands');
  const words = (commands?.lines ?? []).flatMap((line) => {
    const text = typeof line === 'string' ? line : `${line.lead}${line.command}`;
    return text.split('  /  ').map((part) => part.split(' ')[0]!);
  });
  return [...new Set(words)].sort();
}

describe('Discord command list', () => {
  it('registers each command of the README', () => {
    expect(readmeCommands()).toContain('pingkey');
    expect(registeredSubcommands()).toEqual(readmeCommands());
  });

  it('registers each command of the help reply', () => {
    expect(helpCommands()).toContain('pingkey');
    expect(registeredSubcommands()).toEqual(helpCommands());
  });
});
