// `npm run discord:register`: registers Drumbeat's `/drumbeat` command with Discord, in the
// server DISCORD_GUILD_ID when it is set, otherwise globally. It reads the same environment
// variables as the service.

import { DiscordAPIError, HTTPError } from 'discord.js';
import { registerCommands, UnexpectedRegistrationResponse } from '../src/bot/discord/register.js';
import { closeRestClient, createRestClient } from '../src/bot/discord/rest-client.js';
import { ConfigError, loadConfig } from '../src/config.js';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError)
      fail(`Cannot register the commands, because the configuration is invalid:\n${error.message}`);
    throw error;
  }
  const discord = config.discord;
  if (discord === null) {
    fail(
      'Set DISCORD_APPLICATION_ID, DISCORD_PUBLIC_KEY and DISCORD_BOT_TOKEN to register the commands.',
    );
  }

  const rest = createRestClient({ apiUrl: discord.apiUrl, botToken: discord.botToken });
  try {
    const result = await registerCommands({
      rest,
      applicationId: discord.applicationId,
      guildId: discord.guildId,
    });
    const where =
      result.scope === 'guild'
        ? `in server ${discord.guildId}`
        : 'globally, for every server the bot is in';
    process.stdout.write(`Registered /${result.commandNames.join(', /')} ${where}.\n`);
  } catch (error) {
    if (error instanceof DiscordAPIError) {
      fail(`Discord rejected the registration with HTTP ${error.status}: ${error.message}`);
    }
    if (error instanceof UnexpectedRegistrationResponse) {
      fail(
        `Registration failed: ${discord.apiUrl} responded with ${error.message}. Check DISCORD_API_URL, or run the command again later.`,
      );
    }
    if (error instanceof HTTPError) {
      // discord.js raises HTTPError for a 5xx response once its own retries are spent.
      fail(
        `Registration failed: ${discord.apiUrl} responded with HTTP ${error.status}. Run the command again later.`,
      );
    }
    throw error;
  } finally {
    closeRestClient(rest);
  }
}

await main();
