import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiscordApiStandIn } from '../../support/discord-api.js';
import { generateTestKeyPair } from '../../support/discord-signing.js';

const run = promisify(execFile);
const GUILD_ID = '900000000000000001';

interface Command {
  name: string;
  options: { name: string; type: number; options?: { name: string; autocomplete?: boolean }[] }[];
}

describe('discord:register script', () => {
  let api: DiscordApiStandIn;

  beforeEach(async () => {
    api = await DiscordApiStandIn.start();
  });

  afterEach(async () => {
    await api.close();
  });

  function register(extra: Record<string, string> = {}) {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      DISCORD_APPLICATION_ID: api.identity.applicationId,
      DISCORD_PUBLIC_KEY: generateTestKeyPair().publicKeyHex,
      DISCORD_BOT_TOKEN: api.identity.botToken,
      DISCORD_API_URL: api.apiUrl,
      ...extra,
    };
    return run(process.execPath, ['--import', 'tsx', 'scripts/register-discord.ts'], { env });
  }

  it('registers the command in one server', async () => {
    const { stdout } = await register({ DISCORD_GUILD_ID: GUILD_ID });

    expect(stdout).toContain(`Registered /drumbeat in server ${GUILD_ID}`);
    expect(api.commandRegistrations).toHaveLength(1);
    const registration = api.commandRegistrations[0]!;
    expect(registration.guildId).toBe(GUILD_ID);
    const command = registration.commands[0] as Command;
    expect(command.name).toBe('drumbeat');
    expect(command.options.map((option) => option.name)).toEqual([
      'new',
      'list',
      'silence',
      'status',
      'unsilence',
      'pause',
      'resume',
      'delete',
      'timezone',
      'digest',
      'pingkey',
      'help',
    ]);
    const status = command.options.find((option) => option.name === 'status');
    expect(status?.options?.[0]).toMatchObject({ name: 'name', autocomplete: true });
    const created = command.options.find((option) => option.name === 'new');
    expect(created?.options?.map((option) => option.name)).toEqual([
      'name',
      'schedule',
      'grace',
      'max_runtime',
      'channel',
    ]);
  });

  it('registers globally without DISCORD_GUILD_ID', async () => {
    const { stdout } = await register();

    expect(stdout).toContain('globally');
    expect(api.commandRegistrations[0]?.guildId).toBeNull();
    expect(api.callsTo('PUT', `/applications/${api.identity.applicationId}/commands`)).toHaveLength(
      1,
    );
  });

  it('names the missing variables', async () => {
    const failure = await register({ DISCORD_BOT_TOKEN: '' }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );

    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('DISCORD_BOT_TOKEN');
    expect(api.commandRegistrations).toHaveLength(0);
  });

  it('reports a rejected registration', async () => {
    const failure = await register({ DISCORD_APPLICATION_ID: '1200000000000000999' }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );

    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('HTTP 403');
  });
});
