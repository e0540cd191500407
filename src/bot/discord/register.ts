// Registers the `/drumbeat` command with Discord: in one server, where a change takes effect
// at once, or globally for every server the bot is in.

import { parseResponse, type REST, RequestMethod, Routes } from 'discord.js';
import { buildCommandDefinition } from './commands.js';
import { responseExcerpt } from './rest-client.js';

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
 * An error for a response with a successful HTTP status whose body is not the list of
 * registered commands that Discord returns, as from a proxy or a wrong DISCORD_API_URL.
 */
export class UnexpectedRegistrationResponse extends Error {
  override readonly name = 'UnexpectedRegistrationResponse';

  constructor(
    readonly status: number,
    /** The start of the body, on one line. */
    readonly excerpt: string,
  ) {
    super(`HTTP ${status} and a body that is not a list of commands: ${excerpt}`);
  }
}

/**
 * Overwrites the application's commands in the scope with `/drumbeat`, so that a command
 * removed from Drumbeat also disappears from Discord. Throws discord.js's errors for an error
 * status, and UnexpectedRegistrationResponse for a body without the registered commands.
 */
export async function registerCommands(options: RegisterOptions): Promise<RegisterResult> {
  const route =
    options.guildId === null
      ? Routes.applicationCommands(options.applicationId)
      : Routes.applicationGuildCommands(options.applicationId, options.guildId);
  // queueRequest, unlike put, keeps the response's status for the error message.
  const response = await options.rest.queueRequest({
    fullRoute: route,
    method: RequestMethod.Put,
    body: [buildCommandDefinition()],
  });
  const registered: unknown = await parseResponse(response);
  const entries: unknown[] = Array.isArray(registered) ? registered : [];
  const commandNames = entries.map(commandName).filter((name) => name !== null);
  if (commandNames.length === 0 || commandNames.length < entries.length) {
    throw new UnexpectedRegistrationResponse(response.status, responseExcerpt(registered));
  }
  return { scope: options.guildId === null ? 'global' : 'guild', commandNames };
}

function commandName(command: unknown): string | null {
  if (typeof command !== 'object' || command === null) return null;
  const name = (command as { name?: unknown }).name;
  return typeof name === 'string' ? name : null;
}
