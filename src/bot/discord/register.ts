// Registers the `/drumbeat` command with Discord: in one server, where a change takes effect
// at once, or globally for every server the bot is in.

import { type REST, Routes } from 'discord.js';
import { buildCommandDefinition } from './commands.js';

export interface RegisterOptions {
  rest: REST;
  applicationId: string;
  /** The server to register in, or null to register the command globally. */
  guildId: string | null;
}

export interface RegisterResult {
  scope: 'guild' | 'global';
  commandNames: string[];
}

/**
 * Overwrites the application's commands in the scope with `/drumbeat`, so that a command
 * removed from Drumbeat also disappears from Discord.
 */
export async function registerCommands(options: RegisterOptions): Promise<RegisterResult> {
  const route =
    options.guildId === null
      ? Routes.applicationCommands(options.applicationId)
      : Routes.applicationGuildCommands(options.applicationId, options.guildId);
  const registered = (await options.rest.put(route, { body: [buildCommandDefinition()] })) as {
    name: string;
  }[];
  return {
    scope: options.guildId === null ? 'global' : 'guild',
    commandNames: registered.map((command) => command.name),
  };
}
